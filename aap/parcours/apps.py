from django.apps import AppConfig


class ParcoursConfig(AppConfig):
    name = "aap.parcours"
    verbose_name = "Parcours des personnes accompagnées"
