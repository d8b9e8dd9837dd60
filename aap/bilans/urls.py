from django.urls import path

from aap.bilans import views, views_controles, views_documents


app_name = "bilans"

urlpatterns = [
    path("", views.mes_bilans, name="mes_bilans"),
    path("agents/", views.liste, name="liste"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/saisir/", views.saisir, name="saisir"),
    path("<int:pk>/piece/", views.piece, name="piece"),
    path("<int:pk>/accepter/", views.accepter, name="accepter"),
    path("<int:pk>/modifications/", views.modifications, name="modifications"),
    path("structures/<int:pk>/documents-annuels/", views_documents.documents_annuels, name="documents_annuels"),
    path(
        "structures/<int:pk>/documents-annuels/<int:exercice>/<slug:code>/",
        views_documents.deposer,
        name="document_deposer",
    ),
    path("documents-annuels/en-retard/", views_documents.en_retard, name="documents_en_retard"),
    path("documents-annuels/<int:pk>/fichier/", views_documents.fichier, name="document_fichier"),
    path("documents-annuels/<int:pk>/accepter/", views_documents.accepter, name="document_accepter"),
    path("documents-annuels/<int:pk>/refuser/", views_documents.refuser, name="document_refuser"),
    path("operations/<int:pk>/controles/", views_controles.controles, name="controles"),
    path("operations/<int:pk>/bilan-final-absent/", views_controles.bilan_absent, name="bilan_absent"),
    path("relances/", views_controles.relances, name="relances"),
]
