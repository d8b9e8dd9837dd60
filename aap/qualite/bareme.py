"""Des mesures aux points et au score de la charte (docs/charte-qualite.md, « Des mesures aux points »).

Fonctions pures sur des `Decimal`, sans accès à la base :

- critère calculé de poids P, cible C, plancher L, valeur V : `au_moins` → P × min(1, max(0, (V − L) / (C − L))),
  `au_plus` → P × min(1, max(0, (L − V) / (L − C))) ; dénominateur nul : « sans objet », ni points ni poids ;
- appréciation : la note de l'agent (0 à P) ; non notée, elle vaut 0 et le résultat n'est pas communicable
  (`a_noter`) ;
- bonus : la note de l'agent, 0 par défaut ;
- score = 100 × Σ points (calcul + appréciation) / Σ poids (calcul non sans objet + appréciation) + Σ bonus,
  plafonné à 100, arrondi au centième (demi vers le haut) ; points de chaque critère arrondis au centième.
  Si tous les critères calculés sont sans objet et qu'il n'y a pas d'appréciation, la première partie vaut 0.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from decimal import ROUND_HALF_UP, Decimal

from aap.catalogue.schema_charte import Charte, CritereCharte
from aap.qualite.calcul import Mesure


CENTIEME = Decimal("0.01")
CENT = Decimal(100)
ZERO = Decimal(0)
UN = Decimal(1)


def au_centieme(valeur: Decimal) -> Decimal:
    return valeur.quantize(CENTIEME, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class LigneCritere:
    code: str
    libelle: str
    categorie: str
    nature: str  # calcul | appreciation | bonus
    poids: Decimal
    sens: str
    cible: Decimal | None
    plancher: Decimal | None
    numerateur: Decimal | None
    denominateur: int | None
    valeur: Decimal | None
    #: Points arrondis au centième ; None : sans objet, ou appréciation / bonus pas encore noté.
    points: Decimal | None
    sans_objet: bool
    #: Appréciation pas encore notée : le résultat ne peut pas être communiqué à la structure.
    a_noter: bool


def points_calcules(critere: CritereCharte, valeur: Decimal) -> Decimal:
    """Points d'un critère calculé pour la valeur mesurée (non arrondie), arrondis au centième."""
    cible, plancher = critere.cible, critere.plancher
    if critere.sens == "au_moins":
        part = (valeur - plancher) / (cible - plancher)
    else:
        part = (plancher - valeur) / (plancher - cible)
    return au_centieme(critere.poids * min(UN, max(ZERO, part)))


def _note(critere: CritereCharte, note: Decimal | None) -> Decimal | None:
    if note is None:
        return None
    note = Decimal(note)
    if not ZERO <= note <= critere.poids:
        raise ValueError(f"critère {critere.code} : note {note} hors de [0, {critere.poids}]")
    return au_centieme(note)


def _ligne(critere: CritereCharte, mesure: Mesure | None, note: Decimal | None) -> LigneCritere:
    champs = dict(
        code=critere.code,
        libelle=critere.libelle,
        categorie=critere.categorie,
        nature=critere.nature,
        poids=critere.poids,
        sens=critere.sens,
        cible=critere.cible,
        plancher=critere.plancher,
    )
    if critere.nature == "calcul":
        sans_objet = mesure is None or mesure.denominateur == 0 or mesure.valeur is None
        return LigneCritere(
            **champs,
            numerateur=mesure.numerateur if mesure else None,
            denominateur=mesure.denominateur if mesure else None,
            valeur=mesure.valeur if mesure else None,
            points=None if sans_objet else points_calcules(critere, mesure.valeur),
            sans_objet=sans_objet,
            a_noter=False,
        )
    points = _note(critere, note)
    return LigneCritere(
        **champs,
        numerateur=None,
        denominateur=None,
        valeur=None,
        points=points,
        sans_objet=False,
        a_noter=critere.nature == "appreciation" and points is None,
    )


def noter(
    charte: Charte, mesures: Mapping[str, Mesure], notes: Mapping[str, Decimal]
) -> tuple[Decimal, list[LigneCritere]]:
    """Score (%) et lignes de la grille, dans l'ordre de la charte.

    `mesures` : la sortie de `calcul.mesurer` pour une structure (par code de critère ; un critère calculé
    absent est sans objet) ; `notes` : les points donnés par les agents aux critères d'appréciation et aux bonus.
    ValueError : une note hors de [0, poids], ou sur un critère inconnu ou calculé."""
    criteres = {critere.code: critere for critere in charte.criteres}
    for code in notes:
        if code not in criteres or criteres[code].nature == "calcul":
            raise ValueError(f"note sur « {code} », qui n'est ni une appréciation ni un bonus de la grille")
    lignes = [_ligne(critere, mesures.get(critere.code), notes.get(critere.code)) for critere in charte.criteres]
    points = poids = bonus = ZERO
    for ligne in lignes:
        if ligne.nature == "bonus":
            bonus += ligne.points or ZERO
        elif not ligne.sans_objet:
            points += ligne.points or ZERO
            poids += ligne.poids
    score = (CENT * points / poids if poids else ZERO) + bonus
    return au_centieme(min(CENT, score)), lignes


def communicable(lignes: Iterable[LigneCritere]) -> bool:
    """Vrai quand toutes les appréciations sont notées (le résultat peut être communiqué à la structure)."""
    return not any(ligne.a_noter for ligne in lignes)


def _json(valeur):
    if isinstance(valeur, Decimal):
        return str(valeur)
    return valeur


def detail_json(lignes: Iterable[LigneCritere]) -> list[dict]:
    """Les lignes pour `ResultatCharte.detail` : Decimals en chaînes (la valeur arrondie au centième, pour
    l'affichage), None et booléens tels quels."""
    detail = []
    for ligne in lignes:
        champs = asdict(ligne)
        if ligne.valeur is not None:
            champs["valeur"] = au_centieme(ligne.valeur)
        detail.append({cle: _json(valeur) for cle, valeur in champs.items()})
    return detail
