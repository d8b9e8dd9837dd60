from django.apps import AppConfig


class QualiteConfig(AppConfig):
    name = "aap.qualite"
    verbose_name = "Charte qualité et observatoire"
