from django.apps import AppConfig


class StructuresConfig(AppConfig):
    verbose_name = "structures et comptes"
    name = "aap.structures"
