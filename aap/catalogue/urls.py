from django.urls import path

from aap.catalogue import views


app_name = "catalogue"
urlpatterns = [
    path("", views.appels_ouverts, name="appels_ouverts"),
    path("<int:annee>/", views.catalogue, name="catalogue"),
    path("<int:annee>/<slug:slug>/", views.dispositif, name="dispositif"),
]
