from django.urls import path  # noqa: F401


app_name = "parcours_imports"

urlpatterns: list = []
