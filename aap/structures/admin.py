"""Administration Django : consultation et dépannage. Les changements d'état passent par les services."""

from django.contrib import admin

from aap.structures.models import DemandeCompte, DocumentStructure, Membre, Structure


class MembreInline(admin.TabularInline):
    model = Membre
    extra = 0
    raw_id_fields = ["user"]


@admin.register(Structure)
class StructureAdmin(admin.ModelAdmin):
    list_display = ["raison_sociale", "siret", "forme_juridique", "territoire", "label_referent_62", "soumise_cac"]
    list_filter = ["territoire", "forme_juridique", "label_referent_62", "soumise_cac"]
    search_fields = ["raison_sociale", "sigle", "siret"]
    inlines = [MembreInline]


@admin.register(DocumentStructure)
class DocumentStructureAdmin(admin.ModelAdmin):
    list_display = ["structure", "type", "nom_original", "valide_jusquau", "depose_le", "remplace_par"]
    list_filter = ["type"]
    search_fields = ["structure__raison_sociale", "structure__siret", "nom_original"]
    raw_id_fields = ["structure", "depose_par", "remplace_par"]


@admin.register(DemandeCompte)
class DemandeCompteAdmin(admin.ModelAdmin):
    """Lecture seule : valider ou refuser se fait depuis l'espace agents (audit, courriels)."""

    list_display = ["raison_sociale", "siret", "email", "statut", "structure_deja_inscrite", "recue_le", "traitee_le"]
    list_filter = ["statut", "structure_deja_inscrite"]
    search_fields = ["raison_sociale", "siret", "email", "demandeur_nom"]

    def has_change_permission(self, request, obj=None) -> bool:  # noqa: ANN001
        return False

    def has_add_permission(self, request) -> bool:  # noqa: ANN001
        return False
