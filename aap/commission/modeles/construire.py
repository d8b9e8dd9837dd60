"""Construit les modèles Word (docxtpl) du rapport et de la délibération : `rapport.docx`, `deliberation.docx`.

Les .docx sont versionnés et modifiables dans Word ou LibreOffice (styles, polices, marges) tant que les balises
Jinja (`{{ … }}`, `{%p for … %}`, `{%tr for … %}`) restent intactes. Pour les reconstruire :

    uv run python -m aap.commission.modeles.construire
"""

from __future__ import annotations

from pathlib import Path

from docx import Document

from aap.documents.word import document_a4, paragraphe, tableau_boucle


ICI = Path(__file__).resolve().parent


def _document() -> Document:
    return document_a4(marge_cote=2, marge_haut=1.8)


def _p(doc, texte: str, *, gras: bool = False, centre: bool = False, taille: int | None = None):  # noqa: ANN001, ANN202
    return paragraphe(doc, texte, gras=gras, taille=taille, alignement="centre" if centre else "gauche")


def _boucle(doc, debut: str, corps: str, fin: str = "{%p endfor %}", **options) -> None:  # noqa: ANN001, ANN003
    doc.add_paragraph(debut)
    _p(doc, corps, **options)
    doc.add_paragraph(fin)


def _montant(i: int, texte: str, nombre: int) -> bool:
    return i >= nombre - 4 and "{{" in texte and ("ae" in texte or "depense" in texte or "solde" in texte)


def _tableau(doc, entetes: list[str], cellules: list[str], boucle: str, totaux: list[str]) -> None:  # noqa: ANN001
    """Tableau : en-tête, une ligne répétée par docxtpl (`{%tr for %}`), une ligne de total."""
    tableau_boucle(
        doc, entetes, cellules, boucle, totaux=totaux, a_droite=lambda i, texte: _montant(i, texte, len(cellules))
    )


def deliberation() -> Document:
    doc = _document()
    _p(doc, "{{ institution }}", gras=True, centre=True)
    _p(doc, "{{ organe }}", gras=True, centre=True)
    _p(doc, "{{ reunion }}", centre=True)
    _p(doc, "{{ presidence }}", centre=True)
    _p(doc, "{{ secretaire }}")
    _boucle(doc, "{%p for ligne in presences %}", "{{ ligne }}")
    _p(doc, "{{ titre }}", gras=True, centre=True, taille=12)
    _p(doc, "{{ numero_deliberation }}", centre=True)
    _p(doc, "{{ preambule }}")
    _boucle(doc, "{%p for visa in visas %}", "{{ visa }}")
    _boucle(doc, "{%p for phrase in interesses %}", "{{ phrase }}")
    _p(doc, "{{ decide[0] }}")
    _p(doc, "{{ decide[1] }}", gras=True)
    doc.add_paragraph("{%p for article in articles %}")
    _p(doc, "{{ article.titre }}", gras=True)
    _p(doc, "{{ article.texte }}")
    doc.add_paragraph("{%p endfor %}")
    _tableau(
        doc,
        ["Code opération", "Imputation budgétaire", "Libellé opération", "AE €", "Dépense €"],
        ["{{ li.code }}", "{{ li.imputation }}", "{{ li.libelle }}", "{{ li.ae }}", "{{ li.depense }}"],
        "imputation",
        ["Total", "", "", "{{ total_ae }}", "{{ total_depense }}"],
    )
    _boucle(doc, "{%p for ligne in vote %}", "{{ ligne }}")
    _p(doc, "{{ signature_president }}", gras=True)
    _p(doc, "{{ lieu_date }}")
    _p(doc, "{{ delegation }}")
    return doc


def rapport() -> Document:
    doc = _document()
    _p(doc, "{{ institution }}", gras=True)
    _boucle(doc, "{%p for ligne in r.entete %}", "{{ ligne }}")
    _p(doc, "{{ numero_rapport }}", gras=True, taille=12)
    _boucle(doc, "{%p for ligne in r.perimetre %}", "{{ ligne }}")
    _p(doc, "{{ t.commission }}", gras=True, centre=True)
    _p(doc, "{{ reunion }}", centre=True)
    _p(doc, "{{ titre }}", gras=True, centre=True, taille=12)
    _p(doc, "{{ r.contexte_titre }}", gras=True)
    _boucle(doc, "{%p for paragraphe in r.contexte %}", "{{ paragraphe }}")
    _p(doc, "{{ phase_titre }}", gras=True)
    _p(doc, "{{ phase_introduction }}")
    doc.add_paragraph("{%p for th in thematiques %}")
    _p(doc, "{{ th.titre }} :", gras=True)
    _p(doc, "{{ th.phrase }}")
    doc.add_paragraph("{%p endfor %}")
    _p(doc, "{{ r.proposition_titre }}", gras=True)
    _p(doc, "{{ r.statuer }}")
    _boucle(doc, "{%p for puce in puces %}", "– {{ puce }}")
    _p(doc, "{{ r.imputation }}")
    _tableau(
        doc,
        ["Code opération", "Imputation", "Libellé", "AE €", "Disponible €", "Proposition €", "Solde €"],
        [
            "{{ li.code }}",
            "{{ li.imputation }}",
            "{{ li.libelle }}",
            "{{ li.ae }}",
            "{{ li.disponible }}",
            "{{ li.depense }}",
            "{{ li.solde }}",
        ],
        "imputation",
        ["Total", "", "", "{{ total_ae }}", "{{ total_disponible }}", "{{ total_depense }}", "{{ total_solde }}"],
    )
    _boucle(doc, "{%p for phrase in avis %}", "{{ phrase }}")
    _p(doc, "{{ r.deliberer }}")
    _p(doc, "{{ signataire }}", gras=True)
    _p(doc, "{{ r.signe }}")
    doc.add_page_break()
    _p(doc, "{{ annexe_dispositifs_titre }}", gras=True, taille=12)
    table = doc.add_table(rows=4, cols=4)
    table.style = "Table Grid"
    for i, texte in enumerate(["Dispositif", "Intitulé", "Période de réalisation", "Bilan"]):
        table.rows[0].cells[i].text = ""
        table.rows[0].cells[i].paragraphs[0].add_run(texte).bold = True
    table.rows[1].cells[0].text = "{%tr for d in dispositifs %}"
    for i, texte in enumerate(["{{ d.code }}", "{{ d.titre }}", "{{ d.periode }}", "{{ d.bilan }}"]):
        table.rows[2].cells[i].text = texte
    table.rows[3].cells[0].text = "{%tr endfor %}"
    doc.add_paragraph("{%p for th in thematiques %}")
    _p(doc, "{{ th.annexe_titre }}", gras=True, taille=12)
    _p(doc, "{{ th.annexe_introduction }}")
    doc.add_paragraph("{%p for op in th.operations %}")
    _p(doc, "{{ op.intitule }}", gras=True)
    _p(doc, "{{ op.paragraphe }}")
    doc.add_paragraph("{%p endfor %}")
    doc.add_paragraph("{%p endfor %}")
    return doc


def construire(dossier: Path = ICI) -> list[Path]:
    chemins = []
    for nom, fabrique in (("rapport", rapport), ("deliberation", deliberation)):
        chemin = dossier / f"{nom}.docx"
        fabrique().save(chemin)
        chemins.append(chemin)
    return chemins


if __name__ == "__main__":
    for chemin in construire():
        print(chemin)
