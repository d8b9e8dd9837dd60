"""Administration du catalogue : consultation seulement (le catalogue se charge depuis les YAML versionnés)."""

from django.contrib import admin

from aap.catalogue.models import Axe, Dispositif, Edition, SessionAppel


class LectureSeuleMixin:
    def has_add_permission(self, request, obj=None) -> bool:  # noqa: ANN001
        return False

    def has_change_permission(self, request, obj=None) -> bool:  # noqa: ANN001
        return False

    def has_delete_permission(self, request, obj=None) -> bool:  # noqa: ANN001
        return False


class SessionInline(LectureSeuleMixin, admin.TabularInline):
    model = SessionAppel
    fields = ["numero", "ouverture", "cloture", "restriction", "demonstration"]
    extra = 0


@admin.register(Edition)
class EditionAdmin(LectureSeuleMixin, admin.ModelAdmin):
    list_display = ["annee", "libelle", "chargee_le", "empreinte"]


@admin.register(Axe)
class AxeAdmin(LectureSeuleMixin, admin.ModelAdmin):
    list_display = ["edition", "numero", "libelle"]
    list_filter = ["edition"]


@admin.register(Dispositif)
class DispositifAdmin(LectureSeuleMixin, admin.ModelAdmin):
    list_display = ["code", "titre", "edition", "axe", "fiche_code", "modele_financement", "periode_libelle"]
    list_filter = ["edition", "axe__numero", "modele_financement"]
    search_fields = ["code", "titre", "slug"]
    inlines = [SessionInline]
