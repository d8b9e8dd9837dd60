"""L'annexe « détail des financements », tableau croisé comme l'annexe 6 de la CP du 26/05/2026 : le territoire,
la thématique et l'opération en titres de groupe (une fois chacun), puis une ligne par structure (structure,
SIRET, compléments d'information, convention ou avenant, montant), et les sous-totaux « Total opération … »,
« Total thématique … », « Total <TERRITOIRE> » et le « Total général ».

- XLSX : formules SOMME réelles, format à deux décimales, en-tête figé ; mise en page d'impression (paysage,
  ajusté à la largeur, ligne d'en-tête répétée, hauteurs de ligne calculées pour le texte renvoyé à la ligne).
- PDF : ce même classeur converti par LibreOffice (`conversion`, voir docs/adr/0002-annexe-pdf-libreoffice.md) ;
  sans LibreOffice, le gabarit `commission/pdf/annexe.html` rendu par WeasyPrint.
"""

from __future__ import annotations

import math
import tempfile
import textwrap
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.merge import MergedCellRange
from openpyxl.worksheet.page import PageMargins

from aap.commission.documents import conversion, rendu
from aap.commission.documents.common import chiffres, date_courte, textes
from aap.commission.dossier import DossierCP


FORMAT_MONTANT = "#,##0.00"
#: Colonnes : A structure, B SIRET, C compléments d'information, D convention / avenant, E montant retenu.
COLONNE_MONTANT = 5
#: Largeurs (en caractères) : 146 au total, la largeur utile d'une page A4 paysage (échelle proche de 100 %).
LARGEURS = [40, 16, 54, 20, 16]
PREMIERE_LIGNE = 3
POLICE = "Arial"
TAILLE = 9
#: Hauteur d'une ligne de texte en Arial 9 (points). Caractères par ligne ≈ largeur × 1,35 : mesuré sur le PDF
#: de LibreOffice et un peu en deçà (Excel renvoie à la ligne plus tôt), une ligne trop haute ne coupe rien.
INTERLIGNE = 11.5
CARACTERES_PAR_LARGEUR = 1.35
TITRES = ("territoire", "thematique", "operation")
TOTAUX = ("total_operation", "total_thematique", "total_territoire", "total_general")
#: Fonds des titres et des sous-totaux (mêmes teintes en XLSX et dans le gabarit HTML).
TEINTES = {
    "territoire": "1D4E89",
    "thematique": "D3DCE8",
    "operation": "EEF1F5",
    "total_operation": "F3F5F8",
    "total_thematique": "E4E9F0",
    "total_territoire": "D3DCE8",
    "total_general": "B9C7DA",
}
RETRAIT = {"thematique": 1, "operation": 2, "total_operation": 2, "total_thematique": 1}


@dataclass(frozen=True)
class LigneTableau:
    """Une ligne de l'annexe : un titre de groupe (« territoire », « thematique », « operation »), une structure
    (« ligne ») ou un sous-total (« total_operation », « total_thematique », « total_territoire »,
    « total_general »)."""

    nature: str
    cellules: tuple[str, ...]
    #: Aucun pour un titre de groupe.
    montant: Decimal | None = None
    #: Pour un sous-total : les indices (dans la liste) des lignes qu'il additionne.
    composantes: tuple[int, ...] = ()

    @property
    def est_titre(self) -> bool:
        return self.nature in TITRES

    @property
    def est_total(self) -> bool:
        return self.nature in TOTAUX

    @property
    def libelle(self) -> str:
        return self.cellules[0]


def lignes_tableau(dossier: DossierCP) -> list[LigneTableau]:
    """Les lignes de l'annexe dans l'ordre : territoire → thématique → opération → structures, sous-totaux."""
    t = textes()["annexe_repartition"]
    resultat: list[LigneTableau] = []
    territoires = []
    for territoire in dossier.territoires:
        nom = territoire.nom.upper()
        resultat.append(LigneTableau("territoire", (t["territoire"].format(territoire=nom),)))
        thematiques = []
        for thematique in territoire.thematiques:
            valeurs = {"numero": thematique.numero, "libelle": thematique.libelle}
            resultat.append(LigneTableau("thematique", (t["thematique"].format(**valeurs),)))
            operations = []
            for operation in thematique.operations:
                intitule = t["operation"].format(numero=operation.numero, titre=operation.titre, code=operation.code)
                resultat.append(LigneTableau("operation", (intitule,)))
                debut = len(resultat)
                for ligne in operation.lignes:
                    cellules = (ligne.structure, ligne.siret, ligne.description, ligne.reference_convention)
                    resultat.append(LigneTableau("ligne", cellules, ligne.montant))
                libelle = t["total_operation"].format(numero=operation.numero, titre=operation.titre)
                composantes = tuple(range(debut, len(resultat)))
                resultat.append(LigneTableau("total_operation", (libelle,), operation.montant, composantes))
                operations.append(len(resultat) - 1)
            libelle = t["total_thematique"].format(**valeurs)
            resultat.append(LigneTableau("total_thematique", (libelle,), thematique.montant, tuple(operations)))
            thematiques.append(len(resultat) - 1)
        libelle = t["total_territoire"].format(territoire=nom)
        resultat.append(LigneTableau("total_territoire", (libelle,), territoire.montant, tuple(thematiques)))
        territoires.append(len(resultat) - 1)
    resultat.append(LigneTableau("total_general", (t["total_general"],), dossier.total_general, tuple(territoires)))
    return resultat


def titre(dossier: DossierCP) -> str:
    return textes()["annexe_repartition"]["titre"].format(
        annexe=dossier.annexe_repartition, annee=dossier.annee, phase=dossier.phase
    )


def _formule(ligne: LigneTableau, lettre: str) -> str | int:
    """« =SUM(E5:E9) » pour une opération (structures contiguës), « =E10+E17 » au-dessus."""
    if not ligne.composantes:
        return 0
    if ligne.nature == "total_operation":
        premiere, derniere = ligne.composantes[0], ligne.composantes[-1]
        return f"=SUM({lettre}{PREMIERE_LIGNE + premiere}:{lettre}{PREMIERE_LIGNE + derniere})"
    return "=" + "+".join(f"{lettre}{PREMIERE_LIGNE + i}" for i in ligne.composantes)


def _nb_lignes(texte: str, largeur: float) -> int:
    """Lignes occupées par `texte` renvoyé à la ligne dans une colonne de `largeur` caractères (estimation)."""
    caracteres = max(1, math.floor(largeur * CARACTERES_PAR_LARGEUR))
    if len(texte) <= caracteres:
        return 1
    return max(1, len(textwrap.wrap(texte, width=caracteres)))


def _hauteur(lignes: int) -> float:
    return round(lignes * INTERLIGNE + 1.5, 1)


def _styles(classeur: Workbook) -> None:
    """Styles nommés de l'annexe : un par sorte de cellule, affectés d'un coup (bien plus rapide qu'attribut par
    attribut sur 5 000 cellules)."""
    trait = Border(bottom=Side(style="hair", color="C5CBD3"))
    police = Font(name=POLICE, size=TAILLE)
    styles = [
        NamedStyle("annexe_entete", Font(name=POLICE, size=TAILLE, bold=True, color="FFFFFF"),
                   PatternFill("solid", fgColor="1D4E89"), alignment=Alignment(wrap_text=True, vertical="center")),
        NamedStyle("annexe_texte", police, border=trait, alignment=Alignment(wrap_text=True, vertical="top")),
        NamedStyle("annexe_montant", police, border=trait, alignment=Alignment(horizontal="right", vertical="top"),
                   number_format=FORMAT_MONTANT),
    ]  # fmt: skip
    for nature, teinte in TEINTES.items():
        gras = Font(name=POLICE, size=TAILLE, bold=True, color="FFFFFF" if nature == "territoire" else "1C1F24")
        fond = PatternFill("solid", fgColor=teinte)
        alignement = Alignment(wrap_text=True, vertical="top", indent=RETRAIT.get(nature, 0))
        styles.append(NamedStyle(f"annexe_{nature}", gras, fond, alignment=alignement))
        droite = Alignment(horizontal="right", vertical="top")
        styles.append(
            NamedStyle(f"annexe_{nature}_montant", gras, fond, alignment=droite, number_format=FORMAT_MONTANT)
        )
    for style in styles:
        classeur.add_named_style(style)


def annexe_xlsx(dossier: DossierCP, chemin: Path) -> Path:
    """L'annexe en classeur Excel : une feuille, formules de sous-totaux, prête à imprimer."""
    t = textes()["annexe_repartition"]
    classeur = Workbook()
    _styles(classeur)
    feuille = classeur.active
    feuille.title = "Détail des financements"
    feuille.append([titre(dossier)])
    feuille["A1"].font = Font(name=POLICE, bold=True, size=12, color="143A67")
    feuille.merge_cells(start_row=1, start_column=1, end_row=1, end_column=COLONNE_MONTANT)
    feuille.row_dimensions[1].height = 20
    feuille.append(t["colonnes"])
    for colonne in range(1, COLONNE_MONTANT + 1):
        feuille.cell(row=2, column=colonne).style = "annexe_entete"
    feuille.cell(row=2, column=COLONNE_MONTANT).alignment = Alignment(
        horizontal="right", vertical="center", wrap_text=True
    )
    feuille.row_dimensions[2].height = _hauteur(2)
    lettre = get_column_letter(COLONNE_MONTANT)
    largeur_titre = sum(LARGEURS) - 2
    largeur_total = sum(LARGEURS[: COLONNE_MONTANT - 1]) - 2
    for index, ligne in enumerate(lignes_tableau(dossier)):
        numero = PREMIERE_LIGNE + index
        if ligne.nature == "ligne":
            feuille.append([*ligne.cellules, ligne.montant])
            for colonne in range(1, COLONNE_MONTANT):
                feuille.cell(row=numero, column=colonne).style = "annexe_texte"
            feuille.cell(row=numero, column=COLONNE_MONTANT).style = "annexe_montant"
            hauteur = max(_nb_lignes(texte, largeur) for texte, largeur in zip(ligne.cellules, LARGEURS, strict=False))
        else:
            # Le libellé occupe les colonnes fusionnées A:D (titre : A:E), le montant du sous-total en E.
            valeur = None if ligne.est_titre else _formule(ligne, lettre)
            feuille.append([ligne.libelle, None, None, None, valeur])
            for colonne in range(1, COLONNE_MONTANT):
                feuille.cell(row=numero, column=colonne).style = f"annexe_{ligne.nature}"
            feuille.cell(row=numero, column=COLONNE_MONTANT).style = f"annexe_{ligne.nature}_montant"
            fin = get_column_letter(COLONNE_MONTANT if ligne.est_titre else COLONNE_MONTANT - 1)
            # Fusion déclarée directement : `merge_cells` d'openpyxl reformate chaque cellule fusionnée (0,5 s
            # pour 1 000 lignes) ; les cellules voisines ont déjà le style de la ligne.
            feuille.merged_cells.add(MergedCellRange(feuille, f"A{numero}:{fin}{numero}"))
            hauteur = _nb_lignes(ligne.libelle, largeur_titre if ligne.est_titre else largeur_total)
        feuille.row_dimensions[numero].height = _hauteur(hauteur)
    for i, largeur in enumerate(LARGEURS, start=1):
        feuille.column_dimensions[get_column_letter(i)].width = largeur
    feuille.freeze_panes = f"A{PREMIERE_LIGNE}"
    _mise_en_page(feuille, dossier)
    classeur.save(chemin)
    return chemin


def _mise_en_page(feuille, dossier: DossierCP) -> None:  # noqa: ANN001 - Worksheet d'openpyxl
    """A4 paysage ajusté à la largeur, ligne d'en-tête répétée, en-tête et pied comme les PDF de WeasyPrint."""
    feuille.print_title_rows = "2:2"
    feuille.page_setup.orientation = "landscape"
    feuille.page_setup.paperSize = feuille.PAPERSIZE_A4
    feuille.page_setup.fitToWidth = 1
    feuille.page_setup.fitToHeight = 0
    feuille.sheet_properties.pageSetUpPr.fitToPage = True
    feuille.print_options.horizontalCentered = True
    feuille.page_margins = PageMargins(left=0.4, right=0.4, top=0.7, bottom=0.7, header=0.3, footer=0.3)
    for partie, texte in (
        (feuille.oddHeader.left, "Département du Pas-de-Calais · Politiques d'inclusion durable"),
        (feuille.oddHeader.right, f"Commission permanente du {date_courte(dossier.date)}"),
        (feuille.oddFooter.left, f"Délibération n° {dossier.numero_deliberation or '……'}"),
        (feuille.oddFooter.right, "Page &P sur &N"),
    ):
        partie.text = texte
        partie.size = 8
        partie.color = "4D5561"


def annexe_pdf(dossier: DossierCP, chemin: Path) -> Path:
    """L'annexe en PDF : le classeur converti par LibreOffice, ou, à défaut, le gabarit HTML par WeasyPrint."""
    with tempfile.TemporaryDirectory(prefix="aap-annexe-") as travail:
        xlsx = annexe_xlsx(dossier, Path(travail) / f"{Path(chemin).stem}.xlsx")
        if conversion.convertir(xlsx, Path(chemin)):
            return Path(chemin)
    return annexe_pdf_weasyprint(dossier, chemin)


def annexe_pdf_weasyprint(dossier: DossierCP, chemin: Path) -> Path:
    """Le gabarit HTML de l'annexe rendu par WeasyPrint (sans LibreOffice ; 4 à 5 s pour 1 000 lignes)."""
    lignes = [
        {
            "nature": ligne.nature,
            "cellules": ligne.cellules,
            "montant": "" if ligne.montant is None else chiffres(ligne.montant),
        }
        for ligne in lignes_tableau(dossier)
    ]
    contexte = {
        "dossier": dossier,
        "titre": titre(dossier),
        "colonnes": textes()["annexe_repartition"]["colonnes"],
        "lignes": lignes,
    }
    return rendu.pdf("annexe", contexte, chemin)
