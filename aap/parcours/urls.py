"""Pages des parcours. La liste est sous `personnes/` (et non à la racine) : le menu marque ainsi « Alertes » et
« Entrées et sorties » comme page courante sans marquer aussi la liste."""

from django.urls import path
from django.views.generic import RedirectView

from aap.parcours import views, views_pilotage, views_suivi


app_name = "parcours"

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="parcours:liste"), name="accueil"),
    path("personnes/", views.liste, name="liste"),
    path("personnes/<int:pk>/", views.personne, name="personne"),
    path("personnes/<int:pk>/droit-acces/", views.droit_acces, name="droit_acces"),
    path("personnes/orienter/", views_suivi.orienter, name="orienter"),
    path("personnes/orientations/<int:pk>/contrat/", views_suivi.contrat, name="contrat"),
    path("personnes/saisie/<slug:nom>/<int:pk>/", views_suivi.action, name="action"),
    path("alertes/", views_pilotage.alertes, name="alertes"),
    path("entrees-sorties/", views_pilotage.entrees_sorties, name="entrees_sorties"),
]
