"""URL du suivi des conventions (voir urls.py) : liste, fiche, signatures, résiliation, avenants, téléchargements."""

from django.urls import path

from aap.conventions import views, views_porteur


urlpatterns = [
    path("", views.liste, name="liste"),
    path("mes-conventions/", views_porteur.mes_conventions, name="mes_conventions"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/envoyer/", views.envoyer, name="envoyer"),
    path("<int:pk>/signature-structure/", views.deposer_signature, name="deposer_signature"),
    path("<int:pk>/signer/", views.signer_departement, name="signer_departement"),
    path("<int:pk>/resilier/", views.resilier, name="resilier"),
    path("<int:pk>/document/", views.telecharger_convention, name="telecharger_convention"),
    path("<int:pk>/document-signe/", views.telecharger_signee, name="telecharger_signee"),
    path("<int:pk>/avenants/demander/", views_porteur.avenant_demander, name="avenant_demander"),
    path("avenants/<int:pk>/", views_porteur.avenant, name="avenant"),
    path("avenants/<int:pk>/decider/", views_porteur.avenant_decider, name="avenant_decider"),
    path("avenants/<int:pk>/cp/", views_porteur.avenant_rattacher_cp, name="avenant_rattacher_cp"),
    path("avenants/<int:pk>/signer/", views_porteur.avenant_signer, name="avenant_signer"),
    path("avenants/<int:pk>/document/", views_porteur.telecharger_avenant, name="telecharger_avenant"),
]
