"""Briques communes des scripts qui construisent les modèles Word livrés (docxtpl) : document A4 au style de
base, paragraphe, tableau dont une ligne est répétée par docxtpl (`{%tr for %}`).

Utilisé à la construction des modèles seulement (`aap/commission/modeles/construire.py`,
`aap/conventions/modeles/construire.py`), jamais au rendu."""

from __future__ import annotations

from collections.abc import Callable

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Pt


ALIGNEMENTS = {
    "gauche": None,
    "centre": WD_ALIGN_PARAGRAPH.CENTER,
    "droite": WD_ALIGN_PARAGRAPH.RIGHT,
    "justifie": WD_ALIGN_PARAGRAPH.JUSTIFY,
}


def document_a4(*, marge_cote: float, marge_haut: float) -> Document:
    """Un document A4 portrait, marges en centimètres, texte courant en Arial 10 pt."""
    doc = Document()
    section = doc.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21)
    section.left_margin = section.right_margin = Cm(marge_cote)
    section.top_margin = section.bottom_margin = Cm(marge_haut)
    style = doc.styles["Normal"]
    style.font.name = "Arial"
    style.font.size = Pt(10)
    style.paragraph_format.space_after = Pt(4)
    return doc


def paragraphe(doc, texte: str = "", *, gras: bool = False, taille: int | None = None, alignement: str = "gauche"):  # noqa: ANN001, ANN201
    """Ajoute un paragraphe d'un seul segment ; `alignement` : gauche, centre, droite ou justifie."""
    p = doc.add_paragraph()
    run = p.add_run(texte)
    run.bold = gras
    if taille:
        run.font.size = Pt(taille)
    if ALIGNEMENTS[alignement] is not None:
        p.alignment = ALIGNEMENTS[alignement]
    return p


def tableau_boucle(
    doc,  # noqa: ANN001
    entetes: list[str],
    cellules: list[str],
    boucle: str,
    *,
    totaux: list[str] | None = None,
    a_droite: Callable[[int, str], bool] = lambda _i, _texte: False,
) -> None:
    """En-tête en gras, une ligne répétée par docxtpl pour chaque `li` de `boucle`, une ligne de totaux facultative.
    `a_droite(i, texte)` dit quelles cellules de la ligne répétée s'alignent à droite (montants)."""
    table = doc.add_table(rows=4, cols=len(entetes))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for i, texte in enumerate(entetes):
        cellule = table.rows[0].cells[i]
        cellule.text = ""
        cellule.paragraphs[0].add_run(texte).bold = True
    table.rows[1].cells[0].text = f"{{%tr for li in {boucle} %}}"
    for i, texte in enumerate(cellules):
        table.rows[2].cells[i].text = texte
        if a_droite(i, texte):
            table.rows[2].cells[i].paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
    table.rows[3].cells[0].text = "{%tr endfor %}"
    if totaux:
        ligne_total = table.add_row()
        for i, texte in enumerate(totaux):
            cellule = ligne_total.cells[i]
            cellule.text = ""
            cellule.paragraphs[0].add_run(texte).bold = True
    doc.add_paragraph()
