"""Échéances des documents annuels (article 6-2 de la convention type) : quels exercices et quelles pièces une
structure doit, pour quand, et lesquels manquent à une date. Lecture seule ; les règles viennent de l'édition."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from aap.bilans.models import DocumentAnnuel, StatutDocumentAnnuel
from aap.conventions.models import Convention, StatutConvention
from aap.conventions.regles import ajouter_mois, fin_exercice
from aap.structures.models import Structure


#: Conventions qui obligent la structure à produire ses documents annuels.
STATUTS_OBLIGEANTS = (StatutConvention.SIGNEE, StatutConvention.SOLDEE)


@dataclass(frozen=True)
class PieceDue:
    exercice: int
    code: str
    libelle: str
    formats: tuple[str, ...]
    echeance: datetime.date
    document: DocumentAnnuel | None

    @property
    def fournie(self) -> bool:
        return self.document is not None and self.document.statut != StatutDocumentAnnuel.REFUSE

    def en_retard(self, jour: datetime.date) -> bool:
        return not self.fournie and jour > self.echeance


def _regles(structure: Structure) -> dict[str, Any] | None:
    convention = (
        Convention.objects.filter(structure=structure, statut__in=STATUTS_OBLIGEANTS)
        .select_related("edition")
        .order_by("-edition__annee")
        .first()
    )
    return convention.edition.conventionnement.get("documents_annuels") if convention else None


def exercices_concernes(structure: Structure) -> list[int]:
    """Les exercices (année de clôture) chevauchant une convention signée de la structure."""
    annees: set[int] = set()
    mois = structure.mois_cloture_exercice
    for debut, fin in Convention.objects.filter(structure=structure, statut__in=STATUTS_OBLIGEANTS).values_list(
        "date_debut", "date_fin"
    ):
        annee = debut.year if debut <= fin_exercice(debut.year, mois) else debut.year + 1
        while fin_exercice(annee - 1, mois) < fin:
            annees.add(annee)
            annee += 1
    return sorted(annees)


def pieces_dues(structure: Structure) -> list[PieceDue]:
    """Chaque pièce de chaque exercice concerné, avec sa date limite et le document déposé (le cas échéant)."""
    regles = _regles(structure)
    if not regles:
        return []
    deposes = {(d.exercice, d.code): d for d in DocumentAnnuel.objects.filter(structure=structure)}
    dues = []
    for exercice in exercices_concernes(structure):
        echeance = ajouter_mois(
            fin_exercice(exercice, structure.mois_cloture_exercice), regles["delai_mois_apres_exercice"]
        )
        for piece in regles["pieces"]:
            if piece.get("si_commissaire_aux_comptes") and not structure.soumise_cac:
                continue
            dues.append(
                PieceDue(
                    exercice=exercice,
                    code=piece["code"],
                    libelle=piece["libelle"],
                    formats=tuple(piece["formats"]),
                    echeance=echeance,
                    document=deposes.get((exercice, piece["code"])),
                )
            )
    return dues


def documents_annuels_en_retard(structure: Structure, jour: datetime.date) -> list[PieceDue]:
    """Les pièces dont la date limite est passée au `jour` sans document accepté ou en attente d'examen."""
    return [p for p in pieces_dues(structure) if p.en_retard(jour)]
