"""Fichiers d'exemple des tests d'import (fictifs) et outils : la structure de ces fichiers, son référent, l'import."""

from __future__ import annotations

from pathlib import Path

from aap.core.models import Role
from aap.parcours.imports.moteur import Rapport, importer
from aap.structures.models import RoleMembre, Structure
from tests.factories import MembreFactory, StructureFactory, UserFactory


FIXTURES = Path(__file__).parent
SIRET = "90000000090010"


def fichier(nom: str) -> bytes:
    return (FIXTURES / nom).read_bytes()


def structure_des_exemples() -> Structure:
    return Structure.objects.filter(siret=SIRET).first() or StructureFactory(siret=SIRET)


def referent_de(structure: Structure, email: str = "referente@exemple.test"):  # noqa: ANN201
    user = UserFactory(role=Role.REFERENT, email=email)
    MembreFactory(user=user, structure=structure, role=RoleMembre.REFERENT)
    return user


def lignes_en_erreur(rapport: Rapport) -> dict[int, list[list[str]]]:
    return {ligne.numero: ligne.erreurs for ligne in rapport.rejetees}


def importer_fichier(nature: str, nom: str, acteur, appliquer: bool = True) -> Rapport:  # noqa: ANN001
    return importer(nature, fichier(nom), acteur, appliquer=appliquer)
