"""Fixtures communes : tout test a accès à la base, courriels en mémoire, fichiers dans un dossier temporaire."""

from __future__ import annotations

import pytest

from aap.core.models import Role, User
from tests.factories import MembreFactory, StructureFactory, UserFactory, territoire


@pytest.fixture(autouse=True)
def _db_et_medias(db, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def porteur() -> User:
    """Un porteur représentant légal d'une structure d'Arras."""
    return MembreFactory().user


@pytest.fixture
def autre_porteur() -> User:
    return MembreFactory(structure=StructureFactory(code_postal="62100", commune="Calais")).user


@pytest.fixture
def instructeur() -> User:
    return UserFactory(role=Role.INSTRUCTEUR, email="instructeur@pasdecalais.test")


@pytest.fixture
def gestionnaire() -> User:
    return UserFactory(role=Role.GESTIONNAIRE, email="gestionnaire@pasdecalais.test")


@pytest.fixture
def agent_slai() -> User:
    return UserFactory(role=Role.SLAI, territoire=territoire("arrageois"), email="slai.arrageois@pasdecalais.test")


@pytest.fixture
def agent_finances() -> User:
    return UserFactory(role=Role.FINANCES, email="finances@pasdecalais.test")


@pytest.fixture
def administrateur() -> User:
    return UserFactory(role=Role.ADMIN, email="admin@pasdecalais.test", is_staff=True, is_superuser=True)
