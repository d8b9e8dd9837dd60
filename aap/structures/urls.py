from django.urls import path
from django.views.generic import TemplateView


app_name = "structures"
_t = TemplateView.as_view(template_name="base.html")
urlpatterns = [
    path("demande-de-compte/", _t, name="demande_compte"),
    path("mes-structures/", _t, name="mes_structures"),
    path("agents/demandes-de-compte/", _t, name="demandes_compte"),
    path("agents/", _t, name="agent_liste"),
]
