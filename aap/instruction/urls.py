from django.urls import path

from aap.instruction import (
    views,
    views_budget,
    views_circuit,
    views_enveloppes,
    views_import,
    views_notation,
    views_propositions,
)


app_name = "instruction"
urlpatterns = [
    path("demandes/<int:pk>/avis-slai/", views.avis_slai, name="avis_slai"),
    path("demandes/<int:pk>/affecter/", views.affecter_demande, name="affecter_demande"),
    path("demandes/affecter/", views.affecter_selection, name="affecter_selection"),
    path("demandes/<int:pk>/completude/", views_circuit.completude, name="completude"),
    path("demandes/<int:pk>/complements/", views_circuit.complements, name="complements"),
    path("demandes/<int:pk>/budget/", views_budget.budget_retenu_page, name="budget_retenu"),
    path("demandes/<int:pk>/budget/equilibrer/", views_budget.equilibrer, name="equilibrer_budget"),
    path("demandes/<int:pk>/notation/", views_notation.notation, name="notation"),
    path("demandes/<int:pk>/proposition/", views_propositions.proposition, name="proposition"),
    path("demandes/<int:pk>/proposition/retirer/", views_propositions.retirer, name="retirer_proposition"),
    path("enveloppes/", views_enveloppes.tableau, name="enveloppes"),
    path("enveloppes/nouvelle/", views_enveloppes.nouvelle, name="enveloppe_nouvelle"),
    path("enveloppes/<int:pk>/modifier/", views_enveloppes.modifier, name="enveloppe_modifier"),
    path("enveloppes/<int:pk>/supprimer/", views_enveloppes.supprimer, name="enveloppe_supprimer"),
    path("enveloppes/<int:pk>/simulation/", views_enveloppes.simulation, name="simulation"),
    path("propositions/import/", views_import.importer, name="import_propositions"),
    path("propositions/import/<int:pk>/", views_import.resultat, name="import_resultat"),
    path("propositions/import/<int:pk>/importer/", views_import.executer, name="import_executer"),
]
