"""Administration en lecture : les résultats de la charte changent d'état par leurs services (audit)."""

from __future__ import annotations

from django.contrib import admin

from aap.qualite.models import NoteCritere, ReponseStructure, ResultatCharte


class LectureSeule(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None) -> bool:  # noqa: ANN001
        return False

    def has_change_permission(self, request, obj=None) -> bool:  # noqa: ANN001
        return False

    def has_delete_permission(self, request, obj=None) -> bool:  # noqa: ANN001
        return False


class NoteInline(admin.TabularInline):
    model = NoteCritere
    extra = 0
    can_delete = False
    readonly_fields = ("critere", "points", "commentaire", "agent", "note_le")

    def has_add_permission(self, request, obj=None) -> bool:  # noqa: ANN001
        return False


class ReponseInline(admin.TabularInline):
    model = ReponseStructure
    extra = 0
    can_delete = False
    readonly_fields = ("critere", "texte", "auteur", "deposee_le", "suite")

    def has_add_permission(self, request, obj=None) -> bool:  # noqa: ANN001
        return False


@admin.register(ResultatCharte)
class ResultatCharteAdmin(LectureSeule):
    list_display = ("structure", "dispositif", "periode_debut", "periode_fin", "score", "statut")
    list_filter = ("statut", "dispositif")
    search_fields = ("structure__raison_sociale", "structure__siret")
    inlines = [NoteInline, ReponseInline]
