"""Outils des tests du catalogue : copie modifiable des fichiers 2026, sessions de démonstration."""

from __future__ import annotations

import datetime
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from aap.catalogue.models import Dispositif, SessionAppel
from aap.catalogue.validation import dossier_par_defaut


@pytest.fixture
def copie_2026(tmp_path: Path) -> Path:
    """Une copie des fichiers 2026 qu'un test peut abîmer sans toucher aux fichiers versionnés."""
    dossier = tmp_path / "2026"
    shutil.copytree(dossier_par_defaut(2026), dossier)
    return dossier


def lire(chemin: Path) -> Any:
    return yaml.safe_load(chemin.read_text(encoding="utf-8"))


def ecrire(chemin: Path, donnees: Any) -> None:
    chemin.write_text(yaml.safe_dump(donnees, allow_unicode=True, sort_keys=False), encoding="utf-8")


@pytest.fixture
def modifier(copie_2026: Path) -> Callable[[str, Callable[[Any], None]], Path]:
    """`modifier("fiches/5.5.yaml", fonction)` : applique `fonction` au contenu du fichier de la copie."""

    def _modifier(nom: str, fonction: Callable[[Any], None]) -> Path:
        chemin = copie_2026 / nom
        donnees = lire(chemin)
        fonction(donnees)
        ecrire(chemin, donnees)
        return copie_2026

    return _modifier


def session_demo(code: str, ouverture: datetime.date, cloture: datetime.date, numero: int = 90) -> SessionAppel:
    """Session de démonstration ajoutée à un dispositif 2026 (comme le font les données de démo)."""
    dispositif = Dispositif.objects.get(edition__annee=2026, code=code)
    return SessionAppel.objects.create(
        dispositif=dispositif, numero=numero, ouverture=ouverture, cloture=cloture, demonstration=True
    )
