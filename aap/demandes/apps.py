from django.apps import AppConfig


class DemandesConfig(AppConfig):
    verbose_name = "demandes de subvention"
    name = "aap.demandes"
