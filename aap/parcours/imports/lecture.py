"""Lecture d'un CSV d'import des parcours et de ses valeurs, sans base de données.

Encodage : UTF-8 (avec ou sans BOM), sinon Windows-1252. Séparateur « ; » ou « , » (le plus fréquent de la
ligne d'en-tête). Dates JJ/MM/AAAA ou AAAA-MM-JJ, heures HH:MM, nombres à virgule ou à point décimal.

`Champs` lit les cellules d'une ligne et accumule les erreurs (colonne, message) : toutes les colonnes fautives
d'une ligne sont signalées en une fois ; `Champs.verifier()` lève `LigneRejetee` s'il y en a.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.db import models


_ESPACES = re.compile(r"[\s\u00a0\u202f]+")
_DATE_FR = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_DATE_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_HEURE = re.compile(r"^(\d{1,2})[:hH](\d{2})$")
_NOMBRE = re.compile(r"^\d+(?:[.,]\d+)?$")
OUI = {"oui", "o", "1", "vrai", "true", "x"}
NON = {"non", "n", "0", "faux", "false", ""}


class FichierIllisible(Exception):
    """Le fichier ne peut pas être lu (encodage, séparateur) ou son en-tête est faux : rien n'est importé."""


@dataclass
class LigneRejetee(Exception):
    """Une ligne est refusée : liste de (colonne, message en français) ; colonne vide = la ligne entière."""

    erreurs: list[tuple[str, str]]

    @classmethod
    def une(cls, colonne: str, message: str) -> LigneRejetee:
        return cls([(colonne, message)])

    def __str__(self) -> str:
        return " ; ".join(f"{c} : {m}" if c else m for c, m in self.erreurs)


@dataclass(frozen=True)
class LigneCsv:
    numero: int  # numéro de ligne physique dans le fichier (l'en-tête est la ligne 1)
    valeurs: dict[str, str]


@dataclass
class FichierCsv:
    encodage: str
    separateur: str
    lignes: list[LigneCsv]
    colonnes_ignorees: list[str] = field(default_factory=list)


def normaliser_entete(intitule: str) -> str:
    """« Date d'orientation » → « date_d_orientation » ; « date_orientation » reste tel quel."""
    import unicodedata

    texte = unicodedata.normalize("NFKD", intitule.strip().lstrip("\ufeff").casefold())
    texte = "".join(c for c in texte if not unicodedata.combining(c))
    return re.sub(r"[^a-z0-9]+", "_", texte).strip("_")


def decoder(contenu: bytes) -> tuple[str, str]:
    """Le texte et le nom de l'encodage reconnu."""
    if contenu.startswith(b"\xef\xbb\xbf"):
        return contenu[3:].decode("utf-8", errors="strict"), "UTF-8 (BOM)"
    try:
        return contenu.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        return contenu.decode("cp1252"), "Windows-1252"
    except UnicodeDecodeError:
        raise FichierIllisible("Fichier illisible : encodage ni UTF-8 ni Windows-1252.") from None


def lire_csv(contenu: bytes, colonnes: Iterable[str], obligatoires: Iterable[str]) -> FichierCsv:
    """Lit le fichier ; l'en-tête doit contenir les colonnes `obligatoires` (casse et accents ignorés, ordre
    libre) ; les colonnes inconnues sont ignorées et signalées."""
    texte, encodage = decoder(contenu)
    if "\x00" in texte:
        raise FichierIllisible("Fichier illisible : ce n'est pas un fichier texte CSV.")
    premiere = next((ligne for ligne in texte.splitlines() if ligne.strip()), "")
    if not premiere:
        raise FichierIllisible("Le fichier est vide : aucune ligne d'en-tête.")
    separateur = ";" if premiere.count(";") >= premiere.count(",") else ","
    if not premiere.count(separateur):
        raise FichierIllisible("En-tête illisible : les colonnes doivent être séparées par « ; » ou « , ».")
    lecteur = csv.reader(io.StringIO(texte, newline=""), delimiter=separateur)
    rangs: list[tuple[int, list[str]]] = []
    try:
        debut = 1
        for cellules in lecteur:
            rangs.append((debut, cellules))
            debut = lecteur.line_num + 1
    except csv.Error as exc:
        raise FichierIllisible(f"CSV illisible à la ligne {lecteur.line_num} : {exc}.") from None
    rangs = [(n, cellules) for n, cellules in rangs if any(c.strip() for c in cellules)]
    connues = tuple(colonnes)
    positions: dict[str, int] = {}
    ignorees: list[str] = []
    for rang, intitule in enumerate(rangs[0][1]):
        cle = normaliser_entete(intitule)
        if cle in connues and cle not in positions:
            positions[cle] = rang
        elif intitule.strip():
            ignorees.append(intitule.strip())
    manquantes = [c for c in obligatoires if c not in positions]
    if manquantes:
        raise FichierIllisible(
            f"En-tête incorrect : colonne(s) manquante(s) {', '.join(manquantes)}. "
            f"Colonnes reconnues : {', '.join(connues)}."
        )
    lignes = [
        LigneCsv(numero, {c: (cellules[i].strip() if i < len(cellules) else "") for c, i in positions.items()})
        for numero, cellules in rangs[1:]
    ]
    return FichierCsv(encodage=encodage, separateur=separateur, lignes=lignes, colonnes_ignorees=ignorees)


# --- Valeurs -----------------------------------------------------------------------------------------------


def lire_date(texte: str) -> datetime.date:
    if m := _DATE_FR.match(texte):
        jour, mois, annee = (int(x) for x in m.groups())
    elif m := _DATE_ISO.match(texte):
        annee, mois, jour = (int(x) for x in m.groups())
    else:
        raise ValueError(f"date « {texte} » illisible : écrivez JJ/MM/AAAA (15/02/2026) ou AAAA-MM-JJ")
    try:
        return datetime.date(annee, mois, jour)
    except ValueError:
        raise ValueError(f"date « {texte} » inexistante") from None


def lire_heure(texte: str) -> datetime.time:
    m = _HEURE.match(texte)
    if not m or int(m.group(1)) > 23 or int(m.group(2)) > 59:
        raise ValueError(f"heure « {texte} » illisible : écrivez HH:MM (09:30)")
    return datetime.time(int(m.group(1)), int(m.group(2)))


def lire_nombre(texte: str) -> Decimal:
    brut = _ESPACES.sub("", texte)
    if not _NOMBRE.match(brut):
        raise ValueError(f"nombre « {texte} » illisible : écrivez 12,5 ou 12.5")
    try:
        return Decimal(brut.replace(",", "."))
    except InvalidOperation:  # pragma: no cover - exclu par l'expression régulière
        raise ValueError(f"nombre « {texte} » illisible") from None


class Champs:
    """Les cellules d'une ligne, lues colonne par colonne ; les erreurs s'accumulent dans `erreurs`."""

    def __init__(self, valeurs: dict[str, str]) -> None:
        self.valeurs = valeurs
        self.erreurs: list[tuple[str, str]] = []

    def erreur(self, colonne: str, message: str) -> None:
        self.erreurs.append((colonne, message))

    def verifier(self) -> None:
        if self.erreurs:
            raise LigneRejetee(list(self.erreurs))

    def brut(self, colonne: str) -> str:
        return _ESPACES.sub(" ", self.valeurs.get(colonne, "") or "").strip()

    def _requis(self, colonne: str, requis: bool) -> str | None:
        texte = self.brut(colonne)
        if not texte and requis:
            self.erreur(colonne, "valeur obligatoire manquante")
        return texte or None

    def texte(self, colonne: str, *, requis: bool = False, longueur: int = 255) -> str:
        texte = self._requis(colonne, requis) or ""
        if len(texte) > longueur:
            self.erreur(colonne, f"{len(texte)} caractères : {longueur} au plus")
            return ""
        return texte

    def _lire(self, colonne: str, requis: bool, lecture):  # noqa: ANN001, ANN202
        texte = self._requis(colonne, requis)
        if texte is None:
            return None
        try:
            return lecture(texte)
        except ValueError as exc:
            self.erreur(colonne, str(exc))
            return None

    def date(self, colonne: str, *, requis: bool = False) -> datetime.date | None:
        return self._lire(colonne, requis, lire_date)

    def heure(self, colonne: str, *, requis: bool = False) -> datetime.time | None:
        return self._lire(colonne, requis, lire_heure)

    def nombre(self, colonne: str, *, requis: bool = False, maximum: Decimal | None = None) -> Decimal | None:
        valeur = self._lire(colonne, requis, lire_nombre)
        if valeur is not None and valeur != valeur.quantize(Decimal("0.1")):
            self.erreur(colonne, f"« {self.brut(colonne)} » : une décimale au plus")
            return None
        if valeur is not None and maximum is not None and valeur > maximum:
            self.erreur(colonne, f"{self.brut(colonne)} : {maximum} au plus")
            return None
        return valeur

    def entier(self, colonne: str, *, requis: bool = False, minimum: int = 1) -> int | None:
        texte = self._requis(colonne, requis)
        if texte is None:
            return None
        if not texte.isdigit() or int(texte) < minimum:
            self.erreur(colonne, f"« {texte} » : un nombre entier d'au moins {minimum} est attendu")
            return None
        return int(texte)

    def code(self, colonne: str, choix: type[models.TextChoices] | Iterable[str], *, requis: bool = False) -> str:
        texte = self._requis(colonne, requis)
        if texte is None:
            return ""
        permis = list(choix.values) if isinstance(choix, type) else list(choix)
        valeur = texte.casefold()
        if valeur not in permis:
            self.erreur(colonne, f"« {texte} » inconnu : valeurs permises {', '.join(permis)}")
            return ""
        return valeur

    def codes(self, colonne: str, choix: type[models.TextChoices], *, requis: bool = False) -> list[str]:
        texte = self._requis(colonne, requis)
        if texte is None:
            return []
        valeurs, inconnus = [], []
        for morceau in texte.split("|"):
            valeur = morceau.strip().casefold()
            if not valeur:
                continue
            if valeur not in choix.values:
                inconnus.append(morceau.strip())
            elif valeur not in valeurs:
                valeurs.append(valeur)
        if inconnus:
            self.erreur(colonne, f"« {', '.join(inconnus)} » inconnu(s) : valeurs permises {', '.join(choix.values)}")
        return sorted(valeurs)

    def booleen(self, colonne: str) -> bool:
        texte = self.brut(colonne).casefold()
        if texte in OUI:
            return True
        if texte not in NON:
            self.erreur(colonne, f"« {self.brut(colonne)} » : écrivez oui ou non")
        return False
