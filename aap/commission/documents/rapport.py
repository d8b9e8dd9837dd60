"""Le rapport du Président à la Commission permanente (DOCX modifiable et PDF)."""

from __future__ import annotations

from pathlib import Path

from aap.commission.documents import rendu
from aap.commission.documents.contexte import contexte
from aap.commission.dossier import DossierCP


def rapport_docx(dossier: DossierCP, chemin: Path) -> Path:
    return rendu.docx("rapport", contexte(dossier), chemin)


def rapport_pdf(dossier: DossierCP, chemin: Path) -> Path:
    return rendu.pdf("rapport", contexte(dossier), chemin)
