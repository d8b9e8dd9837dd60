"""Répartition d'une subvention selon l'échéancier : la somme est exacte au centime, le reliquat à la fin."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aap.versements.rules import repartir


montants = st.decimals(min_value=0, max_value=Decimal("99999999.99"), places=2)


@st.composite
def taux_totalisant_100(draw: st.DrawFn) -> list[Decimal]:
    coupures = sorted(draw(st.lists(st.integers(min_value=0, max_value=10000), max_size=5)))
    bornes = [0, *coupures, 10000]
    return [Decimal(b - a) / 100 for a, b in zip(bornes, bornes[1:], strict=False)]


@given(montant=montants, taux=taux_totalisant_100())
def test_les_echeances_totalisent_la_subvention_au_centime(montant, taux):
    parts = repartir(montant, taux)
    assert sum(parts, Decimal(0)) == montant
    assert all(p >= 0 and p == p.quantize(Decimal("0.01")) for p in parts)
    for part, t in zip(parts[:-1], taux[:-1], strict=True):
        assert part <= montant * t / 100 < part + Decimal("0.01")


def test_reliquat_a_la_derniere_echeance():
    assert repartir(Decimal("100.00"), [Decimal(30), Decimal(50), Decimal(20)]) == [
        Decimal("30.00"),
        Decimal("50.00"),
        Decimal("20.00"),
    ]
    assert repartir(Decimal("0.05"), [Decimal(30), Decimal(50), Decimal(20)]) == [
        Decimal("0.01"),
        Decimal("0.02"),
        Decimal("0.02"),
    ]


@pytest.mark.parametrize("taux", [[Decimal(30), Decimal(50)], []])
def test_un_echeancier_qui_ne_totalise_pas_100_est_refuse(taux):
    with pytest.raises(ValueError):
        repartir(Decimal("1000.00"), taux)
