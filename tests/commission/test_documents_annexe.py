"""L'annexe « détail des financements » relue : tableau croisé (territoire, thématique, opération en titres de
groupe, une ligne par structure, sous-totaux), en XLSX (formules évaluées au centime) et en PDF, que le PDF
vienne de LibreOffice (classeur converti) ou de WeasyPrint (sans LibreOffice, ou s'il échoue)."""

from __future__ import annotations

import dataclasses
import re
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook

from aap.commission.documents import conversion
from aap.commission.documents.annexe import (
    COLONNE_MONTANT,
    annexe_pdf,
    annexe_pdf_weasyprint,
    annexe_xlsx,
    lignes_tableau,
)
from aap.commission.documents.common import chiffres, normaliser
from aap.commission.dossier import construire_dossier
from aap.commission.generation import generer_documents
from tests.commission.cp_fabrique import seance_garnie
from tests.commission.factories import EluFactory


LIBREOFFICE = pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice absent")
M = "E"  # la colonne des montants (COLONNE_MONTANT = 5)

#: L'annexe attendue de `seance_garnie()` : (nature, libellé ou structure, montant), dans l'ordre.
ATTENDU = [
    ("territoire", "ARRAGEOIS", None),
    ("thematique", "Thématique 1 : Parcours accompagnement RSA", None),
    ("operation", "Opération 1 : Dynamisation des parcours (dispositif 1.1)", None),
    ("ligne", "Association Alpha", "245637.60"),
    ("total_operation", "Total opération 1 : Dynamisation des parcours", "245637.60"),
    ("operation", "Opération 2 : Accompagnement intensif (dispositif 1.3)", None),
    ("ligne", "Association Alpha", "100000.05"),
    ("total_operation", "Total opération 2 : Accompagnement intensif", "100000.05"),
    ("total_thematique", "Total thématique 1 : Parcours accompagnement RSA", "345637.65"),
    ("total_territoire", "Total ARRAGEOIS", "345637.65"),
    ("territoire", "CALAISIS", None),
    ("thematique", "Thématique 1 : Parcours accompagnement RSA", None),
    ("operation", "Opération 1 : Dynamisation des parcours (dispositif 1.1)", None),
    ("ligne", "Bêta Insertion", "245637.60"),
    ("total_operation", "Total opération 1 : Dynamisation des parcours", "245637.60"),
    ("operation", "Opération 2 : Accompagnement intensif (dispositif 1.3)", None),
    ("ligne", "Centre Gamma", "0.00"),
    ("total_operation", "Total opération 2 : Accompagnement intensif", "0.00"),
    ("total_thematique", "Total thématique 1 : Parcours accompagnement RSA", "245637.60"),
    ("thematique", "Thématique 5 : Contreparties FSE", None),
    ("operation", "Opération 1 : Aide à l'encadrement dans les ACI (dispositif 5.5)", None),
    ("ligne", "Bêta Insertion", "27000.00"),
    ("total_operation", "Total opération 1 : Aide à l'encadrement dans les ACI", "27000.00"),
    ("total_thematique", "Total thématique 5 : Contreparties FSE", "27000.00"),
    ("total_territoire", "Total CALAISIS", "272637.60"),
    ("territoire", "LENS-LIÉVIN", None),
    ("thematique", "Thématique 1 : Parcours accompagnement RSA", None),
    ("operation", "Opération 2 : Accompagnement intensif (dispositif 1.3)", None),
    ("ligne", "Association Alpha", "50000.00"),
    ("total_operation", "Total opération 2 : Accompagnement intensif", "50000.00"),
    ("total_thematique", "Total thématique 1 : Parcours accompagnement RSA", "50000.00"),
    ("thematique", "Thématique 5 : Contreparties FSE", None),
    ("operation", "Opération 1 : Aide à l'encadrement dans les ACI (dispositif 5.5)", None),
    ("ligne", "Centre Gamma", "6000.00"),
    ("total_operation", "Total opération 1 : Aide à l'encadrement dans les ACI", "6000.00"),
    ("total_thematique", "Total thématique 5 : Contreparties FSE", "6000.00"),
    ("total_territoire", "Total LENS-LIÉVIN", "56000.00"),
    ("total_general", "Total général", "674275.25"),
]
COLONNES = ["Structure", "SIRET", "Compléments d'information", "Convention / avenant", "Montant retenu (€)"]


def evaluer(feuille, cellule: str) -> Decimal:
    """Valeur d'une cellule : nombre, =SUM(E3:E7) ou =E8+E12 (les formules que l'annexe écrit)."""
    valeur = feuille[cellule].value
    if not isinstance(valeur, str):
        return Decimal(str(valeur))
    if m := re.fullmatch(r"=SUM\(([A-Z]+)(\d+):([A-Z]+)(\d+)\)", valeur):
        return sum((evaluer(feuille, f"{m[1]}{i}") for i in range(int(m[2]), int(m[4]) + 1)), Decimal(0))
    assert re.fullmatch(r"=[A-Z]+\d+(\+[A-Z]+\d+)*", valeur), valeur
    return sum((evaluer(feuille, ref) for ref in valeur[1:].split("+")), Decimal(0))


def lignes_pdf(chemin: Path) -> list[str]:
    """Les lignes visuelles du PDF (pdftotext -layout), espaces ramenés à un seul."""
    sortie = subprocess.run(["pdftotext", "-layout", str(chemin), "-"], check=True, capture_output=True, text=True)
    lignes = (re.sub(r"\s+", " ", normaliser(ligne)).strip() for ligne in sortie.stdout.splitlines())
    return [ligne for ligne in lignes if ligne]


def pages_pdf(chemin: Path) -> list[str]:
    sortie = subprocess.run(["pdftotext", "-layout", str(chemin), "-"], check=True, capture_output=True, text=True)
    return [re.sub(r"\s+", " ", normaliser(page)) for page in sortie.stdout.split("\f") if page.strip()]


def producteur(chemin: Path) -> str:
    sortie = subprocess.run(["pdfinfo", str(chemin)], check=True, capture_output=True, text=True).stdout
    return next(ligne for ligne in sortie.splitlines() if ligne.startswith("Producer:"))


@pytest.fixture
def dossier():
    EluFactory(est_president=True)
    return construire_dossier(seance_garnie())


def test_lignes_du_tableau_croise(dossier):
    assert COLONNE_MONTANT == 5
    lignes = lignes_tableau(dossier)
    assert [(li.nature, li.libelle, None if li.montant is None else str(li.montant)) for li in lignes] == ATTENDU
    structures = [li for li in lignes if li.nature == "ligne"]
    assert [li.cellules for li in structures] == [
        (r.structure, r.siret, r.description, r.reference_convention) for r in dossier.lignes
    ]
    for ligne in lignes:
        assert ligne.est_titre == (ligne.montant is None) and ligne.est_total == bool(ligne.composantes)
        if ligne.est_total:
            assert sum((lignes[i].montant for i in ligne.composantes), Decimal(0)) == ligne.montant


def test_annexe_xlsx_groupee_formules_egales_au_dossier(dossier, tmp_path):
    feuille = load_workbook(annexe_xlsx(dossier, tmp_path / "annexe.xlsx")).active
    assert feuille["A1"].value == "Annexe 4 : détail des financements – appels à projets DPID 2026 – Phase 1"
    assert [c.value for c in feuille[2]] == COLONNES
    assert feuille.max_row == 2 + len(ATTENDU)
    for rang, (nature, libelle, montant) in enumerate(ATTENDU, start=3):
        assert feuille[f"A{rang}"].value == libelle, rang
        cellule = feuille[f"{M}{rang}"]
        if montant is None:
            assert cellule.value is None
            assert f"A{rang}:E{rang}" in feuille.merged_cells
        else:
            assert cellule.number_format == "#,##0.00"
            assert evaluer(feuille, f"{M}{rang}") == Decimal(montant), (rang, libelle)
        if nature.startswith("total"):
            assert isinstance(cellule.value, str) and cellule.value.startswith("="), (rang, cellule.value)
            assert f"A{rang}:D{rang}" in feuille.merged_cells
        if nature == "ligne":
            assert not isinstance(cellule.value, str)
            assert feuille[f"B{rang}"].value and feuille[f"C{rang}"].value and feuille[f"D{rang}"].value
        assert feuille.row_dimensions[rang].height >= 13
    total = 2 + len(ATTENDU)
    assert feuille[f"{M}{total}"].value == "=E12+E27+E39"
    assert feuille[f"{M}{7}"].value == "=SUM(E6:E6)"
    # Compléments d'information et convention de la ligne hors budget.
    gamma = next(r for r in range(3, total) if feuille[f"A{r}"].value == "Centre Gamma")
    assert "50 places" in feuille[f"C{gamma}"].value and "Financée par le FSL" in feuille[f"C{gamma}"].value
    assert "hors budget départemental" in feuille[f"C{gamma}"].value


def test_annexe_xlsx_prete_a_imprimer(dossier, tmp_path):
    feuille = load_workbook(annexe_xlsx(dossier, tmp_path / "annexe.xlsx")).active
    assert feuille.freeze_panes == "A3"
    assert feuille.print_title_rows == "$2:$2"
    assert feuille.page_setup.orientation == "landscape" and feuille.page_setup.paperSize == 9
    assert feuille.page_setup.fitToWidth == 1 and feuille.page_setup.fitToHeight == 0
    assert feuille.sheet_properties.pageSetUpPr.fitToPage is True
    assert feuille.oddFooter.right.text == "Page &P sur &N"
    assert feuille.oddFooter.left.text == "Délibération n° 2026-187"
    assert feuille.oddHeader.right.text == "Commission permanente du 26/05/2026"


def test_hauteur_des_lignes_suit_le_texte_renvoye(dossier, tmp_path):
    long = "Accompagnement renforcé " * 12
    lignes = dataclasses.replace(dossier.lignes[0], description=long.strip())
    territoire = dossier.territoires[0]
    thematique = territoire.thematiques[0]
    operation = dataclasses.replace(thematique.operations[0], lignes=(lignes,))
    thematique = dataclasses.replace(thematique, operations=(operation, *thematique.operations[1:]))
    territoire = dataclasses.replace(territoire, thematiques=(thematique,))
    feuille = load_workbook(
        annexe_xlsx(dataclasses.replace(dossier, territoires=(territoire,)), tmp_path / "a.xlsx")
    ).active
    hauteurs = [(feuille[f"A{r}"].value, feuille.row_dimensions[r].height) for r in range(3, feuille.max_row + 1)]
    alpha = [h for nom, h in hauteurs if nom == "Association Alpha"]
    assert alpha[0] > 3 * alpha[1] and alpha[1] == dict(hauteurs)["Total général"] == 13


def verifier_pdf(chemin: Path, dossier) -> None:
    """Chaque ligne attendue, dans l'ordre, sur sa propre ligne visuelle : titres seuls, structures avec SIRET,
    convention et montant en fin de ligne, sous-totaux « libellé montant »."""
    lignes = lignes_pdf(chemin)
    texte = " ".join(lignes)
    assert "Annexe 4 : détail des financements – appels à projets DPID 2026 – Phase 1" in texte
    assert " ".join(COLONNES) in texte
    assert "Commission permanente du 26/05/2026" in texte and "Délibération n° 2026-187" in texte
    structures = iter(dossier.lignes)
    position = 0
    for nature, libelle, montant in ATTENDU:
        if nature == "ligne":
            ligne = next(structures)
            attendu = f"{ligne.structure} {ligne.siret} "
            trouvee = next(i for i in range(position, len(lignes)) if lignes[i].startswith(attendu))
            # Le montant clôt la première ligne visuelle (cellules alignées en haut) ; une référence de
            # convention longue peut passer à la ligne dans sa colonne.
            assert lignes[trouvee].endswith(f" {normaliser(chiffres(ligne.montant))}"), lignes[trouvee]
            assert ligne.reference_convention.split()[0] in lignes[trouvee]
        elif montant is None:
            trouvee = lignes.index(libelle, position)
        else:
            trouvee = lignes.index(f"{libelle} {normaliser(chiffres(Decimal(montant)))}", position)
        position = trouvee + 1
    assert lignes.index("Total général 674 275,25") > lignes.index("Total LENS-LIÉVIN 56 000,00")


@LIBREOFFICE
def test_annexe_pdf_libreoffice_relue(dossier, tmp_path):
    chemin = annexe_pdf(dossier, tmp_path / "annexe.pdf")
    assert "LibreOffice" in producteur(chemin)
    verifier_pdf(chemin, dossier)


def test_annexe_pdf_weasyprint_relue(dossier, tmp_path):
    chemin = annexe_pdf_weasyprint(dossier, tmp_path / "annexe.pdf")
    assert "WeasyPrint" in producteur(chemin)
    verifier_pdf(chemin, dossier)


def test_sans_libreoffice_l_annexe_pdf_passe_par_weasyprint(dossier, tmp_path, monkeypatch):
    monkeypatch.setattr(conversion, "soffice", lambda: None)
    chemin = annexe_pdf(dossier, tmp_path / "annexe.pdf")
    assert "WeasyPrint" in producteur(chemin)
    verifier_pdf(chemin, dossier)
    assert not list(tmp_path.glob("*.xlsx"))


def dossier_long(dossier, repetitions: int):
    """Le dossier dont la première opération est répétée `repetitions` fois (plusieurs pages)."""
    territoire = dossier.territoires[0]
    thematique = territoire.thematiques[0]
    operation = thematique.operations[0]
    operation = dataclasses.replace(operation, lignes=operation.lignes * repetitions)
    thematique = dataclasses.replace(thematique, operations=(operation,))
    return dataclasses.replace(dossier, territoires=(dataclasses.replace(territoire, thematiques=(thematique,)),))


@pytest.mark.parametrize("moteur", [pytest.param("libreoffice", marks=LIBREOFFICE), "weasyprint"])
def test_ligne_d_en_tete_repetee_sur_chaque_page(dossier, tmp_path, moteur):
    long = dossier_long(dossier, 120)
    fabrique = annexe_pdf if moteur == "libreoffice" else annexe_pdf_weasyprint
    pages = pages_pdf(fabrique(long, tmp_path / "annexe.pdf"))
    assert len(pages) >= 3
    for numero, page in enumerate(pages, start=1):
        assert " ".join(COLONNES) in page, numero
        assert f"Page {numero} sur {len(pages)}" in page
    alpha = f"Association Alpha {dossier.territoires[0].thematiques[0].operations[0].lignes[0].siret}"
    assert sum(page.count(alpha) for page in pages) == 120


def dossier_deux_operations(dossier, repetitions: int):
    """Une première opération de `repetitions` lignes puis une seconde : son titre tombe en bas de page 1 pour
    une valeur de `repetitions`."""
    territoire = dossier.territoires[0]
    thematique = territoire.thematiques[0]
    premiere, seconde = thematique.operations
    premiere = dataclasses.replace(premiere, lignes=premiere.lignes * repetitions)
    thematique = dataclasses.replace(thematique, operations=(premiere, seconde))
    return dataclasses.replace(dossier, territoires=(dataclasses.replace(territoire, thematiques=(thematique,)),))


def test_titre_de_groupe_jamais_seul_en_bas_de_page_weasyprint(dossier, tmp_path):
    """Quel que soit le nombre de lignes qui précèdent, le titre « Opération 2 » est suivi sur la même page de
    la première structure de l'opération (break-after: avoid sur les titres)."""
    vus = set()
    for repetitions in range(22, 30):
        pages = pages_pdf(annexe_pdf_weasyprint(dossier_deux_operations(dossier, repetitions), tmp_path / "a.pdf"))
        page = next(p for p in pages if "Opération 2 : Accompagnement intensif (dispositif 1.3)" in p)
        apres = page.split("Opération 2 : Accompagnement intensif (dispositif 1.3)", 1)[1]
        assert "Association Alpha" in apres, repetitions
        vus.add(pages.index(page))
    assert vus == {0, 1}  # le titre a bien traversé la fin de la première page
    assert len(pages) >= 2


@LIBREOFFICE
def test_generation_convertit_l_annexe_en_parallele_par_libreoffice(tmp_path):
    EluFactory(est_president=True)
    seance = seance_garnie()
    chemins = {c.suffix + c.name[:6]: c for c in generer_documents(seance, tmp_path / "cp")}
    annexe = chemins[".pdfannexe"]
    assert annexe.name == "annexe-financements-cp-2026-05-26.pdf"
    assert "LibreOffice" in producteur(annexe)
    verifier_pdf(annexe, construire_dossier(seance))
    assert "WeasyPrint" in producteur(chemins[".pdfrappor"])
    assert sorted(p.name for p in (tmp_path / "cp").iterdir()) == sorted(c.name for c in chemins.values())


def test_generation_libreoffice_en_echec_se_rabat_sur_weasyprint(tmp_path, monkeypatch, caplog):
    EluFactory(est_president=True)
    seance = seance_garnie()
    monkeypatch.setattr(conversion, "soffice", lambda: shutil.which("false"))
    chemins = generer_documents(seance, tmp_path / "cp")
    annexe = next(c for c in chemins if c.name.startswith("annexe") and c.suffix == ".pdf")
    assert "WeasyPrint" in producteur(annexe)
    verifier_pdf(annexe, construire_dossier(seance))
    assert "échec de la conversion" in caplog.text


def test_conversion_trop_longue_abandonnee(tmp_path, monkeypatch):
    lent = tmp_path / "soffice-lent"
    lent.write_text("#!/bin/sh\nexec sleep 60\n")
    lent.chmod(0o755)
    monkeypatch.setattr(conversion, "soffice", lambda: str(lent))
    en_cours = conversion.lancer(tmp_path / "a.xlsx", tmp_path / "a.pdf")
    assert en_cours is not None
    travail = en_cours._travail
    assert en_cours.terminer(delai_s=0.3) is False
    assert en_cours._processus.returncode is not None and en_cours._processus.returncode < 0
    assert not travail.exists() and not (tmp_path / "a.pdf").exists()


def test_conversion_abandonnee_par_la_generation_interrompue(tmp_path, monkeypatch):
    lent = tmp_path / "soffice-lent"
    lent.write_text("#!/bin/sh\nexec sleep 60\n")
    lent.chmod(0o755)
    monkeypatch.setattr(conversion, "soffice", lambda: str(lent))
    en_cours = conversion.lancer(tmp_path / "a.xlsx", tmp_path / "a.pdf")
    en_cours.abandonner()
    assert en_cours._processus.returncode is not None and not en_cours._travail.exists()


def test_lancer_sans_soffice_rend_none(tmp_path, monkeypatch):
    monkeypatch.setattr(conversion, "soffice", lambda: None)
    assert conversion.lancer(tmp_path / "a.xlsx", tmp_path / "a.pdf") is None
    assert conversion.convertir(tmp_path / "a.xlsx", tmp_path / "a.pdf") is False
