"""Outils des tests du domaine des parcours : la structure d'un référent, une orientation chez elle, des
actions de contrat conformes à la fiche."""

from __future__ import annotations

import datetime
from typing import Any

from aap.parcours import choices as c
from aap.parcours import models as m
from aap.structures.models import Membre, Structure
from tests.parcours.factories import OrientationFactory


def structure_du(referent) -> Structure:
    return Membre.objects.get(user=referent).structure


def orientation_chez(referent, **kwargs: Any) -> m.Orientation:
    return OrientationFactory(structure=structure_du(referent), **kwargs)


def actions(debut: datetime.date, fin: datetime.date, *, nombre: int = 3, pro: int = 0) -> list[dict[str, Any]]:
    """`nombre` actions détaillées dont la première couvre tout le contrat et `pro` d'insertion professionnelle."""
    liste = []
    for rang in range(nombre):
        liste.append(
            {
                "libelle": f"Action {rang + 1}",
                "detail": "Démarches accompagnées physiquement par le référent.",
                "categorie": c.CategorieAction.INSERTION_PRO if rang < pro else c.CategorieAction.SOCIALE,
                "date_debut": debut,
                "date_fin": fin if rang == 0 else debut + datetime.timedelta(days=30),
                "dispositif_departemental": False,
            }
        )
    return liste
