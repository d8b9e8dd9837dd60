"""Fixtures communes : tout test a accès à la base, courriels en mémoire, fichiers dans un dossier temporaire."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings as django_settings

from aap.core.models import Role, Territoire, User
from aap.core.territoires import ensure_territoires
from tests.factories import MembreFactory, StructureFactory, UserFactory, territoire


pytest_plugins = ["tests.navigateur"]


def pytest_configure(config: pytest.Config) -> None:
    # whitenoise avertit si STATIC_ROOT n'existe pas encore (clone neuf, collectstatic jamais lancé).
    Path(django_settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)
    # Hachage rapide des mots de passe en test (PBKDF2 coûte ~0,3 s par compte créé).
    django_settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _db_et_medias(db, settings, tmp_path):
    # Les tests « transactionnels » (navigateur) vident les tables, référentiel compris : on le remet.
    ensure_territoires(Territoire)
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


@pytest.fixture
def referent() -> User:
    """Un référent de parcours d'une structure d'Arras (il ne voit que les personnes orientées vers elle)."""
    from aap.structures.models import RoleMembre

    user = UserFactory(role=Role.REFERENT, email="referent@structure.test")
    MembreFactory(user=user, role=RoleMembre.REFERENT)
    return user


@pytest.fixture
def catalogue_2026():
    """L'édition 2026 du catalogue, chargée depuis les fichiers versionnés (`aap/catalogue/data/2026/`).

    Renvoie l'`Edition` : 5 axes, 50 dispositifs, 11 fiches détaillées (5.1 à 5.11), 12 sessions toutes closes
    au 23/11/2026. La validation des fichiers est mise en cache : la fixture ne coûte que les écritures en base.
    """
    from aap.catalogue.loader import load_edition

    return load_edition(2026)
