from django.urls import path

from aap.parcours import views, views_pilotage, views_suivi


app_name = "parcours"

urlpatterns = [
    path("", views.liste, name="liste"),
    path("personnes/<int:pk>/", views.personne, name="personne"),
    path("personnes/<int:pk>/droit-acces/", views.droit_acces, name="droit_acces"),
    path("orienter/", views_suivi.orienter, name="orienter"),
    path("orientations/<int:pk>/contrat/", views_suivi.contrat, name="contrat"),
    path("saisie/<slug:nom>/<int:pk>/", views_suivi.action, name="action"),
    path("alertes/", views_pilotage.alertes, name="alertes"),
    path("entrees-sorties/", views_pilotage.entrees_sorties, name="entrees_sorties"),
]
