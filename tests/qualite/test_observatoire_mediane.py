"""Médiane ensembliste (fenêtres, PostgreSQL et SQLite) contre statistics.median sur de petites données."""

from __future__ import annotations

import datetime
import statistics
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.db import transaction
from django.db.models import DurationField, ExpressionWrapper, F, Value
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aap.parcours.models import Orientation
from aap.qualite.observatoire_requetes import mediane_par_groupe
from tests.factories import StructureFactory
from tests.parcours.factories import OrientationFactory


pytestmark = pytest.mark.usefixtures("catalogue_2026")

ORIGINE = datetime.date(2026, 1, 1)


def _avec_delai(qs):
    return qs.annotate(_delai=ExpressionWrapper(F("date_orientation") - Value(ORIGINE), output_field=DurationField()))


def _attendue(valeurs):
    return Decimal(str(statistics.median(valeurs))).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.integers(0, 2), st.integers(0, 90)), min_size=1, max_size=12))
def test_mediane_par_groupe_egale_statistics_median(valeurs):
    with transaction.atomic():
        modele = OrientationFactory()
        structures = [modele.structure, StructureFactory(), StructureFactory()]
        Orientation.objects.bulk_create(
            [
                Orientation(
                    personne=modele.personne,
                    structure=structures[groupe],
                    dispositif=modele.dispositif,
                    parcours=modele.parcours,
                    territoire=modele.territoire,
                    date_orientation=ORIGINE + datetime.timedelta(days=jours),
                )
                for groupe, jours in valeurs
            ]
        )
        qs = _avec_delai(Orientation.objects.exclude(pk=modele.pk))
        attendu = defaultdict(list)
        for groupe, jours in valeurs:
            attendu[structures[groupe].pk].append(jours)
        assert mediane_par_groupe(qs, "structure_id", "_delai") == {
            cle: _attendue(jours) for cle, jours in attendu.items()
        }
        assert mediane_par_groupe(qs, None, "_delai") == {None: _attendue([j for _, j in valeurs])}
        transaction.set_rollback(True)


def test_mediane_d_un_ensemble_vide():
    assert mediane_par_groupe(_avec_delai(Orientation.objects.all()), None, "_delai") == {}
