"""Administration de la Commission permanente : consultation (les agents passent par l'interface, qui trace
chaque action dans le journal) ; seul le registre des élus s'y corrige aussi."""

from django.contrib import admin

from aap.catalogue.admin import LectureSeuleMixin
from aap.commission.models import Elu, GenerationDocuments, Inscription, Mandat, SeanceCP, Vote


class MandatInline(admin.TabularInline):
    model = Mandat
    extra = 0
    autocomplete_fields = ["structure"]


@admin.register(Elu)
class EluAdmin(admin.ModelAdmin):
    list_display = ["nom", "prenom", "groupe", "fonction", "est_president", "voix_deliberative", "actif"]
    list_filter = ["groupe", "actif", "voix_deliberative"]
    search_fields = ["nom", "prenom"]
    inlines = [MandatInline]


@admin.register(SeanceCP)
class SeanceCPAdmin(LectureSeuleMixin, admin.ModelAdmin):
    list_display = ["date", "phase", "statut", "numero_deliberation"]
    list_filter = ["statut", "edition"]


@admin.register(Inscription)
class InscriptionAdmin(LectureSeuleMixin, admin.ModelAdmin):
    list_display = ["proposition", "seance", "decision", "montant_vote", "notifiee_le"]
    list_filter = ["seance", "decision"]


@admin.register(Vote)
class VoteAdmin(LectureSeuleMixin, admin.ModelAdmin):
    list_display = ["seance", "pour", "contre", "abstention", "absents_sans_delegation", "adopte"]


@admin.register(GenerationDocuments)
class GenerationDocumentsAdmin(LectureSeuleMixin, admin.ModelAdmin):
    list_display = ["seance", "statut", "progression", "demandee_le", "terminee_le"]
    list_filter = ["statut"]
