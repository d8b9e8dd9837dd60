"""Modulation des échéances : exemples calculés à la main (fiches 5.1 à 40/60, 5.5 à 90/5/5, fiche sans part)."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from aap.versements.rules import atteinte, calculer_echeance, duree_annees, evaluer_cible, repartir


D = Decimal
DEBUT, FIN = datetime.date(2026, 1, 1), datetime.date(2027, 12, 31)
TAUX = [D(30), D(50), D(20)]

PARTS_51 = [
    {
        "taux": "40.00",
        "base": "volume",
        "definition": "DSP et accompagnements",
        "mesures": [
            {"code": "dsp", "libelle": "DSP réalisées", "cible": "dsp", "nature": "flux_annuel"},
            {"code": "places", "libelle": "Places occupées", "cible": "places", "nature": "stock"},
        ],
    },
    {"taux": "60.00", "base": "qualite", "definition": "Charte qualité"},
]
PARTS_55 = [
    {
        "taux": "90",
        "base": "volume",
        "definition": "Mois d'accompagnement",
        "mesures": [
            {
                "code": "mois_accompagnement",
                "libelle": "Mois d'accompagnement réalisés",
                "cible": "postes_insertion * 12",
                "nature": "flux_annuel",
            }
        ],
    },
    {
        "taux": "5",
        "base": "resultats",
        "definition": "Sorties dynamiques",
        "mesures": [
            {
                "code": "sorties_dynamiques",
                "libelle": "Sorties dynamiques",
                "cible": "postes_insertion * 0.45",
                "nature": "flux_annuel",
            }
        ],
    },
    {"taux": "5", "base": "qualite", "definition": "Référentiel qualité"},
]


def calcul(rang, montant, deja, parts, engagements, realisations, score, type_=None):
    return calculer_echeance(
        type=type_ or ["avance", "acompte", "solde"][rang - 1],
        subvention=montant,
        taux=TAUX,
        prevus=repartir(montant, TAUX),
        rang=rang,
        deja_engage=deja,
        parts=parts,
        engagements=engagements,
        realisations=realisations,
        score_qualite=score,
        debut=DEBUT,
        fin=FIN,
    )


@pytest.mark.parametrize(
    ("debut", "fin", "annees"),
    [
        (DEBUT, FIN, D(2)),
        (datetime.date(2026, 3, 15), datetime.date(2027, 3, 14), D(1)),
        (DEBUT, datetime.date(2026, 6, 30), D("0.5")),
        (DEBUT, datetime.date(2026, 1, 15), D(15) / D(31) / 12),
    ],
)
def test_duree_en_annees(debut, fin, annees):
    assert duree_annees(debut, fin) == annees


def test_cible_evaluee_sans_eval():
    assert evaluer_cible("postes_insertion * 12", {"postes_insertion": "10"}) == D(120)
    assert evaluer_cible("postes_insertion * 0.45", {"postes_insertion": 10}) == D("4.50")
    assert evaluer_cible("places", {}) == 0
    with pytest.raises(ValueError):
        evaluer_cible("__import__('os')", {})


def test_atteinte_plafonnee_et_cible_nulle():
    assert atteinte(D(150), D(100)) == 1
    assert atteinte(D(2), D(3)) == D("0.6667")
    assert atteinte(None, D(3)) == 0
    assert atteinte(None, D(0)) == 1


def test_fiche_51_acompte_puis_solde():
    engagements = {"dsp": "800", "places": "140", "etp": "2.00"}
    acompte = calcul(2, D("10000.00"), D("3000.00"), PARTS_51, engagements, {"dsp": 600, "places": 126}, D(80))
    volume, qualite = acompte.parts
    assert [m.cible for m in volume.mesures] == [
        D("800.00"),
        D("140.00"),
    ]  # flux annuel : un an au bilan intermédiaire
    assert [m.atteinte for m in volume.mesures] == [D("0.75"), D("0.9")]
    assert volume.atteinte == D("0.825") and qualite.atteinte == D("0.8")
    assert acompte.taux_atteinte == D("0.81")
    assert acompte.droit == D("6480.00")
    assert acompte.a_verser == D("3480.00")

    solde = calcul(3, D("10000.00"), D("6480.00"), PARTS_51, engagements, {"dsp": "1500", "places": "140"}, D(90))
    volume = solde.parts[0]
    assert [m.cible for m in volume.mesures] == [D("1600.00"), D("140.00")]  # deux ans au solde
    assert volume.atteinte == D("0.9688")  # (0,9375 + 1) / 2 = 0,96875 arrondi au demi supérieur
    assert solde.taux_atteinte == D("0.92752")
    assert solde.droit == D("9275.20")
    assert solde.a_verser == D("2795.20")
    assert solde.trop_percu == 0


def test_fiche_55_90_5_5():
    engagements = {"postes_insertion": "10"}
    realise = {"mois_accompagnement": "108", "sorties_dynamiques": "3"}
    acompte = calcul(2, D("100000.00"), D("30000.00"), PARTS_55, engagements, realise, D(100))
    assert [p.mesures[0].cible for p in acompte.parts[:2]] == [D("120.00"), D("4.50")]
    assert [p.atteinte for p in acompte.parts] == [D("0.9"), D("0.6667"), D(1)]
    assert acompte.taux_atteinte == D("0.893335")
    assert acompte.droit == D("71466.80")
    assert acompte.a_verser == D("41466.80")

    realise = {"mois_accompagnement": "240", "sorties_dynamiques": "12"}
    solde = calcul(3, D("100000.00"), D("71466.80"), PARTS_55, engagements, realise, D(50))
    assert [p.mesures[0].cible for p in solde.parts[:2]] == [D("240.00"), D("9.00")]
    assert solde.taux_atteinte == D("0.975")
    assert solde.droit == D("97500.00")
    assert solde.a_verser == D("26033.20")


def test_fiche_sans_part_conditionnee_verse_les_montants_prevus():
    montant = D("5000.05")
    assert repartir(montant, TAUX) == [D("1500.01"), D("2500.02"), D("1000.02")]
    acompte = calcul(2, montant, D("1500.01"), [], {}, {}, None)
    assert acompte.taux_atteinte == 1
    assert acompte.droit == D("4000.03")  # plafonné à la somme des montants prévus (4 000,04 € sinon)
    assert acompte.a_verser == D("2500.02")
    solde = calcul(3, montant, D("4000.03"), [], {}, {}, None)
    assert solde.a_verser == D("1000.02") and solde.trop_percu == 0


def test_avance_jamais_modulee():
    avance = calcul(1, D("10000.00"), D(0), PARTS_51, {"dsp": 800}, {}, D(0))
    assert avance.a_verser == D("3000.00") and not avance.module


def test_trop_percu_au_solde():
    solde = calcul(3, D("10000.00"), D("6480.00"), PARTS_51, {"dsp": 800, "places": 140}, {}, D(0))
    assert solde.droit == 0
    assert solde.a_verser == 0
    assert solde.trop_percu == D("6480.00")


def test_acompte_nul_si_deja_verse_au_dela_du_droit():
    acompte = calcul(2, D("10000.00"), D("3000.00"), PARTS_51, {"dsp": 800, "places": 140}, {}, D(20))
    assert acompte.droit == D("960.00")  # 10 000 × 80 % × 12 %
    assert acompte.a_verser == 0 and acompte.trop_percu == 0


def test_calcul_serialisable():
    c = calcul(2, D("10000.00"), D("3000.00"), PARTS_51, {"dsp": 800, "places": 140}, {"dsp": 1}, D(1))
    donnees = c.to_json()
    assert donnees["a_verser"] == str(c.a_verser)
    assert donnees["parts"][0]["mesures"][0]["code"] == "dsp"
