"""Pages publiques du catalogue : sans connexion, contenu attendu, filtres, 404."""

from __future__ import annotations

import datetime
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from aap.catalogue.models import Dispositif, SessionAppel
from tests.catalogue.conftest import session_demo


NBSP = "\u00a0"
AUJOURD_HUI = datetime.datetime(2026, 11, 23, 10, 0, tzinfo=ZoneInfo("Europe/Paris"))


@pytest.fixture(autouse=True)
def _le_23_novembre_2026():
    with time_machine.travel(AUJOURD_HUI, tick=False):
        yield


def _page(client, url: str) -> str:
    reponse = client.get(url)
    assert reponse.status_code == 200
    html = reponse.content.decode()
    assert html.count("<h1") == 1
    return html


def _texte(html: str) -> str:
    return re.sub(r"[ \t\r\n]+", " ", re.sub(r"<[^>]+>", " ", html)).replace("&#x27;", "'")


def test_appels_ouverts_sans_session_ouverte(client, catalogue_2026):
    html = _page(client, reverse("catalogue:appels_ouverts"))
    texte = _texte(html)
    assert "Aucun appel à projets n'est ouvert aujourd'hui" in texte
    assert "Prochaines sessions" in texte and "Aucune session à venir" in texte
    assert "Sessions récemment closes" in texte
    assert "du 01/07/2026 au 15/09/2026" in texte  # la session 2 de 5.1, la dernière close
    assert reverse("catalogue:catalogue", args=[2026]) in html


def test_appels_ouverts_avec_sessions_de_demonstration(client, catalogue_2026):
    session_demo("5.5", datetime.date(2026, 11, 1), datetime.date(2026, 12, 15))
    session_demo("5.1", datetime.date(2026, 11, 20), datetime.date(2026, 11, 23))
    session_demo("5.10", datetime.date(2027, 1, 5), datetime.date(2027, 2, 15))
    texte = _texte(_page(client, reverse("catalogue:appels_ouverts")))
    assert "2 sessions ouvertes" in texte
    assert "Axe 5 : Contreparties FSE" in texte
    assert "Session de démonstration" in texte
    assert "clôture dans 22 jours" in texte
    assert "dernier jour, clôture ce soir à minuit" in texte
    assert f"plafond de 375,00{NBSP}€ par participant et par mois" in texte
    assert f"part du Département : 30{NBSP}% (FTJ)" in texte
    assert "Tout le département" in texte and "Montreuillois" in texte
    assert "ouvre dans 43 jours" in texte and "05/01/2027" in texte
    assert "Sessions récemment closes" not in texte


def test_filtres_par_axe_et_par_territoire(client, catalogue_2026):
    session_demo("5.5", datetime.date(2026, 11, 1), datetime.date(2026, 12, 15))  # tout le département
    session_demo("2.7", datetime.date(2026, 11, 1), datetime.date(2026, 12, 15))  # Arrageois, Calaisis, Ternois
    url = reverse("catalogue:appels_ouverts")

    def codes(params: dict) -> set[str]:
        html = _page(client, url + "?" + "&".join(f"{k}={v}" for k, v in params.items()))
        section = html.split('id="prochaines"')[0]
        return set(re.findall(r'<span class="code">([\d.]+)</span>', section))

    assert codes({}) == {"5.5", "2.7"}
    assert codes({"axe": 5}) == {"5.5"}
    assert codes({"axe": 2}) == {"2.7"}
    assert codes({"territoire": "calaisis"}) == {"5.5", "2.7"}
    assert codes({"territoire": "boulonnais"}) == {"5.5"}
    assert codes({"axe": 1}) == set()
    assert "Aucun appel à projets n'est ouvert aujourd'hui pour ces critères" in _texte(_page(client, url + "?axe=1"))
    assert codes({"axe": "abc"}) == {"5.5", "2.7"}  # valeur invalide : filtre ignoré, erreur affichée
    html = _page(client, url + "?axe=2")
    assert '<label for="id_axe">Axe</label>' in html and 'value="2" selected' in html


def test_catalogue_de_l_edition(client, catalogue_2026):
    html = _page(client, reverse("catalogue:catalogue", args=[2026]))
    texte = _texte(html)
    assert html.count("<caption") == 5
    assert len(re.findall(r'<td class="code">', html)) == 50
    assert texte.count("Fiche détaillée") == 11
    assert "Axe 3 : Parcours insertion emploi" in texte
    assert "du 01/10/2026 au 30/09/2027" in texte  # 4.5, le « 31 septembre » corrigé
    assert "12 mois max. commencer en 2025" in texte  # 3.8, période non datée gardée telle qu'écrite
    assert reverse("catalogue:dispositif", args=[2026, "premieres-heures"]) in html
    assert "Précisions" in texte or "lectures suivantes" in texte


def test_fiche_detaillee_sans_session_ouverte(client, catalogue_2026):
    url = reverse("catalogue:dispositif", args=[2026, "contrepartie-fse-chantiers-d-insertion"])
    html = _page(client, url)
    texte = _texte(html)
    for titre in ["Sessions de dépôt", "Public et territoires", "Porteurs éligibles", "Financement"]:
        assert f">{titre}</h2>" in html
    for titre in ["Part du Département", "Dépenses éligibles"]:
        assert f">{titre}</h3>" in html
    for titre in ["Versements et bilans", "Indicateurs", "Contacts", "Précisions"]:
        assert f">{titre}</h2>" in html
    assert "Close" in texte and "12/01/2026" in texte and "15/02/2026" in texte
    assert f"plafonné à 375,00{NBSP}€ par participant et par mois" in texte
    assert f"ne peut dépasser 90{NBSP}000,00{NBSP}€" in texte  # 375 € × 10 postes × 24 mois
    assert f"30{NBSP}% au plus du coût total" in texte
    assert f"90{NBSP}%" in texte and "postes en insertion × 12" in texte and "postes en insertion × 0,45" in texte
    assert "31/03/2027" in texte and "31/03/2028" in texte
    assert "Sorties dynamiques" in texte and ">Indicateurs de suivi" in html
    assert "Service local allocation insertion (SLAI)" in texte
    assert "375 € × postes en insertion × mois de l'opération" in texte
    assert "Déposer une demande" not in texte
    assert reverse("demandes:nouvelle") not in html


def test_fiche_avec_session_ouverte_propose_de_deposer(client, catalogue_2026):
    demo = session_demo("5.1", datetime.date(2026, 11, 1), datetime.date(2026, 12, 15))
    html = _page(client, reverse("catalogue:dispositif", args=[2026, "contrepartie-fse-dynamisation-des-parcours"]))
    assert f'href="{reverse("demandes:nouvelle")}?session={demo.pk}"' in html
    texte = _texte(html)
    assert "Déposer une demande" in texte and "Session de démonstration" in texte
    assert "zones non couvertes" in texte  # restriction de la session 2
    assert "Obligatoire (structures labellisées ou en moratoire)" in texte  # label référent 62
    assert f"Frais de personnel + forfait de 40{NBSP}%" in texte
    assert f"pour 100{NBSP}000,00{NBSP}€ de frais de personnel, le forfait est de 40{NBSP}000,00{NBSP}€" in texte
    assert "1 ETP pour 800 DSP" in texte


def test_fiche_montant_fixe_par_etp(client, catalogue_2026):
    texte = _texte(
        _page(client, reverse("catalogue:dispositif", args=[2026, "contrepartie-fse-coordinateurs-logement-d-abord"]))
    )
    assert f"22{NBSP}800,00{NBSP}€ par ETP et par période de 12 mois" in texte
    assert f"5{NBSP}270,00{NBSP}€" in texte
    assert f"60{NBSP}%" in texte and "Solde annuel au service fait" in texte
    assert "Pas de plafond sur le coût total du plan" in texte and "au cas par cas" not in texte


def test_dispositif_sans_fiche_detaillee(client, catalogue_2026):
    texte = _texte(_page(client, reverse("catalogue:dispositif", args=[2026, "solutions-logement-jeunes-precaires"])))
    assert "fiche détaillée non publiée pour cette édition" in texte.lower()
    assert "1er octobre 2026 au 31 septembre 2027" in texte and "30/09/2027" in texte
    assert "Le « 31 septembre 2027 » n'existe pas" in texte
    assert "Sessions de dépôt" not in texte


def test_pages_publiques_accessibles_connecte(client, catalogue_2026, porteur):
    client.force_login(porteur)
    _page(client, reverse("catalogue:appels_ouverts"))
    _page(client, reverse("catalogue:dispositif", args=[2026, "contrepartie-fse-coach-jeunesse"]))


@pytest.mark.parametrize(
    "url",
    [
        "/appels/2026/inconnu/",
        "/appels/2025/contrepartie-fse-coach-jeunesse/",
        "/appels/2031/",
    ],
)
def test_adresses_inconnues_404(client, catalogue_2026, url):
    assert client.get(url).status_code == 404


def test_chaque_dispositif_a_sa_page(client, catalogue_2026):
    for slug in Dispositif.objects.values_list("slug", flat=True):
        assert client.get(reverse("catalogue:dispositif", args=[2026, slug])).status_code == 200
    assert SessionAppel.objects.count() == 12
