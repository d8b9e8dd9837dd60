from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView
from rest_framework.routers import SimpleRouter

from aap.api.views import catalogue, compte, demandes, page_jeton, sante, structures


router = SimpleRouter()
router.register("catalogue/editions", catalogue.EditionViewSet, basename="edition")
router.register("catalogue/axes", catalogue.AxeViewSet, basename="axe")
router.register("catalogue/dispositifs", catalogue.DispositifViewSet, basename="dispositif")
router.register("catalogue/sessions-ouvertes", catalogue.SessionOuverteViewSet, basename="session-ouverte")
router.register("structures", structures.StructureViewSet, basename="structure")
router.register("demandes", demandes.DemandeViewSet, basename="demande")

app_name = "api"
urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularRedocView.as_view(url_name="api:schema"), name="docs"),
    path("sante/", sante.sante, name="sante"),
    path("jeton/", compte.JetonView.as_view(), name="jeton"),
    path("mon-jeton/", page_jeton.mon_jeton, name="mon_jeton"),
    path("", include(router.urls)),
]
