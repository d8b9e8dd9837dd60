import pytest
import yaml
from django.core.management import call_command
from django.urls import reverse


def test_le_schema_openapi_est_valide_et_sans_avertissement(tmp_path):
    fichier = tmp_path / "schema.yaml"
    # --fail-on-warn : un avertissement de drf-spectacular sur une de nos vues fait échouer la commande.
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(fichier))
    schema = yaml.safe_load(fichier.read_text())
    assert schema["openapi"].startswith("3.")
    chemins = set(schema["paths"])
    assert {
        "/api/jeton/",
        "/api/catalogue/editions/",
        "/api/catalogue/axes/",
        "/api/catalogue/dispositifs/",
        "/api/catalogue/dispositifs/{id}/",
        "/api/catalogue/sessions-ouvertes/",
        "/api/structures/",
        "/api/structures/{id}/",
        "/api/demandes/",
        "/api/demandes/{id}/",
        "/api/demandes/{id}/budget/",
        "/api/demandes/{id}/deposer/",
        "/api/demandes/{id}/valider/",
    } <= chemins
    operations = schema["paths"]["/api/demandes/{id}/"]
    assert set(operations) >= {"get", "patch"} and "put" not in operations and "delete" not in operations
    assert set(schema["paths"]["/api/demandes/{id}/budget/"]) >= {"get", "put"}
    assert "Fiche" in schema["components"]["schemas"]


def test_schema_et_documentation_servis(api):
    reponse = api.get(reverse("api:schema"), HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert reponse.status_code == 200
    assert "/api/structures/" in reponse.json()["paths"]
    docs = api.get(reverse("api:docs"))
    assert docs.status_code == 200
    assert b"redoc" in docs.content.lower()


@pytest.mark.parametrize("methode", ["get"])
def test_vue_sante_nue(api, methode, django_assert_num_queries):
    with django_assert_num_queries(0):
        reponse = getattr(api, methode)(reverse("api:sante"))
    assert reponse.status_code == 200
    assert reponse.json() == {"statut": "ok"}
    assert api.post(reverse("api:sante")).status_code == 405


def test_la_documentation_redoc_est_servie_sans_cdn(client):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "drf_spectacular_sidecar/redoc" in page
    assert "cdn." not in page and "https://" not in page.split("<body")[0]
