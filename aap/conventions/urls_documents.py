"""URL des documents des conventions (voir urls.py) : génération par séance de CP, modèles Word, export SCDL."""

from django.urls import path

from aap.conventions import views_documents as v


urlpatterns = [
    path("documents/", v.accueil, name="documents"),
    path("documents/scdl/", v.exporter_scdl, name="exporter_scdl"),
    path("documents/cp/<int:pk>/", v.seance, name="seance"),
    path("documents/cp/<int:pk>/generer/", v.generer, name="generer"),
    path("documents/<int:pk>/regenerer/", v.regenerer, name="regenerer"),
    path("documents/modeles/", v.modeles, name="modeles"),
    path("documents/modeles/<int:pk>/activer/", v.modele_activer, name="modele_activer"),
    path("documents/modeles/<int:pk>/telecharger/", v.modele_telecharger, name="modele_telecharger"),
    path("documents/modeles/livre/<str:type_modele>/", v.modele_defaut, name="modele_defaut"),
    path("documents/modeles/livre/<str:type_modele>/activer/", v.modele_livre, name="modele_livre"),
]
