import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bench.mesures import percentile, ratios, resumer, tableau


def test_percentile_rang_le_plus_proche():
    valeurs = list(range(1, 101))  # 1..100
    assert percentile(valeurs, 50) == 50
    assert percentile(valeurs, 95) == 95
    assert percentile(valeurs, 99) == 99
    assert percentile(valeurs, 100) == 100
    assert percentile([7.0], 99) == 7.0
    assert percentile([1, 2, 3, 4], 50) == 2
    assert math.isnan(percentile([], 50))
    with pytest.raises(ValueError):
        percentile([1], 101)


@given(st.lists(st.floats(min_value=0, max_value=1e4, allow_nan=False), min_size=1), st.floats(0, 100))
def test_percentile_est_une_valeur_observee_et_croissante(valeurs, p):
    triees = sorted(valeurs)
    assert percentile(triees, p) in triees
    assert percentile(triees, p) <= percentile(triees, min(100, p + 5))


def test_resume_ratios_et_tableau():
    nue = resumer("vue nue", [0.001] * 90 + [0.002] * 10, erreurs=0, duree_s=0.5)
    liste = resumer("liste agents", [0.040] * 95 + [0.100] * 5, erreurs=2, duree_s=4.0)
    assert (nue.requetes, nue.debit, nue.p50, nue.p95, nue.p99) == (100, 200.0, 1.0, 2.0, 2.0)
    assert (liste.requetes, liste.erreurs, liste.debit, liste.p50, liste.p95, liste.p99) == (
        102, 2, 25.5, 40.0, 40.0, 100.0
    )  # fmt: skip
    assert ratios([nue, liste], "vue nue") == {"liste agents": {"p50": 40.0, "p95": 20.0, "debit": 7.8}}
    texte = tableau([nue, liste])
    lignes = texte.splitlines()
    assert lignes[0].split() == ["scénario", "requêtes", "erreurs", "req/s", "p50", "ms", "p95", "ms", "p99", "ms",
                                 "max", "ms"]  # fmt: skip
    assert lignes[3].startswith("liste agents")
    assert lignes[3].split()[-7:] == ["102", "2", "25.5", "40.0", "40.0", "100.0", "100.0"]


def test_variante_sans_debit():
    variante = resumer("sans filtre", [0.01, 0.02], erreurs=0, duree_s=None)
    assert variante.debit is None and variante.duree_s is None
    assert tableau([variante]).splitlines()[2].split()[4] == "—"
