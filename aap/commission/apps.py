from django.apps import AppConfig


class CommissionConfig(AppConfig):
    name = "aap.commission"
    verbose_name = "Commission permanente"
