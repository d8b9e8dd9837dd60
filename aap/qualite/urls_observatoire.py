from django.urls import path

from aap.qualite import views_observatoire as views


app_name = "observatoire"

urlpatterns = [
    path("", views.index, name="index"),
    path("export.xlsx", views.export_xlsx, name="export_xlsx"),
]
