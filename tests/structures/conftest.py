from __future__ import annotations

import pytest

from aap.core.models import User
from aap.structures.models import Membre, RoleMembre, Structure
from tests.factories import MembreFactory, UserFactory


@pytest.fixture
def structure(porteur: User) -> Structure:
    """La structure dont `porteur` est le représentant légal."""
    return porteur.adhesions.get().structure


@pytest.fixture
def gestionnaire_structure(structure: Structure) -> User:
    return MembreFactory(structure=structure, user=UserFactory(), role=RoleMembre.GESTIONNAIRE).user


@pytest.fixture
def lecteur(structure: Structure) -> User:
    return MembreFactory(structure=structure, user=UserFactory(), role=RoleMembre.LECTEUR).user


def membre(user: User, structure: Structure) -> Membre:
    return Membre.objects.get(user=user, structure=structure)
