"""Administration en lecture : les versements et reversements changent d'état par leurs services (audit)."""

from __future__ import annotations

from django.contrib import admin

from aap.versements.models import Echeance, ExportFinances, OrdreReversement, Remboursement, Versement


class LectureSeule(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None) -> bool:  # noqa: ANN001
        return False

    def has_change_permission(self, request, obj=None) -> bool:  # noqa: ANN001
        return False

    def has_delete_permission(self, request, obj=None) -> bool:  # noqa: ANN001
        return False


@admin.register(Echeance)
class EcheanceAdmin(LectureSeule):
    list_display = ("operation", "rang", "type", "taux", "montant_prevu", "statut")
    list_filter = ("type", "statut")


@admin.register(Versement)
class VersementAdmin(LectureSeule):
    list_display = ("convention", "echeance", "montant", "statut", "paye_le", "reference_paiement")
    list_filter = ("statut",)
    search_fields = ("convention__numero", "convention__structure__raison_sociale")


@admin.register(ExportFinances)
class ExportFinancesAdmin(LectureSeule):
    list_display = ("pk", "cree_le", "cree_par", "nombre", "total")


class RemboursementEnLigne(admin.TabularInline):
    model = Remboursement
    extra = 0
    can_delete = False
    readonly_fields = ("montant", "recu_le", "enregistre_par", "enregistre_le")


@admin.register(OrdreReversement)
class OrdreReversementAdmin(LectureSeule):
    list_display = ("convention", "origine", "montant", "statut", "emis_le")
    list_filter = ("origine", "statut")
    inlines = [RemboursementEnLigne]
