"""Alertes, entrées et sorties du comité (HTML et XLSX), droit d'accès (PDF et JSON) : rôles et portée."""

from __future__ import annotations

import datetime
import io
import json

import pytest
import time_machine
from django.urls import reverse
from openpyxl import load_workbook

from aap.core.models import AuditLog
from tests.factories import StructureFactory, territoire
from tests.parcours.factories import ContratFactory, OrientationFactory, PersonneFactory, SortieFactory
from tests.parcours.test_vues import structure_de


pytestmark = pytest.mark.usefixtures("catalogue_2026")


@pytest.fixture
def orientation(referent):
    return OrientationFactory(structure=structure_de(referent), personne__nom="Retardataire")


@time_machine.travel(datetime.datetime(2026, 4, 20, 12, tzinfo=datetime.UTC), tick=False)
def test_alertes_par_role(client, referent, agent_slai, instructeur, porteur, agent_finances, orientation):
    """Orientée le 02/03/2026 sans rendez-vous ni contrat : 1er RDV et CE en retard au 20/04/2026."""
    ailleurs = OrientationFactory(
        personne=PersonneFactory(territoire=territoire("calaisis"), nom="Lointain"), structure=StructureFactory()
    )
    url = reverse("parcours:alertes")
    client.force_login(referent)
    page = client.get(url)
    assert page.status_code == 200
    assert "Premier rendez-vous en retard" in page.text and "RETARDATAIRE" in page.text
    assert "LOINTAIN" not in page.text
    assert reverse("parcours:personne", args=[orientation.personne_id]) in page.text
    client.force_login(agent_slai)
    assert "RETARDATAIRE" in client.get(url).text
    client.force_login(instructeur)
    texte = client.get(url).text
    assert "RETARDATAIRE" in texte and "LOINTAIN" in texte
    for autre in (porteur, agent_finances):
        client.force_login(autre)
        assert client.get(url).status_code == 403
    assert ailleurs.pk


@time_machine.travel(datetime.datetime(2026, 3, 5, 12, tzinfo=datetime.UTC), tick=False)
def test_aucune_alerte(client, referent):
    client.force_login(referent)
    page = client.get(reverse("parcours:alertes"))
    assert page.status_code == 200 and "Aucune alerte" in page.text


def test_entrees_sorties_html_et_xlsx(client, referent, orientation):
    structure = structure_de(referent)
    sortie = OrientationFactory(
        structure=structure, personne__nom="Partant", date_orientation=datetime.date(2026, 1, 5)
    )
    SortieFactory(orientation=sortie, date_sortie=datetime.date(2026, 3, 4))
    ContratFactory(orientation=orientation, date_signature=datetime.date(2026, 3, 3))
    OrientationFactory(structure=structure, personne__nom="Hors", date_orientation=datetime.date(2026, 5, 1))
    url = reverse("parcours:entrees_sorties")
    client.force_login(referent)
    vide = client.get(url)
    assert vide.status_code == 200 and "Télécharger" not in vide.text
    params = {"structure": structure.pk, "debut": "2026-03-01", "fin": "2026-03-31"}
    page = client.get(url, params)
    assert page.status_code == 200
    assert "RETARDATAIRE" in page.text and "PARTANT" in page.text and "HORS" not in page.text
    assert "03/03/2026" in page.text and "04/03/2026" in page.text
    fichier = client.get(url, {**params, "format": "xlsx"})
    assert fichier.status_code == 200 and fichier["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in fichier["Content-Disposition"]
    feuille = load_workbook(io.BytesIO(fichier.content)).active
    valeurs = [str(v) for ligne in feuille.iter_rows(values_only=True) for v in ligne if v is not None]
    assert "Retardataire" in valeurs and "Partant" in valeurs and "Hors" not in valeurs


def test_entrees_sorties_periode_du_comite_et_erreurs(client, referent, orientation):
    structure = structure_de(referent)
    url = reverse("parcours:entrees_sorties")
    client.force_login(referent)
    page = client.get(url, {"structure": structure.pk, "date_comite": "2026-03-20"})
    assert page.status_code == 200 and "au 12/03/2026" in page.text  # envoi 8 jours avant le comité
    assert "RETARDATAIRE" in page.text
    erreur = client.get(url, {"structure": structure.pk})
    assert erreur.status_code == 400 and "Indiquez une période" in erreur.text
    inversee = client.get(url, {"structure": structure.pk, "debut": "2026-03-31", "fin": "2026-03-01"})
    assert inversee.status_code == 400 and "précède son début" in inversee.text


def test_entrees_sorties_portee(client, referent, agent_slai, porteur, orientation):
    autre = StructureFactory()
    url = reverse("parcours:entrees_sorties")
    client.force_login(referent)
    # Une structure dont il n'est pas membre n'est pas un choix valide.
    assert client.get(url, {"structure": autre.pk, "debut": "2026-03-01", "fin": "2026-03-31"}).status_code == 400
    client.force_login(agent_slai)
    page = client.get(url, {"structure": orientation.structure_id, "debut": "2026-03-01", "fin": "2026-03-31"})
    assert page.status_code == 200 and "RETARDATAIRE" in page.text
    client.force_login(porteur)
    assert client.get(url).status_code == 403


def test_droit_acces_pdf_et_json(client, referent, instructeur, agent_slai, porteur, orientation):
    personne = orientation.personne
    url = reverse("parcours:droit_acces", args=[personne.pk])
    client.force_login(referent)
    pdf = client.get(url)
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    donnees = client.get(url, {"format": "json"})
    assert donnees.status_code == 200 and "Retardataire" in json.dumps(json.loads(donnees.content), ensure_ascii=False)
    client.force_login(instructeur)
    assert client.get(url, {"format": "json"}).status_code == 200
    assert AuditLog.objects.for_object(personne).filter(acteur=instructeur).exists()
    client.force_login(agent_slai)
    assert client.get(url).status_code == 403
    client.force_login(porteur)
    assert client.get(url).status_code == 403
    ailleurs = OrientationFactory(
        personne=PersonneFactory(territoire=territoire("calaisis")), structure=StructureFactory()
    )
    client.force_login(referent)
    assert client.get(reverse("parcours:droit_acces", args=[ailleurs.personne_id])).status_code == 404
