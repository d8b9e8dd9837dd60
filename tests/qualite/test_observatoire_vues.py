"""Observatoire : pages et export par rôle (403 hors rôles, portée par compte, filtres), secret statistique,
classeur XLSX lisible, graphiques SVG bien formés qui portent les chiffres."""

from __future__ import annotations

import datetime
import io
import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from aap.core.models import AuditLog
from aap.parcours import choices as c
from aap.qualite import graphiques
from aap.qualite.observatoire import Axe, Filtres, appliquer_secret, calculer
from aap.structures.models import Membre
from tests.factories import StructureFactory, UserFactory, territoire
from tests.parcours.factories import OrientationFactory, RendezVousFactory, SortieFactory, a_paris


pytestmark = pytest.mark.usefixtures("catalogue_2026")

D = datetime.date
URL = reverse("observatoire:index")
SVG = "{http://www.w3.org/2000/svg}"


MARS = D(2026, 3, 2)


def _parcours(structure, nombre, jour=MARS, **kwargs):
    for _ in range(nombre):
        o = OrientationFactory(structure=structure, date_orientation=jour, **kwargs)
        RendezVousFactory(orientation=o, debut=a_paris(jour + datetime.timedelta(days=3)))
    return o


@pytest.mark.parametrize("fixture", ["agent_finances"])
def test_roles_sans_observatoire_403(client, request, fixture):
    client.force_login(request.getfixturevalue(fixture))
    assert client.get(URL).status_code == 403
    assert client.get(reverse("observatoire:export_xlsx")).status_code == 403


def test_anonyme_redirige_vers_la_connexion(client):
    assert client.get(URL).status_code == 302


def test_instructeur_voit_tout_avec_la_phrase_du_bilan(client, instructeur):
    _parcours(StructureFactory(), 3)
    _parcours(StructureFactory(territoire=territoire("calaisis")), 2, personne__territoire=territoire("calaisis"))
    client.force_login(instructeur)
    reponse = client.get(URL, {"debut": "2026-01-01", "fin": "2026-12-31"})
    assert reponse.status_code == 200
    texte = reponse.content.decode()
    assert "5\u00a0orientations ; 5\u00a0bénéficiaires accompagnés ; 5\u00a0en cours au 31 décembre 2026" in texte
    assert "Exporter en Excel" in texte


def test_slai_limite_a_son_territoire(client, agent_slai):
    _parcours(StructureFactory(), 3)
    _parcours(StructureFactory(), 4, personne__territoire=territoire("calaisis"))
    client.force_login(agent_slai)
    reponse = client.get(URL, {"debut": "2026-01-01", "fin": "2026-12-31"})
    assert reponse.context["obs"].total.orientations == 3
    # le filtre d'un autre territoire n'est pas proposé : formulaire invalide, portée inchangée
    autre = territoire("calaisis").pk
    reponse = client.get(URL, {"debut": "2026-01-01", "fin": "2026-12-31", "territoire": autre})
    assert reponse.context["obs"].total.orientations == 3


def test_referent_et_porteur_limites_a_leurs_structures(client, referent, porteur):
    chez_referent = Membre.objects.get(user=referent).structure
    chez_porteur = Membre.objects.get(user=porteur).structure
    _parcours(chez_referent, 2)
    _parcours(chez_porteur, 6)
    _parcours(StructureFactory(), 7)
    for user, attendu in ((referent, 2), (porteur, 6)):
        client.force_login(user)
        obs = client.get(URL, {"debut": "2026-01-01", "fin": "2026-12-31"}).context["obs"]
        assert obs.total.orientations == attendu


def test_filtre_structure_et_axe(client, instructeur):
    a, b = StructureFactory(raison_sociale="Alpha", sigle=""), StructureFactory(raison_sociale="Beta", sigle="")
    _parcours(a, 2)
    _parcours(b, 1)
    client.force_login(instructeur)
    reponse = client.get(URL, {"debut": "2026-01-01", "fin": "2026-12-31", "axe": "structure", "structure": b.pk})
    assert [(li.libelle, li.orientations) for li in reponse.context["obs"].lignes] == [("Beta", 1)]


def test_periode_invalide_signalee_et_defaut_applique(client, instructeur):
    client.force_login(instructeur)
    reponse = client.get(URL, {"debut": "2026-12-31", "fin": "2026-01-01"})
    assert reponse.status_code == 200
    assert "La fin de la période précède son début." in reponse.content.decode()


def test_secret_statistique_hors_dpid_par_structure(agent_slai, instructeur):
    grande, petite, moyenne = (StructureFactory(raison_sociale=n, sigle="") for n in ("Grande", "Petite", "Moyenne"))
    _parcours(grande, 9)
    _parcours(moyenne, 6)
    _parcours(petite, 2)
    f = Filtres(debut=D(2026, 1, 1), fin=D(2026, 12, 31), axe=Axe.STRUCTURE)
    obs = appliquer_secret(calculer(agent_slai, f), agent_slai)
    # « Petite » (2 personnes) masquée, et « Moyenne » aussi : sinon le total la révélerait par différence
    assert {li.libelle: li.masquee for li in obs.lignes} == {"Grande": False, "Moyenne": True, "Petite": True}
    assert not obs.total.masquee and obs.total.orientations == 17
    dpid = appliquer_secret(calculer(instructeur, f), instructeur)
    assert not any(li.masquee for li in dpid.lignes)
    # par dispositif, pas de secret
    par_dispositif = appliquer_secret(calculer(agent_slai, Filtres(D(2026, 1, 1), D(2026, 12, 31))), agent_slai)
    assert not any(li.masquee for li in par_dispositif.lignes)


def test_secret_la_page_ne_montre_pas_les_chiffres_masques(client, agent_slai):
    _parcours(StructureFactory(raison_sociale="Grande", sigle=""), 9)
    _parcours(StructureFactory(raison_sociale="Petite", sigle=""), 2)
    _parcours(StructureFactory(raison_sociale="Autre", sigle=""), 7)
    client.force_login(agent_slai)
    texte = client.get(URL, {"debut": "2026-01-01", "fin": "2026-12-31", "axe": "structure"}).content.decode()
    assert "secret statistique" in texte
    assert "ne sont pas détaillées" in texte


def test_export_xlsx_lisible_et_journalise(client, gestionnaire):
    structure = StructureFactory(raison_sociale="Alpha", sigle="")
    o = _parcours(structure, 3)
    SortieFactory(orientation=o, type=c.TypeSortie.CDI, date_sortie=D(2026, 6, 1))
    client.force_login(gestionnaire)
    reponse = client.get(
        reverse("observatoire:export_xlsx"), {"debut": "2026-01-01", "fin": "2026-12-31", "axe": "structure"}
    )
    assert reponse.status_code == 200
    assert "observatoire-parcours-20260101-20261231-structure.xlsx" in reponse["Content-Disposition"]
    classeur = load_workbook(io.BytesIO(reponse.content))
    assert classeur.sheetnames == [
        "Paramètres",
        "Synthèse",
        "Délais",
        "Places",
        "Sorties par famille",
        "Entretiens par mode",
        "Sorties par type",
        "Évolution mensuelle",
    ]
    synthese = list(classeur["Synthèse"].iter_rows(values_only=True))
    assert synthese[0][:3] == ("Structure", "Orientations", "Bénéficiaires accompagnés")
    assert synthese[1][:5] == ("Alpha", 3, 3, 2, 1)
    assert synthese[-1][:2] == ("Total", 3)
    types = list(classeur["Sorties par type"].iter_rows(values_only=True))
    assert types[1] == ("CDI", "Emploi durable", 1)
    assert classeur["Paramètres"]["B2"].value.date() == D(2026, 1, 1)
    assert AuditLog.objects.filter(action="observatoire.exporter", acteur=gestionnaire).exists()


def test_graphiques_svg_bien_formes_et_porteurs_des_chiffres(client, instructeur):
    _parcours(StructureFactory(), 4)
    client.force_login(instructeur)
    reponse = client.get(URL, {"debut": "2026-01-01", "fin": "2026-06-30"})
    for nom in ("barres", "mensuel"):
        svg = ET.fromstring(str(reponse.context["graphiques"][nom]))
        assert svg.get("role") == "img"
        assert svg.find(f"{SVG}title").text and svg.find(f"{SVG}desc").text
        textes = [t.text for t in svg.iter(f"{SVG}text")]
        assert "4" in textes


def test_graphiques_motifs_distincts_et_echappement():
    svg = graphiques.empilees(
        "g",
        "Titre <&>",
        "Description",
        ["Structure « A » & fils"],
        [graphiques.Serie("Emploi durable", [1200]), graphiques.Serie("Autre", [3]), graphiques.Serie("S", [None])],
    )
    racine = ET.fromstring(str(svg))
    assert racine.find(f"{SVG}title").text == "Titre <&>"
    motifs = [p.get("id") for p in racine.iter(f"{SVG}pattern")]
    assert len(motifs) == len(set(motifs)) == 3
    textes = [t.text for t in racine.iter(f"{SVG}text")]
    assert "1\u00a0200" in textes and "Structure « A » & fils" in textes
    assert "secret" in textes


def test_menu(instructeur, agent_slai, referent, porteur, agent_finances):
    from aap.qualite.menu_observatoire import items

    assert items(instructeur) == items(agent_slai) == items(referent) == [("Observatoire", URL)]
    assert items(agent_finances) == []
    assert items(porteur) == []
    OrientationFactory(structure=Membre.objects.get(user=porteur).structure)
    assert items(porteur) == [("Observatoire", URL)]
    assert items(UserFactory(role="porteur")) == []
