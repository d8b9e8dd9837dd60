from django.apps import AppConfig


class VersementsConfig(AppConfig):
    name = "aap.versements"
    verbose_name = "Versements et reversements"
