from django.urls import path

from aap.versements import views, views_exports, views_reversements


app_name = "versements"

urlpatterns = [
    path("", views.liste, name="liste"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/valider/", views.valider, name="valider"),
    path("<int:pk>/recalculer/", views.recalculer, name="recalculer"),
    path("<int:pk>/annuler/", views.annuler, name="annuler"),
    path("exports/", views_exports.exports, name="exports"),
    path("exports/lancer/", views_exports.exporter, name="exporter"),
    path("exports/<int:pk>/", views_exports.export, name="export"),
    path("exports/<int:pk>/fichier.<str:format>", views_exports.fichier, name="export_fichier"),
    path("reversements/", views_reversements.liste, name="reversements"),
    path("reversements/<int:pk>/", views_reversements.detail, name="reversement"),
    path("reversements/<int:pk>/rembourser/", views_reversements.rembourser, name="rembourser"),
    path("reversements/<int:pk>/annuler/", views_reversements.annuler, name="reversement_annuler"),
]
