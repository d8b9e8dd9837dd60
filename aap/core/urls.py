from django.contrib.auth import views as auth_views
from django.urls import path

from aap.core import views, views_taches


app_name = "core"

urlpatterns = [
    path("", views.accueil, name="accueil"),
    path("connexion/", views.ConnexionView.as_view(), name="login"),
    path("deconnexion/", auth_views.LogoutView.as_view(), name="logout"),
    path("mot-de-passe/oublie/", views.MotDePasseOublieView.as_view(), name="mot_de_passe_oublie"),
    path("mot-de-passe/envoye/", views.MotDePasseEnvoyeView.as_view(), name="mot_de_passe_envoye"),
    path(
        "mot-de-passe/definir/<uidb64>/<token>/",
        views.DefinirMotDePasseView.as_view(),
        name="definir_mot_de_passe",
    ),
    path("mot-de-passe/defini/", views.MotDePasseDefiniView.as_view(), name="mot_de_passe_defini"),
    path("journal/", views.journal, name="journal"),
    path("taches/<int:pk>/", views_taches.tache, name="tache"),
    path("taches/<int:pk>/fichiers/<int:index>/", views_taches.tache_fichier, name="tache_fichier"),
]
