from django.apps import AppConfig


class BilansConfig(AppConfig):
    name = "aap.bilans"
    verbose_name = "Bilans, documents annuels et contrôles"
