"""Génération des documents d'une séance : contrôles d'abord, puis rapport et délibération (DOCX, PDF) et
annexe des financements (XLSX, PDF).

`generer_documents(seance, out_dir, progression)` lève `DocumentsBloques` sans rien écrire quand un contrôle
relève une erreur. Les fichiers sont produits dans un dossier temporaire voisin puis déplacés ensemble :
une panne en cours de route ne laisse pas de demi-jeu de documents dans `out_dir`.

Le PDF de l'annexe est le classeur XLSX converti par LibreOffice : la conversion part dès que le classeur est
écrit et tourne dans son propre processus pendant que WeasyPrint produit le rapport et la délibération ; sans
LibreOffice (ou s'il échoue), WeasyPrint rend l'annexe à son tour (docs/adr/0002-annexe-pdf-libreoffice.md).
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

from aap.commission.coherence import Incoherence, controler, erreurs
from aap.commission.documents import conversion
from aap.commission.documents.annexe import annexe_pdf, annexe_pdf_weasyprint, annexe_xlsx
from aap.commission.documents.deliberation import deliberation_docx, deliberation_pdf
from aap.commission.documents.rapport import rapport_docx, rapport_pdf
from aap.commission.dossier import DossierCP, construire_dossier
from aap.commission.models import SeanceCP


Progression = Callable[[int, str], None]


class DocumentsBloques(Exception):  # noqa: N818 - nom du contrat d'API
    """Des incohérences bloquantes empêchent la production des documents ; aucun fichier n'est écrit."""

    def __init__(self, incoherences: list[Incoherence]) -> None:
        self.incoherences = incoherences
        super().__init__("\n".join(i.message for i in incoherences))


def noms_fichiers(dossier: DossierCP) -> dict[str, str]:
    jour = f"{dossier.date:%Y-%m-%d}"
    return {
        "rapport_docx": f"rapport-cp-{jour}.docx",
        "rapport_pdf": f"rapport-cp-{jour}.pdf",
        "deliberation_docx": f"deliberation-cp-{jour}.docx",
        "deliberation_pdf": f"deliberation-cp-{jour}.pdf",
        "annexe_xlsx": f"annexe-financements-cp-{jour}.xlsx",
        "annexe_pdf": f"annexe-financements-cp-{jour}.pdf",
    }


ETAPES: list[tuple[str, str, Callable]] = [
    ("rapport_docx", "Rapport (Word)", rapport_docx),
    ("deliberation_docx", "Délibération (Word)", deliberation_docx),
    ("annexe_xlsx", "Annexe des financements (Excel)", annexe_xlsx),
    ("rapport_pdf", "Rapport (PDF)", rapport_pdf),
    ("deliberation_pdf", "Délibération (PDF)", deliberation_pdf),
    ("annexe_pdf", "Annexe des financements (PDF)", annexe_pdf),
]


def generer_documents(seance: SeanceCP, out_dir: Path, progression: Progression | None = None) -> list[Path]:
    """Les six documents de la séance dans `out_dir` (créé au besoin), dans l'ordre d'ETAPES."""
    signaler = progression or (lambda _pourcent, _etape: None)
    signaler(0, "Lecture des propositions inscrites")
    dossier = construire_dossier(seance)
    signaler(5, "Contrôles de cohérence")
    bloquantes = erreurs(controler(dossier))
    if bloquantes:
        raise DocumentsBloques(bloquantes)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    noms = noms_fichiers(dossier)
    chemins = []
    with tempfile.TemporaryDirectory(dir=out_dir, prefix=".generation-") as brouillon:
        _produire(dossier, Path(brouillon), noms, signaler)
        for cle, _libelle, _fabrique in ETAPES:
            destination = out_dir / noms[cle]
            shutil.move(Path(brouillon) / noms[cle], destination)
            chemins.append(destination)
    signaler(100, "Documents prêts")
    return chemins


def _produire(dossier: DossierCP, brouillon: Path, noms: dict[str, str], signaler: Progression) -> None:
    """Les documents dans l'ordre d'ETAPES ; le PDF de l'annexe converti en parallèle dès que le XLSX existe."""
    en_cours: conversion.Conversion | None = None
    try:
        for rang, (cle, libelle, fabrique) in enumerate(ETAPES):
            signaler(10 + rang * 90 // len(ETAPES), libelle)
            chemin = brouillon / noms[cle]
            if cle == "annexe_pdf" and en_cours is not None:
                conversion_reussie = en_cours.terminer()
                en_cours = None
                if not conversion_reussie:
                    annexe_pdf_weasyprint(dossier, chemin)
                continue
            fabrique(dossier, chemin)
            if cle == "annexe_xlsx":
                en_cours = conversion.lancer(chemin, brouillon / noms["annexe_pdf"])
    finally:
        if en_cours is not None:
            en_cours.abandonner()


__all__ = ["DocumentsBloques", "ETAPES", "generer_documents", "noms_fichiers"]
