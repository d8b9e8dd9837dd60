"""Modification du mandat d'un élu : page réservée à la DPID, service journalisé, dates contrôlées."""

from __future__ import annotations

import datetime
import html

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from aap.commission.models import Mandat
from aap.commission.services import CommissionImpossible, enregistrer_mandat
from aap.core.models import AuditLog
from tests.commission.factories import EluFactory, MandatFactory
from tests.factories import StructureFactory


DEBUT = datetime.date(2025, 1, 1)


@pytest.fixture
def mandat() -> Mandat:
    structure = StructureFactory(raison_sociale="CCAS de Liévin-Exemple")
    return MandatFactory(structure=structure, fonction="Membre du conseil d'administration", debut=DEBUT)


def url_de(mandat: Mandat) -> str:
    return reverse("commission:mandat_modifier", args=[mandat.pk])


def donnees(mandat: Mandat, **valeurs) -> dict[str, str]:
    base = {"structure": mandat.structure_id, "fonction": mandat.fonction, "debut": "2025-01-01", "fin": ""}
    return {**base, **valeurs}


@pytest.mark.parametrize("role", ["agent_slai", "agent_finances", "porteur"])
def test_modifier_un_mandat_interdit_hors_dpid(client, request, mandat, role):
    client.force_login(request.getfixturevalue(role))
    assert client.get(url_de(mandat)).status_code == 403
    assert client.post(url_de(mandat), donnees(mandat, fonction="Président")).status_code == 403
    mandat.refresh_from_db()
    assert mandat.fonction == "Membre du conseil d'administration"
    assert not AuditLog.objects.filter(action="elu.mandat_modifier").exists()


def test_anonyme_renvoye_vers_la_connexion(client, mandat):
    reponse = client.get(url_de(mandat))
    assert reponse.status_code == 302 and reverse("core:login") in reponse.url


@pytest.mark.parametrize("role", ["instructeur", "gestionnaire", "administrateur"])
def test_page_de_modification_pre_remplie(client, request, mandat, role):
    client.force_login(request.getfixturevalue(role))
    page = html.unescape(client.get(url_de(mandat)).content.decode())
    assert "<h1>Modifier le mandat de" in page
    assert 'value="Membre du conseil d\'administration"' in page
    assert 'value="2025-01-01"' in page
    assert f'name="structure" value="{mandat.structure_id}" required id="id_structure_0" checked>' in page


def test_mandat_inconnu_404(client, gestionnaire):
    client.force_login(gestionnaire)
    assert client.get(reverse("commission:mandat_modifier", args=[999999])).status_code == 404


def test_modification_enregistree_et_journalisee(client, gestionnaire, mandat):
    client.force_login(gestionnaire)
    reponse = client.post(url_de(mandat), donnees(mandat, fonction="Président du CCAS", fin="2026-06-30"))
    assert reponse.status_code == 302 and reponse.url == reverse("commission:elu", args=[mandat.elu_id])
    assert [str(m) for m in get_messages(reponse.wsgi_request)] == ["Mandat à CCAS de Liévin-Exemple modifié."]
    mandat.refresh_from_db()
    assert (mandat.fonction, mandat.debut, mandat.fin) == ("Président du CCAS", DEBUT, datetime.date(2026, 6, 30))
    ligne = AuditLog.objects.for_object(mandat.elu).get(action="elu.mandat_modifier")
    assert ligne.acteur == gestionnaire
    assert ligne.details["fonction"] == "Membre du conseil d'administration → Président du CCAS"
    assert ligne.details["fin"] == " → 2026-06-30"
    assert "debut" not in ligne.details and "structure" not in ligne.details


def test_changer_de_structure_apres_recherche(client, gestionnaire, mandat):
    autre = StructureFactory(raison_sociale="Association Relais-Exemple")
    StructureFactory(raison_sociale="Sans rapport")
    client.force_login(gestionnaire)
    page = client.get(url_de(mandat), {"q": "relais-exemple"}).content.decode()
    assert "Association Relais-Exemple" in page and "Sans rapport" not in page
    assert "CCAS de Liévin-Exemple" in page  # la structure actuelle reste proposée
    reponse = client.post(url_de(mandat), donnees(mandat, structure=autre.pk, q="relais-exemple"))
    assert reponse.status_code == 302
    mandat.refresh_from_db()
    assert mandat.structure == autre
    ligne = AuditLog.objects.get(action="elu.mandat_modifier")
    assert ligne.details["structure"].endswith(f"→ {autre}")


def test_dates_inversees_erreur_en_ligne(client, gestionnaire, mandat):
    client.force_login(gestionnaire)
    reponse = client.post(url_de(mandat), donnees(mandat, fin="2024-12-31"))
    assert reponse.status_code == 200
    page = reponse.content.decode()
    assert '<ul class="field__errors" id="id_fin_error"><li>La fin du mandat précède son début.</li></ul>' in page
    assert 'aria-describedby="id_fin_error"' in page
    mandat.refresh_from_db()
    assert mandat.fin is None
    assert not AuditLog.objects.filter(action="elu.mandat_modifier").exists()


def test_elu_plus_en_fonction_modifiable(client, gestionnaire):
    mandat = MandatFactory(elu=EluFactory(actif=False))
    client.force_login(gestionnaire)
    reponse = client.post(url_de(mandat), donnees(mandat, debut="", fonction="Ancien président"))
    assert reponse.status_code == 302
    mandat.refresh_from_db()
    assert mandat.fonction == "Ancien président"


def test_lien_modifier_sur_la_fiche_de_l_elu(client, gestionnaire, agent_slai, mandat):
    url = reverse("commission:elu", args=[mandat.elu_id])
    client.force_login(gestionnaire)
    page = client.get(url).content.decode()
    assert (
        f'href="{url_de(mandat)}">Modifier<span class="visually-hidden"> le mandat à CCAS de Liévin-Exemple</span></a>'
        in page
    )
    client.force_login(agent_slai)
    assert url_de(mandat) not in client.get(url).content.decode()


def test_service_controle_les_dates_sur_le_resultat(gestionnaire, mandat):
    with pytest.raises(CommissionImpossible, match="précède son début"):
        enregistrer_mandat(gestionnaire, mandat.elu, {"fin": datetime.date(2024, 6, 1)}, mandat=mandat)
    mandat.refresh_from_db()
    assert mandat.fin is None
    assert not AuditLog.objects.filter(action="elu.mandat_modifier").exists()


def test_service_refuse_le_mandat_d_un_autre_elu(gestionnaire, mandat):
    with pytest.raises(CommissionImpossible, match="autre élu"):
        enregistrer_mandat(gestionnaire, EluFactory(), {"fonction": "Trésorier"}, mandat=mandat)
    mandat.refresh_from_db()
    assert mandat.fonction == "Membre du conseil d'administration"
