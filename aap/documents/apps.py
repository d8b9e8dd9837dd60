from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    verbose_name = "rendu des documents"
    name = "aap.documents"
