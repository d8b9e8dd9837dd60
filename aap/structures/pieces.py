"""Pièces de la structure : dépôt contrôlé (contenu, extension, taille, dates) et remplacement.

Une pièce remplacée reste conservée (historique, demandes déjà déposées) mais n'est plus « en vigueur ».
"""

from __future__ import annotations

import datetime

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from aap.core import audit
from aap.core.models import User
from aap.structures.droits import ErreurStructure, exiger_ecriture
from aap.structures.fichiers import verifier_fichier
from aap.structures.models import DocumentStructure, Structure, TypeDocument


#: Types dont la date de fin de validité est obligatoire (une attestation d'assurance couvre une période).
TYPES_AVEC_ECHEANCE = frozenset({TypeDocument.ASSURANCE})


def verifier_periode(type_piece: str, valide_du: datetime.date | None, valide_jusquau: datetime.date | None) -> None:
    if valide_du and valide_jusquau and valide_jusquau < valide_du:
        raise ErreurStructure("La date de fin de validité précède la date de début.")
    if type_piece in TYPES_AVEC_ECHEANCE and valide_jusquau is None:
        raise ErreurStructure(
            f"Indiquez jusqu'à quand la pièce « {TypeDocument(type_piece).label} » est valable (date de fin de "
            "couverture)."
        )


def deposer_piece(
    structure: Structure,
    acteur: User,
    *,
    type_piece: TypeDocument | str,
    fichier: UploadedFile,
    valide_du: datetime.date | None = None,
    valide_jusquau: datetime.date | None = None,
    remplace: DocumentStructure | None = None,
) -> DocumentStructure:
    """Dépose une pièce (ou remplace la pièce `remplace`, du même type) ; membres en écriture seulement."""
    exiger_ecriture(acteur, structure)
    if remplace is not None:
        if remplace.structure_id != structure.pk:
            raise ErreurStructure("Cette pièce n'appartient pas à la structure.")
        type_piece = remplace.type
    type_piece = TypeDocument(type_piece)
    verifier_periode(type_piece, valide_du, valide_jusquau)
    verifier_fichier(fichier, fichier.name, fichier.size)
    fichier.seek(0)
    with transaction.atomic():
        if remplace is not None:
            remplace = DocumentStructure.objects.select_for_update().get(pk=remplace.pk)
            if remplace.remplace_par_id is not None:
                raise ErreurStructure("Cette pièce a déjà été remplacée : remplacez la version en vigueur.")
        piece = DocumentStructure(
            structure=structure,
            type=type_piece,
            nom_original=fichier.name[-255:],
            taille=fichier.size,
            valide_du=valide_du,
            valide_jusquau=valide_jusquau,
            depose_par=acteur,
        )
        piece.fichier.save(fichier.name, fichier, save=False)
        piece.save()
        action = "piece.deposer"
        if remplace is not None:
            remplace.remplace_par = piece
            remplace.save(update_fields=["remplace_par"])
            action = "piece.remplacer"
        audit.log(
            acteur,
            action,
            piece,
            type=type_piece,
            fichier=piece.nom_original,
            remplace=remplace.pk if remplace else None,
        )
    return piece
