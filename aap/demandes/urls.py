from django.urls import path

from aap.demandes.views import agents, budget, consultation, porteur
from aap.instruction import views_circuit


app_name = "demandes"
urlpatterns = [
    path("mes-demandes/", porteur.mes_demandes, name="mes_demandes"),
    path("nouvelle/", porteur.nouvelle, name="nouvelle"),
    path("agents/", agents.liste, name="agent_liste"),
    path("<int:pk>/", consultation.detail, name="detail"),
    path("<int:pk>/recepisse/", consultation.recepisse, name="recepisse"),
    path("<int:pk>/dossier/", porteur.dossier, name="dossier"),
    path("<int:pk>/dossier/enregistrement-automatique/", porteur.autosave, name="autosave"),
    path("<int:pk>/budget/", budget.budget, name="budget"),
    path("<int:pk>/budget/apercu/", budget.apercu, name="budget_apercu"),
    path("<int:pk>/deposer/", porteur.deposer, name="deposer"),
    path("<int:pk>/repasser-en-brouillon/", porteur.repasser_en_brouillon, name="repasser_en_brouillon"),
    path("<int:pk>/valider/", porteur.valider, name="valider"),
    path("<int:pk>/redeposer/", views_circuit.redeposer, name="redeposer"),
    path("<int:pk>/retirer/", views_circuit.retirer, name="retirer"),
]
