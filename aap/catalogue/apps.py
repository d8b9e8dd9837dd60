from django.apps import AppConfig


class CatalogueConfig(AppConfig):
    verbose_name = "catalogue des dispositifs"
    name = "aap.catalogue"
