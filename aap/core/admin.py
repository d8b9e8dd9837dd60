from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from aap.core.models import AuditLog, Territoire, User


@admin.register(User)
class AapUserAdmin(UserAdmin):
    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "role", "territoire", "is_active"]
    list_filter = ["role", "territoire", "is_active"]
    search_fields = ["email", "first_name", "last_name"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        ("Identité", {"fields": ["first_name", "last_name"]}),
        ("Rôle", {"fields": ["role", "territoire", "is_active", "is_staff", "is_superuser"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "role", "password1", "password2"]})]


@admin.register(Territoire)
class TerritoireAdmin(admin.ModelAdmin):
    list_display = ["nom", "code", "est_departement", "bassin_minier", "ordre"]


@admin.register(AuditLog)
class AuditLogAdmin(admin.ModelAdmin):
    list_display = ["horodatage", "acteur", "action", "cible_repr"]
    list_filter = ["action"]
    readonly_fields = [f.name for f in AuditLog._meta.fields]
