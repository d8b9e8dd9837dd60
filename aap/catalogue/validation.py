"""Lecture et validation des fichiers d'une édition, sans toucher à la base.

Chaque fichier est validé séparément pour que l'erreur nomme le fichier, le dispositif et sa fiche
(« 5.5 (F05) ») et le chemin du champ (« financement.taux_forfait ») ; toutes les erreurs de tous les
fichiers sont rassemblées avant d'abandonner. Les rangs de liste sont comptés à partir de 1.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from aap.catalogue.schema import (
    AxeSpec,
    Choix,
    DispositifSpec,
    EditionSpec,
    Fiche,
    LigneBudgetaireSpec,
    ModeleFinancement,
)
from aap.catalogue.schema_conventionnement import ConventionnementSpec
from aap.catalogue.schema_notation import GrilleNotation


FICHIER_EDITION = "edition.yaml"
FICHIER_DISPOSITIFS = "dispositifs.yaml"
DOSSIER_FICHES = "fiches"
_MODELES = {m.value for m in ModeleFinancement}
#: Étiquettes que pydantic insère dans le chemin d'une erreur d'union (« str | list[str] ») : pas des champs.
_ETIQUETTES_UNION = {"str", "int", "float", "bool", "date", "decimal", "none"}


@dataclass(frozen=True)
class ErreurCatalogue:
    fichier: str
    element: str  # ex. « 5.5 (F05) », « dispositif 4.5 », ou « » pour le fichier entier
    champ: str  # ex. « financement.taux_forfait », ou « » pour le fichier entier
    message: str

    def __str__(self) -> str:
        lieu = " — ".join(p for p in (self.fichier, self.element, self.champ) if p)
        return f"{lieu} : {self.message}"


class CatalogueInvalide(Exception):
    """Le catalogue n'a pas été chargé : la liste des erreurs dit où et pourquoi."""

    def __init__(self, erreurs: list[ErreurCatalogue]) -> None:
        self.erreurs = erreurs
        super().__init__(str(self))

    def __str__(self) -> str:
        lignes = [f"Catalogue invalide ({len(self.erreurs)} erreur{'s' if len(self.erreurs) > 1 else ''}) :"]
        lignes += [f"  - {e}" for e in self.erreurs]
        return "\n".join(lignes)


@dataclass
class EditionLue:
    spec: EditionSpec
    empreinte: str
    fichiers: list[str] = field(default_factory=list)


class _Chargeur(yaml.CSafeLoader if hasattr(yaml, "CSafeLoader") else yaml.SafeLoader):  # type: ignore[misc]
    """YAML sûr où les nombres à virgule deviennent des `Decimal` exacts (jamais de float pour l'argent)."""


def _decimal(loader: yaml.Loader, node: yaml.ScalarNode) -> Decimal:
    return Decimal(loader.construct_scalar(node).replace("_", ""))


_Chargeur.add_constructor("tag:yaml.org,2002:float", _decimal)


def dossier_par_defaut(annee: int) -> Path:
    return Path(__file__).resolve().parent / "data" / str(annee)


def lire_edition(annee: int, dossier: Path | None = None) -> EditionLue:
    """Lit et valide tous les fichiers de l'édition ; lève `CatalogueInvalide` avec toutes les erreurs."""
    dossier = Path(dossier) if dossier is not None else dossier_par_defaut(annee)
    if not (dossier / FICHIER_EDITION).is_file():
        raise CatalogueInvalide([ErreurCatalogue(str(dossier), "", "", f"aucun fichier {FICHIER_EDITION} ici")])
    chemins = [dossier / FICHIER_EDITION, dossier / FICHIER_DISPOSITIFS]
    chemins += sorted((dossier / DOSSIER_FICHES).glob("*.yaml"), key=lambda p: _cle_code(p.stem))
    contenus = {_relatif(c, dossier): c.read_bytes() if c.is_file() else None for c in chemins}
    empreinte = _empreinte(contenus)
    return _valider(annee, tuple(contenus.items()), empreinte)


@lru_cache(maxsize=16)
def _valider(annee: int, contenus: tuple[tuple[str, bytes | None], ...], empreinte: str) -> EditionLue:
    """Validation pure, mise en cache par contenu (les tests rechargent souvent la même édition)."""
    erreurs: list[ErreurCatalogue] = []
    bruts = {nom: _lire_yaml(nom, octets, erreurs) for nom, octets in contenus}

    entete = _valider_entete(annee, bruts.get(FICHIER_EDITION), erreurs)
    dispositifs = _valider_dispositifs(bruts.get(FICHIER_DISPOSITIFS), entete, erreurs)
    fiches = _valider_fiches(bruts, dispositifs, erreurs)
    if erreurs or entete is None or dispositifs is None:
        raise CatalogueInvalide(erreurs)
    liste = [d.model_copy(update={"fiche": fiches.get(d.code)}) for d in dispositifs.values()]
    try:
        spec = EditionSpec(**entete, dispositifs=liste)
    except ValidationError as exc:
        raise CatalogueInvalide(_traduire(exc, FICHIER_DISPOSITIFS, "")) from None
    return EditionLue(spec=spec, empreinte=empreinte, fichiers=[nom for nom, _ in contenus])


def _lire_yaml(nom: str, octets: bytes | None, erreurs: list[ErreurCatalogue]) -> Any:
    if octets is None:
        erreurs.append(ErreurCatalogue(nom, "", "", "fichier absent"))
        return None
    try:
        return yaml.load(octets, Loader=_Chargeur)  # noqa: S506 - chargeur sûr (CSafeLoader)
    except yaml.YAMLError as exc:
        position = getattr(exc, "problem_mark", None)
        ligne = f" (ligne {position.line + 1}, colonne {position.column + 1})" if position else ""
        probleme = getattr(exc, "problem", None) or str(exc)
        erreurs.append(ErreurCatalogue(nom, "", "", f"YAML illisible{ligne} : {probleme}"))
        return None


def _valider_entete(annee: int, brut: Any, erreurs: list[ErreurCatalogue]) -> dict[str, Any] | None:
    if brut is None:
        return None
    if not isinstance(brut, dict):
        erreurs.append(ErreurCatalogue(FICHIER_EDITION, "", "", "bloc de champs attendu"))
        return None
    attendus = {
        "annee",
        "libelle",
        "source",
        "axes",
        "lignes_budgetaires",
        "notation",
        "conventionnement",
        "choix",
        "meta",
    }
    nb = len(erreurs)
    for cle in sorted(set(brut) - attendus):
        erreurs.append(ErreurCatalogue(FICHIER_EDITION, "", cle, "champ inconnu (faute de frappe ?)"))
    try:
        entete = _EnteteEdition.model_validate({k: v for k, v in brut.items() if k in attendus})
    except ValidationError as exc:
        erreurs += _traduire(exc, FICHIER_EDITION, "")
        return None
    if entete.annee != annee:
        erreurs.append(ErreurCatalogue(FICHIER_EDITION, "", "annee", f"{entete.annee} au lieu de {annee}"))
    numeros = [a.numero for a in entete.axes]
    if len(set(numeros)) != len(numeros):
        erreurs.append(ErreurCatalogue(FICHIER_EDITION, "", "axes", "deux axes portent le même numéro"))
    return dict(entete) if len(erreurs) == nb else None


class _EnteteEdition(BaseModel):
    annee: int
    libelle: str
    source: str
    axes: list[AxeSpec]
    lignes_budgetaires: list[LigneBudgetaireSpec] = []
    notation: GrilleNotation | None = None
    conventionnement: ConventionnementSpec | None = None
    choix: list[Choix] = []
    meta: dict[str, Any] = {}


def _valider_dispositifs(
    brut: Any, entete: dict[str, Any] | None, erreurs: list[ErreurCatalogue]
) -> dict[str, DispositifSpec] | None:
    if brut is None:
        return None
    if not isinstance(brut, dict) or set(brut) != {"dispositifs"} or not isinstance(brut["dispositifs"], list):
        erreurs.append(ErreurCatalogue(FICHIER_DISPOSITIFS, "", "dispositifs", "une liste « dispositifs: » attendue"))
        return None
    axes = {a.numero for a in entete["axes"]} if entete else None
    resultat: dict[str, DispositifSpec] = {}
    slugs: dict[str, str] = {}
    for rang, item in enumerate(brut["dispositifs"], start=1):
        code = str(item.get("code")) if isinstance(item, dict) and item.get("code") else f"n°{rang}"
        element = f"dispositif {code}"
        if isinstance(item, dict) and "fiche" in item:
            erreurs.append(
                ErreurCatalogue(FICHIER_DISPOSITIFS, element, "fiche", f"la fiche va dans {DOSSIER_FICHES}/")
            )
            continue
        try:
            spec = DispositifSpec.model_validate(item)
        except ValidationError as exc:
            erreurs += _traduire(exc, FICHIER_DISPOSITIFS, element)
            continue
        if spec.code in resultat:
            erreurs.append(ErreurCatalogue(FICHIER_DISPOSITIFS, element, "code", "code en double"))
        elif spec.slug in slugs:
            erreurs.append(ErreurCatalogue(FICHIER_DISPOSITIFS, element, "slug", f"déjà pris par {slugs[spec.slug]}"))
        elif axes is not None and spec.axe not in axes:
            erreurs.append(
                ErreurCatalogue(FICHIER_DISPOSITIFS, element, "code", f"axe {spec.axe} absent de l'édition")
            )
        else:
            resultat[spec.code] = spec
            slugs[spec.slug] = spec.code
    return resultat


def valider_fiche(brut: Any, fichier: str, code: str) -> Fiche:
    """Valide le contenu d'un fichier de fiche ; l'erreur nomme le fichier, « code (Fnn) » et le champ."""
    numero = brut.get("fiche") if isinstance(brut, dict) and isinstance(brut.get("fiche"), str) else "?"
    try:
        return Fiche.model_validate(brut)
    except ValidationError as exc:
        raise CatalogueInvalide(_traduire(exc, fichier, f"{code} ({numero})")) from None


def _valider_fiches(
    bruts: dict[str, Any], dispositifs: dict[str, DispositifSpec] | None, erreurs: list[ErreurCatalogue]
) -> dict[str, Fiche]:
    fiches: dict[str, Fiche] = {}
    vues: dict[str, str] = {}
    for nom, brut in bruts.items():
        if not nom.startswith(f"{DOSSIER_FICHES}/") or brut is None:
            continue
        code = Path(nom).stem
        if dispositifs is not None and code not in dispositifs:
            erreurs.append(ErreurCatalogue(nom, code, "", f"aucun dispositif {code} dans {FICHIER_DISPOSITIFS}"))
            continue
        try:
            fiche = valider_fiche(brut, nom, code)
        except CatalogueInvalide as exc:
            erreurs += exc.erreurs
            continue
        if fiche.fiche in vues:
            element = f"{code} ({fiche.fiche})"
            erreurs.append(
                ErreurCatalogue(nom, element, "fiche", f"{fiche.fiche} déjà utilisée par {vues[fiche.fiche]}")
            )
            continue
        vues[fiche.fiche] = nom
        fiches[code] = fiche
    return fiches


def _traduire(exc: ValidationError, fichier: str, element: str) -> list[ErreurCatalogue]:
    """Erreurs pydantic → erreurs en français, une par champ (la première quand une union en produit plusieurs)."""
    resultat: dict[str, ErreurCatalogue] = {}
    for err in exc.errors(include_url=False):
        champ, message = _chemin(err["loc"]), _message(err)
        if err["type"] in {"union_tag_invalid", "union_tag_not_found"}:
            champ = f"{champ}.modele" if champ else "modele"
        resultat.setdefault(champ, ErreurCatalogue(fichier, element, champ, message))
    return list(resultat.values())


def _chemin(loc: tuple[int | str, ...]) -> str:
    morceaux: list[str] = []
    for partie in loc:
        if isinstance(partie, int):
            morceaux[-1:] = [f"{morceaux[-1] if morceaux else ''}[{partie + 1}]"]
        elif partie in _MODELES or partie in _ETIQUETTES_UNION or "[" in partie or partie.startswith("function"):
            continue  # étiquette de discriminant ou de membre d'union : pas un champ du YAML
        else:
            morceaux.append(str(partie))
    return ".".join(morceaux)


_MESSAGES = {
    "missing": "champ obligatoire manquant",
    "extra_forbidden": "champ inconnu (faute de frappe ?)",
    "decimal_parsing": "nombre attendu, reçu « {input} »",
    "decimal_type": "nombre attendu, reçu « {input} »",
    "int_parsing": "nombre entier attendu, reçu « {input} »",
    "int_type": "nombre entier attendu, reçu « {input} »",
    "int_from_float": "nombre entier attendu, reçu « {input} »",
    "date_parsing": "date attendue (AAAA-MM-JJ), reçu « {input} »",
    "date_from_datetime_parsing": "date attendue (AAAA-MM-JJ), reçu « {input} »",
    "date_type": "date attendue (AAAA-MM-JJ), reçu « {input} »",
    "string_type": "texte attendu, reçu « {input} »",
    "bool_parsing": "oui/non attendu (true ou false), reçu « {input} »",
    "bool_type": "oui/non attendu (true ou false), reçu « {input} »",
    "list_type": "liste attendue",
    "dict_type": "bloc de champs attendu",
    "model_type": "bloc de champs attendu",
    "model_attributes_type": "bloc de champs attendu",
    "greater_than_equal": "doit être supérieur ou égal à {ge}, reçu {input}",
    "less_than_equal": "doit être inférieur ou égal à {le}, reçu {input}",
    "greater_than": "doit être strictement supérieur à {gt}, reçu {input}",
    "less_than": "doit être strictement inférieur à {lt}, reçu {input}",
    "string_pattern_mismatch": "format invalide « {input} »",
    "literal_error": "valeur « {input} » non admise (valeurs possibles : {expected})",
    "enum": "valeur « {input} » non admise (valeurs possibles : {expected})",
    "too_short": "au moins {min_length} élément(s) attendu(s)",
    "decimal_max_places": "au plus {decimal_places} décimales",
    "union_tag_invalid": "modèle de financement inconnu « {tag} » (modèles connus : {modeles})",
    "union_tag_not_found": "champ obligatoire manquant (modèles connus : {modeles})",
}


def _message(err: dict[str, Any]) -> str:
    contexte = {**err.get("ctx", {}), "input": _apercu(err.get("input")), "modeles": ", ".join(sorted(_MODELES))}
    if err["type"] in {"value_error", "assertion_error"}:
        return str(err["ctx"]["error"])
    gabarit = _MESSAGES.get(err["type"])
    if gabarit is None:
        return err["msg"]
    try:
        return gabarit.format(**contexte)
    except (KeyError, IndexError):
        return err["msg"]


def _apercu(valeur: Any) -> str:
    texte = "vide" if valeur is None else str(valeur)
    return texte if len(texte) <= 60 else texte[:57] + "…"


def _relatif(chemin: Path, dossier: Path) -> str:
    return chemin.relative_to(dossier).as_posix()


def _cle_code(code: str) -> tuple[int, ...]:
    try:
        return tuple(int(p) for p in code.split("."))
    except ValueError:
        return (999,)


def _empreinte(contenus: dict[str, bytes | None]) -> str:
    sha = hashlib.sha256()
    for nom in sorted(contenus):
        sha.update(nom.encode() + b"\0" + (contenus[nom] or b"") + b"\0")
    return sha.hexdigest()
