"""La délibération de la Commission permanente (DOCX modifiable et PDF)."""

from __future__ import annotations

from pathlib import Path

from aap.commission.documents import rendu
from aap.commission.documents.contexte import contexte
from aap.commission.dossier import DossierCP


def deliberation_docx(dossier: DossierCP, chemin: Path) -> Path:
    return rendu.docx("deliberation", contexte(dossier), chemin)


def deliberation_pdf(dossier: DossierCP, chemin: Path) -> Path:
    return rendu.pdf("deliberation", contexte(dossier), chemin)
