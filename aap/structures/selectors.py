"""Lectures composées sur les structures, utilisées par les vues et par l'instruction des demandes."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import models
from django.utils import timezone

from aap.structures.models import TYPES_EXIGES, DocumentStructure, Membre, RoleMembre, Structure, TypeDocument


class EtatPiece(models.TextChoices):
    PRESENTE = "presente", "À jour"
    EXPIREE = "expiree", "Expirée"
    MANQUANTE = "manquante", "Manquante"


@dataclass(frozen=True)
class EtatDocument:
    """État d'un type de pièce pour une structure à une date."""

    type: TypeDocument
    etat: EtatPiece
    requise: bool
    #: La pièce en vigueur la plus récente (valable à la date si `etat` vaut PRESENTE), sinon None.
    document: DocumentStructure | None

    @property
    def libelle(self) -> str:
        return self.type.label

    @property
    def a_jour(self) -> bool:
        return self.etat == EtatPiece.PRESENTE

    @property
    def bloquante(self) -> bool:
        """Pièce exigée qui n'est pas à jour."""
        return self.requise and not self.a_jour


def types_requis(structure: Structure) -> tuple[TypeDocument, ...]:
    if structure.soumise_cac:
        return (*TYPES_EXIGES, TypeDocument.RAPPORT_CAC)
    return TYPES_EXIGES


def _valable(doc: DocumentStructure, at: datetime.date) -> bool:
    return (doc.valide_du is None or doc.valide_du <= at) and (doc.valide_jusquau is None or doc.valide_jusquau >= at)


def etat_documents(structure: Structure, at: datetime.date | None = None) -> dict[TypeDocument, EtatDocument]:
    """Pour chaque type de pièce : présente (valable à la date `at`, aujourd'hui à Paris par défaut), expirée
    (des pièces existent mais aucune n'est valable à cette date) ou manquante ; et si elle est exigée.

    Le rapport du commissaire aux comptes n'est exigé que si `structure.soumise_cac` ; « autre » jamais.
    Une pièce dont la validité ne commence qu'après `at` ne compte pas encore : elle est « manquante »
    (ou « expirée » si une pièce plus ancienne a expiré).
    """
    at = at or timezone.localdate()
    requis = set(types_requis(structure))
    docs = list(DocumentStructure.objects.actuels().filter(structure=structure).order_by("-depose_le", "-pk"))
    resultat: dict[TypeDocument, EtatDocument] = {}
    for type_piece in TypeDocument:
        du_type = [d for d in docs if d.type == type_piece]
        valables = [d for d in du_type if _valable(d, at)]
        if valables:
            etat, document = EtatPiece.PRESENTE, valables[0]
        elif any(d.valide_jusquau is not None and d.valide_jusquau < at for d in du_type):
            etat, document = EtatPiece.EXPIREE, du_type[0]
        else:
            etat, document = EtatPiece.MANQUANTE, du_type[0] if du_type else None
        resultat[type_piece] = EtatDocument(type_piece, etat, type_piece in requis, document)
    return resultat


def documents_a_jour(structure: Structure, at: datetime.date | None = None) -> bool:
    """Toutes les pièces exigées sont présentes et valables à la date (critère d'éligibilité de l'instruction)."""
    return not any(e.bloquante for e in etat_documents(structure, at).values())


def membres_ordonnes(structure: Structure) -> models.QuerySet[Membre]:
    """Le représentant légal d'abord, puis les gestionnaires, les lecteurs ; les désactivés en dernier."""
    rang = models.Case(
        models.When(role=RoleMembre.REPRESENTANT_LEGAL, then=0),
        models.When(role=RoleMembre.GESTIONNAIRE, then=1),
        default=2,
    )
    return (
        Membre.objects.filter(structure=structure)
        .select_related("user")
        .annotate(rang=rang)
        .order_by("-actif", "rang", "user__last_name", "user__first_name")
    )
