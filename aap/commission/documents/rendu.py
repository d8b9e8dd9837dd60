"""Rendu DOCX (docxtpl, modèles de `aap/commission/modeles/`) et PDF (WeasyPrint, gabarits
`commission/pdf/*.html`) d'un document de la CP, à partir du contexte commun."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from docxtpl import DocxTemplate

from aap.documents.pdf import base_url, render_html


MODELES = Path(__file__).resolve().parent.parent / "modeles"


def docx(modele: str, contexte: dict[str, Any], chemin: Path) -> Path:
    gabarit = DocxTemplate(MODELES / f"{modele}.docx")
    gabarit.render(contexte, autoescape=True)
    gabarit.save(chemin)
    return chemin


def pdf(gabarit: str, contexte: dict[str, Any], chemin: Path) -> Path:
    from weasyprint import HTML  # import tardif : WeasyPrint charge Pango au premier appel

    HTML(string=render_html(f"commission/pdf/{gabarit}.html", contexte), base_url=base_url()).write_pdf(chemin)
    return chemin
