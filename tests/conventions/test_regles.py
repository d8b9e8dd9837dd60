"""Règles figées dans une opération : fiche ou convention type de l'édition, dates limites des bilans."""

from __future__ import annotations

import datetime

import pytest

from aap.catalogue.models import Dispositif
from aap.conventions.regles import ajouter_mois, date_limite_bilan, fin_exercice, regles_operation


@pytest.mark.parametrize(
    ("jour", "mois", "attendu"),
    [
        (datetime.date(2027, 12, 31), 3, datetime.date(2028, 3, 31)),
        (datetime.date(2027, 11, 30), 3, datetime.date(2028, 2, 29)),
        (datetime.date(2026, 1, 31), 1, datetime.date(2026, 2, 28)),
        (datetime.date(2026, 12, 31), 0, datetime.date(2026, 12, 31)),
        (datetime.date(2026, 6, 30), 6, datetime.date(2026, 12, 31)),
        (datetime.date(2027, 2, 28), 1, datetime.date(2027, 3, 31)),
        (datetime.date(2026, 5, 15), 9, datetime.date(2027, 2, 15)),
    ],
)
def test_ajouter_mois(jour, mois, attendu):
    assert ajouter_mois(jour, mois) == attendu


def test_le_delai_apres_la_fin_l_emporte_sur_la_date_fixe():
    bilan = {"echeance": "2028-03-31", "delai_mois_apres_fin": 3}
    assert date_limite_bilan(bilan, datetime.date(2027, 6, 30)) == datetime.date(2027, 9, 30)
    assert date_limite_bilan({"echeance": "2027-03-31"}, datetime.date(2027, 12, 31)) == datetime.date(2027, 3, 31)
    assert date_limite_bilan({"type": "comite_suivi"}, datetime.date(2027, 12, 31)) is None


def test_fin_exercice():
    assert fin_exercice(2026, 12) == datetime.date(2026, 12, 31)
    assert fin_exercice(2028, 2) == datetime.date(2028, 2, 29)


def test_regles_de_la_fiche_et_de_la_convention_type(catalogue_2026):
    fiche = regles_operation(Dispositif.objects.get(edition__annee=2026, code="5.1"))
    assert fiche["source"] == "fiche F01"
    assert [(e["type"], e["taux"], e.get("bilan")) for e in fiche["echeancier"]] == [
        ("avance", "30", None),
        ("acompte", "50", "bilan_intermediaire"),
        ("solde", "20", "bilan_final"),
    ]
    assert [p["taux"] for p in fiche["parts_conditionnees"]] == ["40", "60"]
    sans_fiche = regles_operation(Dispositif.objects.get(edition__annee=2026, code="1.2"))
    assert sans_fiche["source"] == "convention type de l'édition"
    assert [(e["type"], e["taux"]) for e in sans_fiche["echeancier"]] == [("avance", "60"), ("solde", "40")]
    assert [b["type"] for b in sans_fiche["bilans"]] == ["bilan_final"]
