"""Règles des parcours d'accompagnement des fiches (section `parcours:`) : données 2026 et contrôles du schéma."""

from __future__ import annotations

from decimal import Decimal

import pytest
from pydantic import ValidationError

from aap.catalogue.models import Dispositif
from aap.catalogue.schema_parcours import RegleParcours


def test_regles_2026_lues_depuis_les_fiches(catalogue_2026):
    f01 = Dispositif.objects.get(edition__annee=2026, code="5.1").fiche
    rsi = next(p for p in f01.parcours if p.code == "remobilisation_sociale_intensive")
    assert (rsi.delai_premier_rdv_jours, rsi.delai_signature_ce_jours, rsi.duree_ce_mois) == (15, 28, 6)
    assert (rsi.entretiens_par_mois_min, rsi.entretiens_physiques_par_mois_min) == (2, 1)
    assert (rsi.heures_hebdo_min, rsi.heures_hebdo_max) == (Decimal(7), Decimal(15))
    f02 = Dispositif.objects.get(edition__annee=2026, code="5.2").fiche
    assert f02.parcours[0].heures_hebdo_min == 15 and f02.parcours[0].heures_hebdo_max is None
    f03 = Dispositif.objects.get(edition__annee=2026, code="5.3").fiche
    assert [(p.code, p.duree_ce_mois, p.duree_totale_max_mois) for p in f03.parcours] == [
        ("diagnostic_activite_independante", 3, None),
        ("developpement_activite", 6, 18),
        ("cessation_reorientation", 6, None),
    ]


@pytest.mark.parametrize(
    ("regle", "message"),
    [
        ({"heures_hebdo_min": 16, "heures_hebdo_max": 15}, "au-dessus du maximum"),
        ({"entretiens_par_mois_min": 1, "entretiens_physiques_par_mois_min": 2}, "physiques"),
        ({"delai_premier_rdv_jours": 30, "delai_signature_ce_jours": 28}, "avant le premier rendez-vous"),
        ({"duree_ce_mois": 6, "renouvellement": "apres_revue_slai", "duree_totale_max_mois": 3}, "plus courte"),
        ({"duree_ce_mois": 6, "duree_totale_max_mois": 18}, "renouvelable"),
    ],
)
def test_regles_incoherentes_refusees(regle, message):
    with pytest.raises(ValidationError, match=message):
        RegleParcours.model_validate({"code": "essai", "libelle": "Essai", **regle})
