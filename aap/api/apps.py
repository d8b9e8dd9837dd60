from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "aap.api"

    def ready(self) -> None:
        from aap.api import schema  # noqa: F401 - enregistre les extensions drf-spectacular
