"""Ouverture des sessions aux bornes exactes, heure de Paris (la clôture est incluse jusqu'à 23:59:59)."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from aap.catalogue.models import SessionAppel, StatutSession


PARIS = ZoneInfo("Europe/Paris")


def _paris(*args: int) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=PARIS)


@pytest.fixture
def session_5_2(catalogue_2026) -> SessionAppel:
    return SessionAppel.objects.get(dispositif__edition=catalogue_2026, dispositif__code="5.2", numero=1)


@pytest.mark.parametrize(
    ("instant", "ouverte", "statut"),
    [
        (_paris(2026, 1, 11, 23, 59, 59), False, StatutSession.A_VENIR),
        (_paris(2026, 1, 12, 0, 0), True, StatutSession.OUVERTE),
        (_paris(2026, 2, 15, 23, 59), True, StatutSession.OUVERTE),
        (_paris(2026, 2, 15, 23, 59, 59), True, StatutSession.OUVERTE),
        (_paris(2026, 2, 16, 0, 0), False, StatutSession.CLOSE),
    ],
)
def test_bornes_de_la_session_1(session_5_2, instant, ouverte, statut):
    with time_machine.travel(instant, tick=False):
        assert session_5_2.est_ouverte() is ouverte
        assert session_5_2.statut() == statut
        assert SessionAppel.objects.ouvertes().filter(pk=session_5_2.pk).exists() is ouverte


def test_le_16_fevrier_a_minuit_paris_est_encore_le_15_en_utc(session_5_2):
    # 16/02/2026 00:00 à Paris = 15/02/2026 23:00 UTC : un calcul en UTC laisserait la session ouverte.
    instant = _paris(2026, 2, 16, 0, 0)
    assert instant.astimezone(datetime.UTC).date() == datetime.date(2026, 2, 15)
    with time_machine.travel(instant, tick=False):
        assert not session_5_2.est_ouverte()
        assert not SessionAppel.objects.ouvertes().exists()


def test_est_ouverte_a_un_instant_donne(session_5_2):
    assert session_5_2.est_ouverte(_paris(2026, 2, 15, 23, 59))
    assert not session_5_2.est_ouverte(_paris(2026, 2, 16, 0, 0))
    assert SessionAppel.objects.ouvertes(_paris(2026, 2, 1, 12, 0)).count() == 11


def test_jours_avant_cloture(session_5_2):
    with time_machine.travel(_paris(2026, 2, 15, 8, 0), tick=False):
        assert session_5_2.jours_avant_cloture() == 0
    with time_machine.travel(_paris(2026, 2, 5, 23, 30), tick=False):
        assert session_5_2.jours_avant_cloture() == 10


def test_au_23_novembre_2026_toutes_les_sessions_sont_closes(catalogue_2026):
    with time_machine.travel(_paris(2026, 11, 23, 10, 0), tick=False):
        assert SessionAppel.objects.ouvertes().count() == 0
        assert SessionAppel.objects.closes().count() == 12
    with time_machine.travel(_paris(2026, 7, 1, 9, 0), tick=False):
        ouvertes = SessionAppel.objects.ouvertes()
        assert [(s.dispositif.code, s.numero) for s in ouvertes] == [("5.1", 2)]
