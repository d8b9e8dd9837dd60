"""Import des propositions : lecture des montants, des noms, des quantités et du fichier (CSV, XLSX)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import Workbook

from aap.instruction.importation.lecture import (
    COLONNES,
    FichierIllisible,
    ValeurInvalide,
    ecrire_montant,
    lire_montant,
    lire_quantites,
    lire_tableau,
    normaliser,
)


montants = st.decimals(min_value=0, max_value=Decimal("999999999.99"), places=2, allow_nan=False)


# --- Montants ---------------------------------------------------------------------------------------------


@given(montants)
def test_montant_francais_relu_au_centime(montant):
    assert lire_montant(ecrire_montant(montant)) == montant


@given(montants, st.sampled_from(["", " €", "\u00a0€", "€", " EUR"]), st.sampled_from([" ", "\u00a0", "\u202f", ""]))
def test_montant_francais_toutes_ecritures(montant, suffixe, espace):
    ecrit = ecrire_montant(montant).replace("\u00a0", espace) + suffixe
    assert lire_montant(ecrit) == montant


@given(montants)
def test_montant_a_point_decimal(montant):
    assert lire_montant(f"{montant:.2f}") == montant
    assert lire_montant(float(montant)) == montant


@given(st.integers(min_value=0, max_value=10**12))
def test_montant_entier(entier):
    assert lire_montant(entier) == Decimal(entier)
    assert lire_montant(str(entier)) == Decimal(entier)


@pytest.mark.parametrize(
    ("ecrit", "attendu"),
    [
        ("14 256,96", "14256.96"),
        ("14 256,96 €", "14256.96"),
        ("14\u00a0256\u00a0065,96\u00a0€", "14256065.96"),
        ("14256.96", "14256.96"),
        ("14.256,96", "14256.96"),
        ("14,256.96", "14256.96"),
        ("1.234.567", "1234567"),
        ("0,00 €", "0"),
        ("44 800", "44800"),
        ("286,7", "286.70"),
    ],
)
def test_montants_du_terrain(ecrit, attendu):
    assert lire_montant(ecrit) == Decimal(attendu)


@pytest.mark.parametrize(
    ("ecrit", "raison"),
    [
        ("", "manquant"),
        ("mille euros", "illisible"),
        ("-10,00", "négatif"),
        ("12,345", "deux décimales"),
        ("1.234", "ambigu"),
        ("1,2,3", "illisible"),
        ("€", "manquant"),
    ],
)
def test_montants_refuses(ecrit, raison):
    with pytest.raises(ValeurInvalide, match=raison):
        lire_montant(ecrit)


def test_montant_calcule_par_un_tableur_arrondi_au_centime():
    assert lire_montant(0.1 + 0.2) == Decimal("0.30")


# --- Noms -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("ecrit", ["HENIN-CARVIN", "Hénin Carvin", "henin-carvin", " Hénin–Carvin ", "HÉNIN CARVIN"])
def test_territoire_normalise(ecrit):
    assert normaliser(ecrit) == "henincarvin"


@given(st.text())
def test_normaliser_est_idempotent(texte):
    assert normaliser(normaliser(texte)) == normaliser(texte)


@given(st.text(alphabet="abcdefghijklmnopqrstuvwxyzéèêàçôîûœ' -", max_size=40))
def test_normaliser_ignore_casse_et_ponctuation(texte):
    assert normaliser(texte.upper()) == normaliser(texte)
    assert normaliser(texte.replace(" ", "-").replace("'", " ")) == normaliser(texte)


@given(st.text(alphabet="aeiouc", min_size=1, max_size=20))
def test_normaliser_ignore_les_accents(texte):
    accentue = texte.translate(str.maketrans("aeiouc", "âéîôùç"))
    assert normaliser(accentue) == normaliser(texte) == texte


def test_ligature():
    assert normaliser("Les restaurants du Cœur") == normaliser("les restaurants du coeur")


# --- Quantités --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("description", "attendu"),
    [
        ("1 ETP pour 136 DSP et 57 places remobilisation sociale intensive", {"etp": "1", "dsp": 136, "places": 57}),
        ("3,40 ETP pour 238 places d'accompagnements", {"etp": "3.40", "places": 238}),
        ("26,2 ETP pour 1 834 places", {"etp": "26.2", "places": 1834}),
        ("28 postes en insertion par an", {"postes_insertion": 28}),
        ("Accompagnement de 500 personnes - 01/01/26 au 31/12/27", {"participants": 500}),
        ("plateforme de mobilité", {}),
        ("2 places ici, 3 places là", {}),  # citée deux fois : non retenue
    ],
)
def test_quantites_citees(description, attendu):
    quantites = lire_quantites(description)
    assert {k: (str(v.normalize()) if isinstance(v, Decimal) else v) for k, v in quantites.items()} == {
        k: (str(Decimal(v).normalize()) if isinstance(v, str) else v) for k, v in attendu.items()
    }


@given(st.integers(min_value=0, max_value=99), st.integers(min_value=0, max_value=99), st.integers(1, 99999))
def test_quantites_etp_et_places(unites, centiemes, places):
    texte = f"{unites},{centiemes:02d} ETP pour " + f"{places:,}".replace(",", " ") + " places"
    quantites = lire_quantites(texte)
    assert quantites["etp"] == Decimal(f"{unites}.{centiemes:02d}")
    assert quantites["places"] == places


# --- Fichier ----------------------------------------------------------------------------------------------

ENTETE = "territoire;thematique;dispositif;structure;siret;description;montant"
LIGNE = "Arrageois;5;5.1;Association Les Passerelles;;1 ETP;1 000,00 €"


def test_csv_point_virgule_utf8_avec_bom(tmp_path):
    fichier = tmp_path / "t.csv"
    fichier.write_bytes(("\ufeff" + ENTETE + "\r\n" + LIGNE + "\r\n").encode("utf-8"))
    tableau = lire_tableau(fichier)
    assert tableau.encodage == "UTF-8"
    assert [ligne.numero for ligne in tableau.lignes] == [2]
    assert tableau.lignes[0].valeurs["territoire"] == "Arrageois"
    assert tableau.lignes[0].valeurs["montant"] == "1 000,00 €"


def test_csv_virgule_windows_1252_et_entete_libre(tmp_path):
    fichier = tmp_path / "t.csv"
    texte = "Territoire,Thématique,DISPOSITIF,Structure,SIRET,Description,Montant Retenu,Remarque\n"
    texte += 'Hénin-Carvin,5,5.3,Œuvre,,"3,40 ETP","14 256,96 €",rien\n'
    fichier.write_bytes(texte.encode("cp1252"))
    tableau = lire_tableau(fichier)
    assert tableau.encodage == "Windows-1252"
    assert tableau.colonnes_ignorees == ["Remarque"]
    valeurs = tableau.lignes[0].valeurs
    assert valeurs["territoire"] == "Hénin-Carvin"
    assert valeurs["structure"] == "Œuvre"
    assert valeurs["description"] == "3,40 ETP"
    assert lire_montant(valeurs["montant"]) == Decimal("14256.96")


def test_lignes_vides_ignorees_numeros_conserves(tmp_path):
    fichier = tmp_path / "t.csv"
    fichier.write_text(f"{ENTETE}\n;;;;;;\n\n{LIGNE}\n", encoding="utf-8")
    assert [ligne.numero for ligne in lire_tableau(fichier).lignes] == [4]


def test_entete_incorrect(tmp_path):
    fichier = tmp_path / "t.csv"
    fichier.write_text("territoire;dispositif;structure;montant\nArrageois;5.1;X;1\n", encoding="utf-8")
    with pytest.raises(FichierIllisible, match="thematique, siret, description"):
        lire_tableau(fichier)


@pytest.mark.parametrize("contenu", [b"", b"\x00\x01\x02;\x00", b"PK\x03\x04pas un classeur", b"une seule colonne\n"])
def test_fichier_illisible(tmp_path, contenu):
    fichier = tmp_path / "t.csv"
    fichier.write_bytes(contenu)
    with pytest.raises(FichierIllisible):
        lire_tableau(fichier)


def test_fichier_absent(tmp_path):
    with pytest.raises(FichierIllisible):
        lire_tableau(tmp_path / "absent.csv")


def test_xlsx_premiere_feuille(tmp_path):
    classeur = Workbook()
    feuille = classeur.active
    feuille.append([c.upper() for c in COLONNES])
    feuille.append(["DEPARTEMENT", "THEMATIQUE 5", "5.7", "Atelier", 90000000090010, "48 personnes", 42439.5])
    classeur.create_sheet("Autre").append(["rien"])
    fichier = tmp_path / "t.xlsx"
    classeur.save(fichier)
    tableau = lire_tableau(fichier)
    assert tableau.format == "XLSX"
    valeurs = tableau.lignes[0].valeurs
    assert valeurs["siret"] == 90000000090010
    assert lire_montant(valeurs["montant"]) == Decimal("42439.50")
