"""Outils des tests de la notation : la grille 2026 versionnée posée sur l'édition d'une demande de test."""

from __future__ import annotations

from typing import Any

from aap.catalogue.validation import lire_edition
from aap.demandes.models import Demande
from aap.instruction.notation import grille_de


def grille_2026() -> dict[str, Any]:
    notation = lire_edition(2026).spec.notation
    assert notation is not None
    return notation.model_dump(mode="json")


def avec_grille(demande: Demande) -> Demande:
    """Pose la grille de notation 2026 sur l'édition du dispositif de `demande` et la renvoie."""
    edition = demande.dispositif.edition
    edition.notation = grille_2026()
    edition.save(update_fields=["notation"])
    edition.__dict__.pop("grille", None)
    return demande


def grille_uniforme(demande: Demande, note: int, commentaire: str = "Vu au dossier.") -> dict[str, tuple[int, str]]:
    """Une grille complète où chaque critère de la demande a la même note."""
    grille = grille_de(demande)
    assert grille is not None
    return {code: (note, commentaire) for code in grille.codes}
