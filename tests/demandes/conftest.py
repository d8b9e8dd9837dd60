"""Fixtures des demandes : instants autour de la clôture (heure de Paris), structure du porteur, demandes."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from aap.structures.models import RoleMembre
from tests.demandes.factories import DemandeFactory, SessionAppelFactory
from tests.factories import MembreFactory


PARIS = ZoneInfo("Europe/Paris")
#: Pendant la session 1 (12/01/2026 → 15/02/2026 incluse).
PENDANT = datetime.datetime(2026, 2, 1, 10, 0, tzinfo=PARIS)
DERNIERE_SECONDE = datetime.datetime(2026, 2, 15, 23, 59, 59, tzinfo=PARIS)
APRES_CLOTURE = datetime.datetime(2026, 2, 16, 0, 0, 0, tzinfo=PARIS)


@pytest.fixture(autouse=True)
def _hachage_rapide(settings):
    """Les mots de passe des comptes de test n'ont pas besoin d'un hachage coûteux."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def pendant_session():
    with time_machine.travel(PENDANT, tick=False):
        yield PENDANT


@pytest.fixture
def structure(porteur):
    return porteur.adhesions.get().structure


@pytest.fixture
def gestionnaire_structure(structure):
    return MembreFactory(structure=structure, role=RoleMembre.GESTIONNAIRE).user


@pytest.fixture
def lecteur_structure(structure):
    return MembreFactory(structure=structure, role=RoleMembre.LECTEUR).user


@pytest.fixture
def session():
    return SessionAppelFactory()


@pytest.fixture
def demande(structure, porteur, session):
    """Un brouillon complet, au plan équilibré et conforme : prêt à être déposé."""
    return DemandeFactory(structure=structure, session=session, cree_par=porteur, budget=True)
