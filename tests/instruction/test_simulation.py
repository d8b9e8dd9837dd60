"""Répartition simulée : propriétés exactes au centime (hypothesis) et exemples commentés."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from aap.instruction.simulation import Candidat, classement, par_rang, proportionnelle


montants = st.decimals(min_value=Decimal("0.00"), max_value=Decimal("500000.00"), places=2)
notes = st.one_of(st.none(), st.decimals(min_value=Decimal("0"), max_value=Decimal("100"), places=2))


@st.composite
def candidats(draw) -> list[Candidat]:  # noqa: ANN001 - draw de hypothesis
    n = draw(st.integers(min_value=0, max_value=25))
    return [
        Candidat(i + 1, f"AAP2026-{draw(st.integers(0, 99)):05d}", f"Structure {i}", draw(montants), draw(notes))
        for i in range(n)
    ]


def c(pk: int, montant: str, score: str | None, reference: str | None = None) -> Candidat:
    return Candidat(
        pk, reference or f"AAP2026-{pk:05d}", f"Structure {pk}", Decimal(montant), score and Decimal(score)
    )


@settings(max_examples=200, deadline=None)
@given(candidats(), montants, st.one_of(st.none(), st.decimals(min_value=0, max_value=100, places=1)))
def test_proprietes_des_deux_strategies(liste, enveloppe, minimum):
    for r in (par_rang(liste, enveloppe), proportionnelle(liste, enveloppe, minimum)):
        assert r.total <= enveloppe
        assert len(r.attributions) == len(liste)
        for a in r.attributions:
            assert a.montant == a.montant.quantize(Decimal("0.01"))
            assert Decimal("0") <= a.montant <= a.candidat.montant
            assert a.motif
            if a.candidat.score is None:
                assert a.montant == 0


@settings(max_examples=200, deadline=None)
@given(candidats(), montants, st.one_of(st.none(), st.decimals(min_value=0, max_value=100, places=1)))
def test_strategie_b_proportionnelle_au_centime(liste, enveloppe, minimum):
    r = proportionnelle(liste, enveloppe, minimum)
    retenus = [a for a in r.attributions if a.candidat.score is not None and a.candidat.montant > 0]
    retenus = [a for a in retenus if minimum is None or a.candidat.score >= minimum]
    total = sum((a.candidat.montant for a in retenus), Decimal(0))
    if total <= enveloppe:
        assert all(a.montant == a.candidat.montant for a in retenus)
    else:
        assert r.total == enveloppe  # les centimes résiduels sont tous distribués
        for a in retenus:
            part_exacte = a.candidat.montant * enveloppe / total
            assert abs(a.montant - part_exacte) < Decimal("0.01")
    exclus = [a for a in r.attributions if a not in retenus]
    assert all(a.montant == 0 for a in exclus)


@settings(max_examples=200, deadline=None)
@given(candidats(), montants)
def test_strategie_a_finance_en_totalite_ou_pas_du_tout(liste, enveloppe):
    r = par_rang(liste, enveloppe)
    reste = enveloppe
    for a in r.attributions:  # dans l'ordre du classement
        assert a.montant in (0, a.candidat.montant)
        if a.candidat.score is not None and 0 < a.candidat.montant <= reste:
            assert a.montant == a.candidat.montant  # glouton : tout ce qui tient est financé
        reste -= a.montant


def test_classement_deterministe_note_puis_reference():
    liste = [c(1, "10", "50", "AAP-B"), c(2, "10", "80"), c(3, "10", "50", "AAP-A"), c(4, "10", None)]
    assert [x.demande_id for x in classement(liste)] == [2, 3, 1, 4]
    assert classement(list(reversed(liste))) == classement(liste)


def test_par_rang_explique_les_refus():
    liste = [c(1, "600.00", "90"), c(2, "500.00", "80"), c(3, "300.00", "70"), c(4, "100.00", "60"), c(5, "50", None)]
    r = par_rang(liste, Decimal("1000.00"))
    assert [a.montant for a in r.attributions] == [600, 0, 300, 100, 0]
    assert r.pour(1).rang == 1 and r.pour(1).motif == "financée en totalité"
    assert "il ne reste que 400,00\u00a0€ pour 500,00\u00a0€" in r.pour(2).motif
    assert r.pour(4).motif == "financée en totalité"
    assert "non notée" in r.pour(5).motif
    assert r.total == Decimal("1000.00") and r.reste == 0
    assert par_rang([c(1, "600", "90"), c(2, "500", "80")], Decimal("600")).pour(2).motif == (
        "non financée : enveloppe épuisée"
    )


def test_proportionnelle_distribue_les_centimes_aux_plus_forts_restes():
    # 100,00 € pour trois demandes de 100,00 € : 33,33 € chacune, le centime restant va au premier classé.
    liste = [c(1, "100.00", "70"), c(2, "100.00", "90"), c(3, "100.00", "80"), c(4, "100.00", "10")]
    r = proportionnelle(liste, Decimal("100.00"), Decimal("50"))
    assert r.pour(2).montant == Decimal("33.34")
    assert r.pour(3).montant == Decimal("33.33") and r.pour(1).montant == Decimal("33.33")
    assert r.pour(4).montant == 0 and "inférieure au minimum 50" in r.pour(4).motif
    assert "33,33 %" in r.pour(1).motif
    assert r.total == Decimal("100.00")


def test_proportionnelle_sans_reduction_quand_tout_tient():
    r = proportionnelle([c(1, "40", "60"), c(2, "50", "70")], Decimal("100"), None)
    assert [a.montant for a in r.attributions] == [Decimal("50.00"), Decimal("40.00")]
    assert r.reste == Decimal("10.00")
