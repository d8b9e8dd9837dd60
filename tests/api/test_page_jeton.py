from django.urls import reverse
from rest_framework.authtoken.models import Token

from aap.core.models import AuditLog


def test_page_reservee_aux_comptes_connectes(client):
    reponse = client.get(reverse("api:mon_jeton"))
    assert reponse.status_code == 302 and reverse("core:login") in reponse["Location"]


def test_creer_renouveler_revoquer_son_jeton(client, porteur):
    client.force_login(porteur)
    url = reverse("api:mon_jeton")
    page = client.get(url)
    assert page.status_code == 200
    assert "Créer mon jeton" in page.content.decode()

    assert client.post(url, {"action": "creer"}).status_code == 302
    premier = Token.objects.get(user=porteur).key
    page = client.get(url).content.decode()
    assert premier in page and "<h1>Jeton d'API</h1>" in page

    client.post(url, {"action": "renouveler"})
    second = Token.objects.get(user=porteur).key
    assert second != premier

    client.post(url, {"action": "revoquer"})
    assert not Token.objects.filter(user=porteur).exists()
    assert list(
        AuditLog.objects.filter(acteur=porteur).order_by("horodatage", "id").values_list("action", flat=True)
    ) == ["api.jeton.creer", "api.jeton.revoquer", "api.jeton.creer", "api.jeton.revoquer"]


def test_chacun_son_jeton(client, porteur, instructeur):
    Token.objects.create(user=porteur)
    client.force_login(instructeur)
    page = client.get(reverse("api:mon_jeton")).content.decode()
    assert Token.objects.get(user=porteur).key not in page
    assert "Vous n'avez pas de jeton actif." in page
