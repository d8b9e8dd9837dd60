"""Documents annuels (article 6-2 de la convention type) : dépôt par la structure (un redépôt remplace le
fichier), acceptation ou refus motivé par la DPID. Les pièces et leurs formats viennent de l'édition."""

from __future__ import annotations

import datetime
from pathlib import PurePath
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from aap.bilans.models import DocumentAnnuel, StatutDocumentAnnuel
from aap.bilans.rules import PieceDue, pieces_dues
from aap.core import audit
from aap.core.models import Role, User
from aap.core.permissions import exiger_dpid
from aap.structures.droits import peut_ecrire
from aap.structures.fichiers import FichierRefuse, verifier_fichier
from aap.structures.models import Structure


class DocumentImpossible(Exception):
    """L'action demandée sur le document annuel n'est pas possible ; le message dit pourquoi."""


def piece_due(structure: Structure, exercice: int, code: str) -> PieceDue:
    for piece in pieces_dues(structure):
        if piece.exercice == exercice and piece.code == code:
            return piece
    raise DocumentImpossible("Cette pièce n'est pas due par la structure pour cet exercice.")


def _verifier(piece: PieceDue, fichier: Any) -> None:
    try:
        format_ = verifier_fichier(fichier, fichier.name, fichier.size)
    except FichierRefuse as exc:
        raise ValidationError({"fichier": exc.messages}) from exc
    extension = PurePath(fichier.name).suffix.lower().lstrip(".")
    if extension not in piece.formats or not set(format_.extensions) & set(piece.formats):
        formats = ", ".join(f.upper() for f in piece.formats)
        raise ValidationError({"fichier": [f"« {piece.libelle} » se dépose au format {formats}."]})


def deposer_document(
    structure: Structure, acteur: User, *, exercice: int, code: str, fichier: Any, at: datetime.datetime | None = None
) -> DocumentAnnuel:
    """Dépose (ou remplace) une pièce annuelle due ; une pièce déjà acceptée n'est plus remplaçable."""
    if not (acteur.is_authenticated and acteur.role == Role.PORTEUR) or not peut_ecrire(acteur, structure):
        raise PermissionDenied(
            "Les documents annuels sont déposés par le représentant légal ou un gestionnaire de la structure."
        )
    piece = piece_due(structure, exercice, code)
    _verifier(piece, fichier)
    at = at or timezone.now()
    with transaction.atomic():
        Structure.objects.select_for_update().get(pk=structure.pk)
        document = DocumentAnnuel.objects.filter(structure=structure, exercice=exercice, code=code).first()
        if document is not None and document.statut == StatutDocumentAnnuel.ACCEPTE:
            raise DocumentImpossible("Cette pièce a été acceptée par le Département : elle n'est plus remplaçable.")
        remplace = document is not None
        if document is None:
            document = DocumentAnnuel(structure=structure, exercice=exercice, code=code)
        else:
            document.fichier.delete(save=False)
        extension = PurePath(fichier.name).suffix.lower()
        document.fichier.save(f"{structure.pk}-{exercice}-{code}{extension}", fichier, save=False)
        document.nom_original = PurePath(fichier.name).name[:255]
        document.statut, document.motif = StatutDocumentAnnuel.DEPOSE, ""
        document.depose_par, document.depose_le = acteur, at
        document.save()
        audit.log(acteur, "document_annuel.deposer", document, at=at, exercice=exercice, code=code, remplace=remplace)
    return document


def _decider(document: DocumentAnnuel, acteur: User, statut: str, motif: str, at: datetime.datetime | None) -> None:
    exiger_dpid(acteur, "Les documents annuels sont examinés par les agents de la DPID.")
    with transaction.atomic():
        document = DocumentAnnuel.objects.select_for_update().get(pk=document.pk)
        if document.statut != StatutDocumentAnnuel.DEPOSE:
            raise DocumentImpossible(f"Ce document est déjà « {document.get_statut_display()} ».")
        document.statut, document.motif = statut, motif
        document.save(update_fields=["statut", "motif"])
        audit.log(acteur, f"document_annuel.{statut}", document, at=at, motif=motif)


def accepter_document(document: DocumentAnnuel, acteur: User, at: datetime.datetime | None = None) -> None:
    _decider(document, acteur, StatutDocumentAnnuel.ACCEPTE, "", at)


def refuser_document(document: DocumentAnnuel, acteur: User, motif: str, at: datetime.datetime | None = None) -> None:
    """Refuse le document (la pièce redevient due : la structure la redépose) ; le motif est obligatoire."""
    motif = (motif or "").strip()
    if not motif:
        raise ValidationError({"motif": ["Dites à la structure pourquoi ce document est refusé."]})
    _decider(document, acteur, StatutDocumentAnnuel.REFUSE, motif, at)
