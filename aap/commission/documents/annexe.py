"""L'annexe « détail des financements » : territoire → thématique → opération → structure, avec les
sous-totaux par opération, thématique et territoire et le total général, en XLSX (formules SOMME réelles,
format à deux décimales, en-tête figé, mise en page pour l'impression) et en PDF."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.page import PageMargins

from aap.commission.documents import rendu
from aap.commission.documents.common import chiffres, textes
from aap.commission.dossier import DossierCP


FORMAT_MONTANT = "#,##0.00"
COLONNE_MONTANT = 8
LARGEURS = [16, 30, 38, 34, 16, 50, 24, 18]
GRIS = {
    "operation": PatternFill("solid", fgColor="F3F5F8"),
    "thematique": PatternFill("solid", fgColor="E4E9F0"),
    "territoire": PatternFill("solid", fgColor="D3DCE8"),
    "general": PatternFill("solid", fgColor="B9C7DA"),
}


@dataclass(frozen=True)
class LigneTableau:
    """Une ligne de l'annexe : une structure (« ligne ») ou un sous-total (« operation », « thematique »,
    « territoire », « general »)."""

    nature: str
    cellules: tuple[str, ...]
    montant: Decimal
    #: Pour un sous-total : les indices (dans la liste) des lignes qu'il additionne.
    composantes: tuple[int, ...] = ()


def lignes_tableau(dossier: DossierCP) -> list[LigneTableau]:
    t = textes()["annexe_repartition"]
    resultat: list[LigneTableau] = []
    territoires = []
    for territoire in dossier.territoires:
        thematiques = []
        for thematique in territoire.thematiques:
            operations = []
            nom_thematique = f"Thématique {thematique.numero} – {thematique.libelle}"
            for operation in thematique.operations:
                debut = len(resultat)
                nom_operation = f"Opération {operation.numero} : {operation.titre} ({operation.code})"
                for ligne in operation.lignes:
                    resultat.append(
                        LigneTableau(
                            "ligne",
                            (
                                territoire.nom,
                                nom_thematique,
                                nom_operation,
                                ligne.structure,
                                ligne.siret,
                                ligne.description,
                                ligne.reference_convention,
                            ),
                            ligne.montant,
                        )
                    )
                libelle = t["total_operation"].format(numero=operation.numero, titre=operation.titre)
                resultat.append(
                    LigneTableau(
                        "operation",
                        (territoire.nom, nom_thematique, libelle),
                        operation.montant,
                        tuple(range(debut, len(resultat))),
                    )
                )
                operations.append(len(resultat) - 1)
            resultat.append(
                LigneTableau(
                    "thematique",
                    (territoire.nom, t["total_thematique"].format(numero=thematique.numero)),
                    thematique.montant,
                    tuple(operations),
                )
            )
            thematiques.append(len(resultat) - 1)
        resultat.append(
            LigneTableau(
                "territoire",
                (t["total_territoire"].format(territoire=territoire.nom.upper()),),
                territoire.montant,
                tuple(thematiques),
            )
        )
        territoires.append(len(resultat) - 1)
    resultat.append(LigneTableau("general", (t["total_general"],), dossier.total_general, tuple(territoires)))
    return resultat


def titre(dossier: DossierCP) -> str:
    return textes()["annexe_repartition"]["titre"].format(
        annexe=dossier.annexe_repartition, annee=dossier.annee, phase=dossier.phase
    )


def annexe_xlsx(dossier: DossierCP, chemin: Path) -> Path:
    classeur = Workbook()
    feuille = classeur.active
    feuille.title = "Détail des financements"
    feuille.append([titre(dossier)])
    feuille["A1"].font = Font(bold=True, size=12)
    feuille.append(textes()["annexe_repartition"]["colonnes"])
    for cellule in feuille[2]:
        cellule.font = Font(bold=True)
        cellule.fill = PatternFill("solid", fgColor="1D4E89")
        cellule.font = Font(bold=True, color="FFFFFF")
        cellule.alignment = Alignment(wrap_text=True, vertical="center")
    premiere = 3
    lettre = get_column_letter(COLONNE_MONTANT)
    for index, ligne in enumerate(lignes_tableau(dossier)):
        numero = premiere + index
        cellules = list(ligne.cellules) + [""] * (COLONNE_MONTANT - 1 - len(ligne.cellules))
        if ligne.nature == "ligne":
            valeur: object = ligne.montant
        elif ligne.nature == "operation":
            valeur = f"=SUM({lettre}{premiere + ligne.composantes[0]}:{lettre}{premiere + ligne.composantes[-1]})"
        else:
            valeur = "=" + "+".join(f"{lettre}{premiere + i}" for i in ligne.composantes) if ligne.composantes else 0
        feuille.append([*cellules, valeur])
        cellule = feuille.cell(row=numero, column=COLONNE_MONTANT)
        cellule.number_format = FORMAT_MONTANT
        if ligne.nature != "ligne":
            for c in feuille[numero]:
                c.font = Font(bold=True)
                c.fill = GRIS[ligne.nature]
    for i, largeur in enumerate(LARGEURS, start=1):
        feuille.column_dimensions[get_column_letter(i)].width = largeur
    feuille.freeze_panes = "A3"
    feuille.auto_filter.ref = f"A2:{lettre}{feuille.max_row}"
    feuille.print_title_rows = "2:2"
    feuille.page_setup.orientation = "landscape"
    feuille.page_setup.paperSize = feuille.PAPERSIZE_A4
    feuille.page_setup.fitToWidth = 1
    feuille.page_setup.fitToHeight = 0
    feuille.sheet_properties.pageSetUpPr.fitToPage = True
    feuille.page_margins = PageMargins(left=0.4, right=0.4, top=0.6, bottom=0.6)
    feuille.oddFooter.center.text = "Page &P sur &N"
    feuille.oddHeader.center.text = titre(dossier)
    classeur.save(chemin)
    return chemin


def annexe_pdf(dossier: DossierCP, chemin: Path) -> Path:
    lignes = [
        {"nature": ligne.nature, "cellules": ligne.cellules, "montant": chiffres(ligne.montant)}
        for ligne in lignes_tableau(dossier)
    ]
    contexte = {
        "dossier": dossier,
        "titre": titre(dossier),
        "colonnes": textes()["annexe_repartition"]["colonnes"],
        "lignes": lignes,
    }
    return rendu.pdf("annexe", contexte, chemin)
