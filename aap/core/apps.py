from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "aap.core"
    verbose_name = "socle (utilisateurs, rôles, journal)"
