"""Rééchelonnement des échéances après un avenant (`avenants.reechelonner`), fonction pure : propriétés."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aap.conventions.avenants import reechelonner
from aap.versements.rules import repartir


CENTIME = Decimal("0.01")

montants = st.integers(min_value=0, max_value=10**11).map(lambda c: Decimal(c) * CENTIME)
taux = st.integers(min_value=0, max_value=10000).map(lambda t: Decimal(t) / 100)
echeance = st.tuples(taux, montants, st.booleans())


@given(nouveau=montants, echeances=st.lists(echeance, min_size=1, max_size=6))
def test_proprietes(nouveau, echeances):
    resultat = reechelonner(nouveau, echeances)
    assert len(resultat) == len(echeances)
    assert all(m >= 0 and m == m.quantize(CENTIME) for m in resultat)
    modifiables = [i for i, (_, _, modifiable) in enumerate(echeances) if modifiable]
    fige = sum((m for _, m, modifiable in echeances if not modifiable), Decimal(0))
    for i, (_, montant, modifiable) in enumerate(echeances):
        if not modifiable:
            assert resultat[i] == montant  # le liquidé garde son montant
    if not modifiables:
        assert resultat == [m for _, m, _ in echeances]
    elif fige <= nouveau:
        assert sum(resultat, Decimal(0)) == nouveau  # exact au centime
    else:
        assert all(resultat[i] == 0 for i in modifiables)  # le trop-versé est réclamé par reversement


@st.composite
def avenant_a_repartir(draw: st.DrawFn) -> tuple[Decimal, list[tuple[Decimal, Decimal, bool]]]:
    """Un nouveau montant et des échéances dont au moins deux restent à verser (taux non nul) et dont le liquidé
    ne dépasse pas le nouveau montant : construits tels quels, sans filtrage."""
    nouveau = draw(montants)
    drapeaux = draw(st.permutations([True, True, *draw(st.lists(st.booleans(), max_size=4))]))
    plafond = int(nouveau / CENTIME) // len(drapeaux)
    echeances = []
    for modifiable in drapeaux:
        t = (
            draw(st.integers(min_value=1, max_value=10000).map(lambda t: Decimal(t) / 100))
            if modifiable
            else draw(taux)
        )
        montant = draw(st.integers(min_value=0, max_value=plafond).map(lambda c: Decimal(c) * CENTIME))
        echeances.append((t, montant, modifiable))
    return nouveau, echeances


@given(cas=avenant_a_repartir())
def test_parts_au_prorata_des_taux_le_reliquat_sur_la_derniere(cas):
    nouveau, echeances = cas
    modifiables = [i for i, (_, _, modifiable) in enumerate(echeances) if modifiable]
    fige = sum((m for _, m, modifiable in echeances if not modifiable), Decimal(0))
    total_taux = sum((echeances[i][0] for i in modifiables), Decimal(0))
    assert len(modifiables) >= 2 and total_taux > 0 and fige <= nouveau
    resultat = reechelonner(nouveau, echeances)
    reste = nouveau - fige
    for i in modifiables[:-1]:
        exact = reste * echeances[i][0] / total_taux
        assert exact - CENTIME < resultat[i] <= exact
    dernier = modifiables[-1]
    exact = reste * echeances[dernier][0] / total_taux
    assert exact <= resultat[dernier] < exact + CENTIME * len(modifiables)


@given(nouveau=montants)
def test_sans_liquide_identique_a_la_repartition_initiale(nouveau):
    taux_fiche = [Decimal(30), Decimal(50), Decimal(20)]
    echeances = [(t, Decimal("123.45"), True) for t in taux_fiche]
    assert reechelonner(nouveau, echeances) == repartir(nouveau, taux_fiche)


def test_exemple_avance_versee():
    # 10 000 € → 12 000 € après une avance de 3 000 € versée : 9 000 € répartis 50 / 20 sur acompte et solde.
    echeances = [
        (Decimal(30), Decimal("3000.00"), False),
        (Decimal(50), Decimal("5000.00"), True),
        (Decimal(20), Decimal("2000.00"), True),
    ]
    assert reechelonner(Decimal("12000.00"), echeances) == [Decimal("3000.00"), Decimal("6428.57"), Decimal("2571.43")]


@pytest.mark.parametrize("montant", [Decimal("-1.00"), Decimal("10.001")])
def test_montant_invalide(montant):
    with pytest.raises(ValueError):
        reechelonner(montant, [(Decimal(100), Decimal(0), True)])
