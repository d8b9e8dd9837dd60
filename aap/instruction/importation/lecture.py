"""Lecture d'un tableau de propositions (CSV ou XLSX) et des valeurs qu'il contient.

Fonctions pures, sans base de données : normalisation des noms (accents, casse, ponctuation ignorés), lecture
des montants français (« 14 256,96 € ») ou à point décimal (« 14256.96 »), des quantités citées dans la
description (« 3,40 ETP pour 238 places »), et lecture du fichier avec contrôle de l'en-tête.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path
from typing import Any


CENTIME = Decimal("0.01")

#: Colonnes attendues, dans l'ordre documenté (docs/import-propositions.md).
COLONNES = ("territoire", "thematique", "dispositif", "structure", "siret", "description", "montant")

#: Intitulés de colonnes admis en plus du nom documenté (ceux de l'annexe « détail des financements »).
ALIAS_COLONNES = {
    "operation": "dispositif",
    "complementsdinformation": "description",
    "complementdinformation": "description",
    "montantretenu": "montant",
    "sommedemontantretenu": "montant",
    "axe": "thematique",
}

_LIGATURES = str.maketrans({"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE"})
_ESPACES = re.compile(r"[\s\u00a0\u202f\u2007\u2009\u200a]+")


class FichierIllisible(Exception):
    """Le fichier ne peut pas être lu (format, encodage, classeur corrompu) ou son en-tête est faux."""


class ValeurInvalide(ValueError):
    """Une cellule ne peut pas être interprétée (montant, quantité) ; le message dit pourquoi, en français."""


# --- Normalisation ----------------------------------------------------------------------------------------


def sans_accents(texte: str) -> str:
    decompose = unicodedata.normalize("NFKD", (texte or "").translate(_LIGATURES))
    return "".join(c for c in decompose if not unicodedata.combining(c))


def normaliser(texte: str) -> str:
    """Clé de comparaison d'un nom : sans accents, en minuscules, lettres et chiffres seulement.

    « HENIN-CARVIN », « Hénin Carvin » et « henin-carvin » donnent tous « henincarvin »."""
    return "".join(c for c in sans_accents(texte).casefold() if c.isascii() and c.isalnum())


def texte_propre(valeur: Any) -> str:
    """La valeur d'une cellule en texte, espaces (même insécables) réduits à un seul."""
    if valeur is None:
        return ""
    if isinstance(valeur, float) and valeur.is_integer():
        valeur = int(valeur)
    return _ESPACES.sub(" ", str(valeur)).strip()


# --- Montants ---------------------------------------------------------------------------------------------


def lire_montant(valeur: Any) -> Decimal:
    """Un montant en euros, au centime : « 14 256,96 € », « 14 256,96 » (espace insécable), « 14256.96 »,
    « 14.256,96 », un nombre d'un classeur. Refuse le vide, le négatif, plus de deux décimales et les formes
    ambiguës (« 1.234 » : séparateur de milliers ou point décimal ?)."""
    if isinstance(valeur, bool):
        raise ValeurInvalide(f"montant illisible « {valeur} »")
    if isinstance(valeur, int | Decimal):
        montant = Decimal(valeur)
    elif isinstance(valeur, float):
        # Valeur calculée par un tableur (ex. 0,1 + 0,2) : arrondie au centime, comme l'affiche le classeur.
        montant = Decimal(repr(valeur)).quantize(CENTIME, rounding=ROUND_HALF_UP)
    else:
        montant = _montant_texte(texte_propre(valeur))
    if not montant.is_finite():
        raise ValeurInvalide(f"montant illisible « {valeur} »")
    if montant < 0:
        raise ValeurInvalide(f"montant négatif « {texte_propre(valeur)} »")
    if montant != montant.quantize(CENTIME, rounding=ROUND_HALF_UP):
        raise ValeurInvalide(f"montant « {texte_propre(valeur)} » : au plus deux décimales (centimes)")
    return montant.quantize(CENTIME, rounding=ROUND_HALF_UP)


def _montant_texte(texte: str) -> Decimal:
    brut = texte
    texte = re.sub(r"(€|eur(os?)?)$", "", texte.strip(), flags=re.IGNORECASE)
    texte = re.sub(r"[\s\u00a0\u202f\u2007\u2009\u200a']", "", texte)
    if not texte:
        raise ValeurInvalide("montant manquant")
    if not re.fullmatch(r"[+-]?[\d.,]+", texte) or not re.search(r"\d", texte):
        raise ValeurInvalide(f"montant illisible « {brut} »")
    virgules, points = texte.count(","), texte.count(".")
    if virgules and points:
        decimal_sep = "," if texte.rfind(",") > texte.rfind(".") else "."
        milliers = "." if decimal_sep == "," else ","
        if texte.count(decimal_sep) > 1:
            raise ValeurInvalide(f"montant illisible « {brut} »")
        texte = texte.replace(milliers, "").replace(decimal_sep, ".")
    elif virgules:
        if virgules > 1:
            raise ValeurInvalide(f"montant illisible « {brut} » : une seule virgule décimale")
        texte = texte.replace(",", ".")
    elif points > 1:
        texte = texte.replace(".", "")  # « 1.234.567 » : points séparateurs de milliers
    elif points == 1 and re.search(r"\.\d{3}$", texte):
        raise ValeurInvalide(f"montant ambigu « {brut} » : écrivez 1234,00 ou 1 234,00")
    try:
        return Decimal(texte)
    except InvalidOperation:
        raise ValeurInvalide(f"montant illisible « {brut} »") from None


def ecrire_montant(montant: Decimal) -> str:
    """« 14 256,96 » (espace insécable des milliers) : l'écriture française que `lire_montant` relit."""
    entier, _, centimes = f"{montant.quantize(CENTIME, rounding=ROUND_HALF_UP):f}".partition(".")
    groupes = []
    while len(entier) > 3:
        entier, groupe = entier[:-3], entier[-3:]
        groupes.insert(0, groupe)
    return "\u00a0".join([entier, *groupes]) + "," + centimes


# --- Quantités citées dans la description ----------------------------------------------------------------

_NOMBRE = r"(?<![\d,.])(\d{1,3}(?:[ \u00a0\u202f]\d{3})+|\d+)(?:[.,](\d+))?"
_QUANTITES = {
    "etp": re.compile(_NOMBRE + r"\s*ETP\b", re.IGNORECASE),
    "places": re.compile(_NOMBRE + r"\s*places?\b", re.IGNORECASE),
    "dsp": re.compile(_NOMBRE + r"\s*DSP\b", re.IGNORECASE),
    "postes_insertion": re.compile(_NOMBRE + r"\s*postes?\s+en\s+insertion\b", re.IGNORECASE),
    "participants": re.compile(_NOMBRE + r"\s*(?:participants?|personnes?)\b", re.IGNORECASE),
}


def lire_quantites(description: str) -> dict[str, Decimal | int]:
    """Les quantités que la description cite : « 3,40 ETP pour 238 places » → {etp: 3.40, places: 238}.

    Une quantité citée deux fois, ou un nombre non entier de places (DSP, postes, participants), n'est pas
    retenue : mieux vaut un champ vide qu'un chiffre inventé."""
    quantites: dict[str, Decimal | int] = {}
    for nom, motif in _QUANTITES.items():
        trouves = motif.findall(description or "")
        if len(trouves) != 1:
            continue
        entier, decimales = trouves[0]
        entier = re.sub(r"\D", "", entier)
        if nom == "etp":
            valeur = Decimal(f"{entier}.{decimales or '0'}")
            if valeur == valeur.quantize(CENTIME) and valeur < Decimal("10000"):
                quantites[nom] = valeur.quantize(CENTIME)
        elif not decimales:
            quantites[nom] = int(entier)
    return quantites


# --- Fichier ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LigneBrute:
    numero: int  # numéro de ligne dans le fichier (l'en-tête est la ligne 1)
    valeurs: dict[str, Any]


@dataclass
class Tableau:
    format: str
    lignes: list[LigneBrute]
    colonnes_ignorees: list[str] = field(default_factory=list)
    encodage: str = ""


def lire_tableau(chemin: Path) -> Tableau:
    """Lit un CSV (« ; » ou « , », UTF-8 avec ou sans BOM, sinon Windows-1252) ou la première feuille d'un
    XLSX ; lève `FichierIllisible` si le fichier ne peut être lu ou si une colonne attendue manque."""
    try:
        contenu = Path(chemin).read_bytes()
    except OSError as exc:
        raise FichierIllisible(f"Fichier illisible : {exc.strerror or exc}.") from None
    if contenu[:4] == b"PK\x03\x04" or Path(chemin).suffix.lower() in {".xlsx", ".xlsm"}:
        return _lire_xlsx(contenu)
    return _lire_csv(contenu)


def _lire_csv(contenu: bytes) -> Tableau:
    for encodage in ("utf-8-sig", "cp1252"):
        try:
            texte = contenu.decode(encodage)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - cp1252 ne décode pas 5 octets (0x81, 0x8D, 0x8F, 0x90, 0x9D)
        raise FichierIllisible("Fichier illisible : encodage ni UTF-8 ni Windows-1252.")
    if "\x00" in texte:
        raise FichierIllisible("Fichier illisible : ce n'est pas un fichier texte CSV (ni un classeur XLSX).")
    premiere = next((ligne for ligne in texte.splitlines() if ligne.strip()), "")
    separateur = max(";,\t", key=premiere.count)
    if not premiere.count(separateur):
        raise FichierIllisible("En-tête illisible : les colonnes doivent être séparées par « ; » ou « , ».")
    lecteur = csv.reader(io.StringIO(texte, newline=""), delimiter=separateur)
    rangs: list[tuple[int, list[Any]]] = []
    try:
        for cellules in lecteur:
            rangs.append((lecteur.line_num, cellules))
    except csv.Error as exc:
        raise FichierIllisible(f"CSV illisible à la ligne {lecteur.line_num} : {exc}.") from None
    tableau = _tableau("CSV", rangs)
    tableau.encodage = "UTF-8" if encodage == "utf-8-sig" else "Windows-1252"
    return tableau


def _lire_xlsx(contenu: bytes) -> Tableau:
    from openpyxl import load_workbook

    try:
        classeur = load_workbook(io.BytesIO(contenu), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise FichierIllisible(f"Classeur XLSX illisible : {exc}.") from None
    try:
        feuille = classeur.worksheets[0]
        rangs = [(numero, list(cellules)) for numero, cellules in enumerate(feuille.iter_rows(values_only=True), 1)]
    finally:
        classeur.close()
    return _tableau("XLSX", rangs)


def _tableau(format_: str, rangs: list[tuple[int, list[Any]]]) -> Tableau:
    rangs = [(numero, cellules) for numero, cellules in rangs if any(texte_propre(c) for c in cellules)]
    if not rangs:
        raise FichierIllisible("Le fichier est vide : aucune ligne d'en-tête.")
    _, entete = rangs[0]
    positions: dict[str, int] = {}
    ignorees: list[str] = []
    for rang, intitule in enumerate(entete):
        cle = normaliser(texte_propre(intitule))
        cle = ALIAS_COLONNES.get(cle, cle)
        if cle in COLONNES and cle not in positions:
            positions[cle] = rang
        elif texte_propre(intitule):
            ignorees.append(texte_propre(intitule))
    manquantes = [c for c in COLONNES if c not in positions]
    if manquantes:
        raise FichierIllisible(
            f"En-tête incorrect : colonne(s) manquante(s) {', '.join(manquantes)}. Colonnes attendues : "
            f"{';'.join(COLONNES)} (casse, accents et espaces ignorés)."
        )
    lignes = [
        LigneBrute(numero, {c: cellules[i] if i < len(cellules) else None for c, i in positions.items()})
        for numero, cellules in rangs[1:]
    ]
    return Tableau(format=format_, lignes=lignes, colonnes_ignorees=ignorees)
