"""Barème de la charte : points linéaires entre plancher et cible, sens « au plus », sans objet hors du total,
appréciations et bonus, arrondis, plafond ; propriétés (hypothesis) : score dans [0, 100], monotone en chaque
mesure."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aap.catalogue.schema_charte import Charte
from aap.catalogue.validation import lire_edition
from aap.qualite.bareme import communicable, detail_json, noter, points_calcules
from aap.qualite.calcul import Mesure


D = Decimal


def critere(code, nature="calcul", poids=10, **autres):
    base = {"code": code, "libelle": code.capitalize(), "categorie": "Test", "nature": nature, "poids": poids}
    if nature == "calcul":
        base |= {"calcul": "qualite_ce", "cible": 90, "plancher": 50}
    return base | autres


def grille(*criteres) -> Charte:
    return Charte(delai_reponse_jours=15, criteres=list(criteres))


def taux(numerateur, denominateur) -> Mesure:
    return Mesure.de("qualite_ce", numerateur, denominateur)


def mois(jours, sorties) -> Mesure:
    return Mesure.de("duree_moyenne_parcours", jours, sorties)


def charte_de(code: str) -> Charte:
    dispositifs = {d.code: d for d in lire_edition(2026).spec.dispositifs}
    return dispositifs[code].fiche.charte


@pytest.mark.parametrize(
    ("valeur", "points"),
    [(40, "0.00"), (50, "0.00"), (60, "2.00"), (70, "4.00"), (89, "7.80"), (90, "8.00"), (100, "8.00")],
)
def test_au_moins_lineaire_entre_plancher_et_cible(valeur, points):
    c = grille(critere("a", poids=8)).criteres[0]
    assert points_calcules(c, D(valeur)) == D(points)


@pytest.mark.parametrize(
    ("valeur", "points"), [(4, "3.00"), (6, "3.00"), (9, "1.50"), (11, "0.50"), (12, "0"), (15, "0")]
)
def test_au_plus_pour_une_duree(valeur, points):
    c = grille(critere("d", poids=3, calcul="duree_moyenne_parcours", sens="au_plus", cible=6, plancher=12))
    assert points_calcules(c.criteres[0], D(valeur)) == D(points)


def test_points_arrondis_au_centieme_demi_vers_le_haut():
    # 5 × (1 − 0) / (8 − 0) = 0,625 → 0,63 (et non 0,62, l'arrondi du banquier)
    c = grille(critere("a", poids=5, cible=8, plancher=0)).criteres[0]
    assert points_calcules(c, D(1)) == D("0.63")
    # 2 taux sur 3 = 66,666…% : 10 × 16,666…/40 = 4,1666… → 4,17, calculé sur la valeur non arrondie
    assert noter(grille(critere("a")), {"a": taux(2, 3)}, {})[1][0].points == D("4.17")


def test_sans_objet_sort_du_total_des_poids():
    charte = grille(critere("a"), critere("b"), critere("c", poids=30))
    score, lignes = noter(charte, {"a": taux(9, 10), "b": taux(7, 10), "c": taux(0, 0)}, {})
    # (10 + 5) / 20 = 75 %, le critère c (30 points) est sans objet
    assert score == D("75.00")
    assert [ligne.sans_objet for ligne in lignes] == [False, False, True]
    assert lignes[2].points is None and lignes[2].valeur is None


def test_critere_calcule_absent_des_mesures_est_sans_objet():
    score, lignes = noter(grille(critere("a"), critere("b")), {"a": taux(1, 1)}, {})
    assert score == D("100.00") and lignes[1].sans_objet


def test_appreciation_non_notee_compte_zero_et_bloque_la_communication():
    charte = grille(critere("a"), critere("avis", nature="appreciation", poids=10))
    score, lignes = noter(charte, {"a": taux(1, 1)}, {})
    assert score == D("50.00")
    assert lignes[1].a_noter and lignes[1].points is None and not communicable(lignes)
    score, lignes = noter(charte, {"a": taux(1, 1)}, {"avis": D("7.5")})
    assert score == D("87.50") and communicable(lignes)


def test_bonus_ajoute_apres_la_moyenne_et_plafonne():
    charte = grille(critere("a"), critere("bonus", nature="bonus", poids=5))
    assert noter(charte, {"a": taux(7, 10)}, {})[0] == D("50.00")  # bonus non noté : 0, communicable
    assert communicable(noter(charte, {"a": taux(7, 10)}, {})[1])
    assert noter(charte, {"a": taux(7, 10)}, {"bonus": D(3)})[0] == D("53.00")
    assert noter(charte, {"a": taux(10, 10)}, {"bonus": D(5)})[0] == D("100.00")


def test_tout_sans_objet_sans_appreciation_vaut_le_bonus():
    charte = grille(critere("a"), critere("bonus", nature="bonus", poids=5))
    assert noter(charte, {"a": taux(0, 0)}, {"bonus": D(2)})[0] == D("2.00")


def test_score_arrondi_au_centieme():
    charte = grille(critere("a"), critere("b"), critere("c"))
    # (10 + 10 + 0) / 30 = 66,666… → 66,67
    assert noter(charte, {"a": taux(1, 1), "b": taux(1, 1), "c": taux(0, 1)}, {})[0] == D("66.67")


@pytest.mark.parametrize("note", [D("-0.01"), D("10.01"), D(11)])
def test_note_hors_bornes_refusee(note):
    charte = grille(critere("a"), critere("avis", nature="appreciation"))
    with pytest.raises(ValueError, match="avis"):
        noter(charte, {}, {"avis": note})


@pytest.mark.parametrize("code", ["a", "inconnu"])
def test_note_sur_un_critere_calcule_ou_inconnu_refusee(code):
    with pytest.raises(ValueError, match=code):
        noter(grille(critere("a"), critere("avis", nature="appreciation")), {}, {code: D(1)})


def test_detail_json_serialisable_et_lisible():
    charte = grille(critere("a"), critere("avis", nature="appreciation"), critere("c"))
    _, lignes = noter(charte, {"a": taux(2, 3), "c": taux(0, 0)}, {"avis": D(4)})
    detail = detail_json(lignes)
    json.dumps(detail)
    assert detail[0] | {"libelle": None} == {
        "code": "a",
        "libelle": None,
        "categorie": "Test",
        "nature": "calcul",
        "poids": "10",
        "sens": "au_moins",
        "cible": "90",
        "plancher": "50",
        "numerateur": "2",
        "denominateur": 3,
        "valeur": "66.67",
        "points": "4.17",
        "sans_objet": False,
        "a_noter": False,
    }
    assert detail[1]["points"] == "4.00" and detail[1]["numerateur"] is None
    assert detail[2]["sans_objet"] is True and detail[2]["points"] is None and detail[2]["valeur"] is None


# --- Propriétés, sur la vraie grille de la fiche 5.1 -------------------------------------------------------


CHARTE_51 = charte_de("5.1")
CALCULS = [c for c in CHARTE_51.criteres if c.nature == "calcul"]
NOTES = [c for c in CHARTE_51.criteres if c.nature != "calcul"]


@st.composite
def mesures_et_notes(draw):
    mesures = {}
    for c in CALCULS:
        den = draw(st.integers(0, 40))
        if c.calcul == "duree_moyenne_parcours":
            mesures[c.code] = mois(draw(st.integers(0, 800)) * den, den)
        else:
            mesures[c.code] = taux(draw(st.integers(0, den)), den)
    notes = {}
    for c in NOTES:
        if draw(st.booleans()):
            notes[c.code] = D(draw(st.integers(0, int(c.poids * 100)))) / 100
    return mesures, notes


@settings(max_examples=200, deadline=None)
@given(mesures_et_notes())
def test_score_toujours_entre_0_et_100(donnees):
    mesures, notes = donnees
    score, lignes = noter(CHARTE_51, mesures, notes)
    assert D(0) <= score <= D(100)
    assert score == score.quantize(D("0.01"))
    for ligne in lignes:
        assert ligne.points is None or D(0) <= ligne.points <= ligne.poids


@settings(max_examples=200, deadline=None)
@given(mesures_et_notes(), st.sampled_from(CALCULS), st.integers(1, 20))
def test_score_monotone_en_chaque_mesure(donnees, c, pas):
    """Une mesure meilleure (plus de réussites, ou une durée plus courte) ne baisse jamais le score."""
    mesures, notes = donnees
    avant = mesures[c.code]
    if avant.denominateur == 0:
        return
    if c.sens == "au_moins":
        meilleure = taux(min(avant.denominateur, avant.numerateur + pas), avant.denominateur)
    else:
        meilleure = mois(max(D(0), avant.numerateur - pas * avant.denominateur), avant.denominateur)
    assert noter(CHARTE_51, mesures | {c.code: meilleure}, notes)[0] >= noter(CHARTE_51, mesures, notes)[0]
