from django.apps import AppConfig


class ConventionsConfig(AppConfig):
    name = "aap.conventions"
    verbose_name = "Conventions et avenants"
