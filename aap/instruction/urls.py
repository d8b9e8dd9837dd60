from django.urls import path

from aap.instruction import views, views_budget, views_notation


app_name = "instruction"
urlpatterns = [
    path("demandes/<int:pk>/avis-slai/", views.avis_slai, name="avis_slai"),
    path("demandes/<int:pk>/affecter/", views.affecter_demande, name="affecter_demande"),
    path("demandes/affecter/", views.affecter_selection, name="affecter_selection"),
    path("demandes/<int:pk>/budget/", views_budget.budget_retenu_page, name="budget_retenu"),
    path("demandes/<int:pk>/budget/equilibrer/", views_budget.equilibrer, name="equilibrer_budget"),
    path("demandes/<int:pk>/notation/", views_notation.notation, name="notation"),
]
