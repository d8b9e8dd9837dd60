from django.urls import reverse
from rest_framework.authtoken.models import Token

from aap.core.models import AuditLog
from tests.factories import PASSWORD, UserFactory


def test_obtenir_un_jeton_puis_sen_servir(api, porteur):
    reponse = api.post(reverse("api:jeton"), {"email": porteur.email, "password": PASSWORD}, format="json")
    assert reponse.status_code == 200
    jeton = reponse.json()["token"]
    assert reponse.json()["role"] == "porteur"
    assert Token.objects.get(user=porteur).key == jeton
    assert AuditLog.objects.filter(acteur=porteur, action="api.jeton.creer").count() == 1

    # Le même jeton est rendu tant qu'il n'est pas révoqué, sans nouvelle ligne de journal.
    encore = api.post(reverse("api:jeton"), {"email": porteur.email, "password": PASSWORD}, format="json")
    assert encore.json()["token"] == jeton
    assert AuditLog.objects.filter(acteur=porteur, action="api.jeton.creer").count() == 1

    api.credentials(HTTP_AUTHORIZATION=f"Token {jeton}")
    assert api.get(reverse("api:structure-list")).status_code == 200


def test_mauvais_mot_de_passe_400_en_francais(api, porteur):
    reponse = api.post(reverse("api:jeton"), {"email": porteur.email, "password": "faux"}, format="json")
    assert reponse.status_code == 400
    assert reponse.json() == {"detail": "Adresse électronique ou mot de passe incorrect."}
    assert not Token.objects.filter(user=porteur).exists()


def test_compte_inactif_refuse(api):
    user = UserFactory(is_active=False)
    reponse = api.post(reverse("api:jeton"), {"email": user.email, "password": PASSWORD}, format="json")
    assert reponse.status_code == 400


def test_revoquer_son_jeton(api_de, porteur):
    client = api_de(porteur)
    assert client.delete(reverse("api:jeton")).status_code == 204
    assert not Token.objects.filter(user=porteur).exists()
    assert AuditLog.objects.filter(acteur=porteur, action="api.jeton.revoquer").exists()
    # L'ancien jeton ne vaut plus rien.
    assert client.get(reverse("api:structure-list")).status_code == 401


def test_sans_authentification_401(api):
    assert api.get(reverse("api:structure-list")).status_code == 401
    assert api.delete(reverse("api:jeton")).status_code == 401


def test_essais_limites(api, porteur):
    statuts = [
        api.post(reverse("api:jeton"), {"email": porteur.email, "password": "faux"}, format="json").status_code
        for _ in range(21)
    ]
    assert statuts[:20] == [400] * 20
    assert statuts[20] == 429
