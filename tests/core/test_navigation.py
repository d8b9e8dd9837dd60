"""Menu principal : liens selon le rôle, page en cours signalée (aria-current) sur un seul lien."""

import re

from django.urls import reverse


def _courants(html: str) -> list[str]:
    return re.findall(r'<a href="[^"]*" aria-current="page">([^<]+)</a>', html)


def test_mes_demandes_a_instruire_prime_sur_demandes(client, instructeur):
    client.force_login(instructeur)
    liste = reverse("demandes:agent_liste")
    assert _courants(client.get(liste).content.decode()) == ["Demandes"]
    assert _courants(client.get(liste + "?a_instruire=1").content.decode()) == ["Mes demandes à instruire"]


def test_commission_permanente_pour_tous_les_agents_seulement(client, agent_slai, porteur):
    client.force_login(agent_slai)
    html = client.get(reverse("commission:seances")).content.decode()
    assert _courants(html) == ["Commission permanente"]
    client.force_login(porteur)
    assert "Commission permanente" not in client.get(reverse("demandes:mes_demandes")).content.decode()


def test_conventions_versements_et_bilans_dans_le_menu(client, agent_finances, porteur):
    client.force_login(agent_finances)
    html = client.get(reverse("versements:liste")).content.decode()
    assert _courants(html) == ["Versements"]
    assert "Conventions" in html and "Bilans" in html
    client.force_login(porteur)
    html = client.get(reverse("conventions:mes_conventions")).content.decode()
    assert _courants(html) == ["Mes conventions"]
    assert "Mes bilans" in html and "Versements" not in html
