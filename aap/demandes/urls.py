from django.urls import path
from django.views.generic import TemplateView


app_name = "demandes"
_t = TemplateView.as_view(template_name="base.html")
urlpatterns = [
    path("mes-demandes/", _t, name="mes_demandes"),
    path("agents/", _t, name="agent_liste"),
    path("nouvelle/", _t, name="nouvelle"),
]
