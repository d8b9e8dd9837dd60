"""Règles de calcul des versements, en fonctions pures sur des `Decimal` (aucun accès à la base).

Répartition de la subvention selon l'échéancier (`repartir`) et modulation des échéances déclenchées par un bilan
selon la règle écrite dans `edition.yaml` (`choix:`, champ `fiches.parts_conditionnees.mesures`) :

- l'avance n'est jamais modulée : elle vaut son montant prévu ;
- à un acompte, le droit cumulé = subvention × taux cumulé de l'échéancier jusqu'à cette échéance incluse × taux
  d'atteinte, plafonné à la somme des montants prévus jusque-là ; à verser = droit − déjà engagé, jamais négatif ;
- au solde, le droit = subvention × taux d'atteinte final ; ce qui a été versé au-delà est un trop-perçu, réclamé
  par un ordre de reversement (exactement versé − droit) ;
- taux d'atteinte = Σ taux de la part × atteinte de la part / 100 (sans part conditionnée : 100 %) ; atteinte d'une
  part volume ou résultats = moyenne de ses mesures, chacune min(1, réalisé / cible) (cible nulle : 100 %) ;
  atteinte d'une part qualité = score de la charte / 100, ramené entre 0 et 1 ;
- cible d'une mesure : sa formule (« places », « postes_insertion * 12 ») évaluée sur les engagements de
  l'opération ; « stock » : la même à chaque bilan ; « flux_annuel » : un an au bilan intermédiaire (les 12 premiers
  mois, ou la durée de la convention si elle est plus courte), la durée de la convention en années au solde.

Durée en années = mois entiers entre le début et le lendemain de la fin / 12, plus la fraction du mois entamé
(jours restants / jours de ce mois) : du 01/01/2026 au 31/12/2027 → 24 mois → 2 ans. Les atteintes sont arrondies
à 0,0001 (0,01 %) et les cibles au centième, au demi supérieur, pour que le calcul montré se refasse à la main ;
les droits sont arrondis au centime au demi supérieur et jamais supérieurs à la subvention.
"""

from __future__ import annotations

import calendar
import datetime
import re
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from aap.demandes.financement import arrondi  # au centime, au demi supérieur (droits, trop-perçus)


CENTIME = Decimal("0.01")
CENT = Decimal(100)
UN = Decimal(1)
ZERO = Decimal(0)
PRECISION_ATTEINTE = Decimal("0.0001")


def centimes(montant: Decimal) -> Decimal:
    """Tronque au centime inférieur : une échéance n'excède jamais sa part exacte ; le reliquat va à la dernière."""
    return montant.quantize(CENTIME, rounding=ROUND_DOWN)


def repartir(montant: Decimal, taux: Sequence[Decimal]) -> list[Decimal]:
    """Montants des échéances d'une subvention selon les taux de l'échéancier (qui totalisent 100 %).

    Chaque échéance sauf la dernière reçoit sa part tronquée au centime ; la dernière reçoit le reste, si bien que
    la somme est exactement `montant` et que les résidus d'arrondi vont à la dernière échéance.
    """
    if not taux:
        raise ValueError("échéancier vide")
    if sum(taux, Decimal(0)) != CENT:
        raise ValueError(f"les taux totalisent {sum(taux, Decimal(0))} % au lieu de 100 %")
    if montant < 0 or montant != montant.quantize(CENTIME):
        raise ValueError("montant négatif ou non exprimé au centime")
    parts = [centimes(montant * t / CENT) for t in taux[:-1]]
    return [*parts, montant - sum(parts, Decimal(0))]


# --- Cibles et atteintes ------------------------------------------------------------------------------------------

_FORMULE = re.compile(r"^\s*([a-z_]+)\s*(?:\*\s*(\d+(?:\.\d+)?)\s*)?$")


def decimal(valeur: Any) -> Decimal | None:
    """Une valeur saisie (nombre, chaîne « 12,5 ») en Decimal ; vide ou illisible → None."""
    if valeur is None or valeur == "":
        return None
    try:
        return Decimal(str(valeur).replace(",", ".").replace("\u00a0", "").replace(" ", ""))
    except InvalidOperation:
        return None


def evaluer_cible(formule: str, engagements: Mapping[str, Any]) -> Decimal:
    """« places » ou « postes_insertion * 12 » évaluée sur les engagements (sans `eval`) ; engagement absent → 0."""
    trouve = _FORMULE.match(formule)
    if trouve is None:
        raise ValueError(f"formule de cible illisible : « {formule} »")
    quantite = decimal(engagements.get(trouve.group(1))) or ZERO
    coefficient = Decimal(trouve.group(2)) if trouve.group(2) else UN
    return quantite * coefficient


def duree_annees(debut: datetime.date, fin: datetime.date) -> Decimal:
    """Durée de la convention (fin incluse) en années : mois entiers / 12, plus la fraction du mois entamé."""
    lendemain = fin + datetime.timedelta(days=1)
    mois = (lendemain.year - debut.year) * 12 + lendemain.month - debut.month
    if lendemain.day < debut.day:
        mois -= 1

    def plus_mois(n: int) -> datetime.date:
        total = debut.month - 1 + n
        annee, m = debut.year + total // 12, total % 12 + 1
        return datetime.date(annee, m, min(debut.day, calendar.monthrange(annee, m)[1]))

    depart = plus_mois(mois)
    fraction = Decimal((lendemain - depart).days) / Decimal((plus_mois(mois + 1) - depart).days)
    return (Decimal(mois) + fraction) / 12


def facteur_cible(nature: str, solde: bool, duree: Decimal) -> Decimal:
    """Multiplicateur de la cible : stock → 1 ; flux annuel → 1 an au bilan intermédiaire, la durée au solde."""
    if nature == "stock":
        return UN
    return duree if solde else min(UN, duree)


def atteinte(realise: Decimal | None, cible: Decimal) -> Decimal:
    """min(1, réalisé / cible), jamais négative ; cible nulle → 1 ; rien de déclaré → 0."""
    if cible <= 0:
        return UN
    if realise is None:
        return ZERO
    return min(UN, max(ZERO, realise / cible)).quantize(PRECISION_ATTEINTE, rounding=ROUND_HALF_UP)


# --- Calcul d'une échéance ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LigneMesure:
    code: str
    libelle: str
    nature: str
    formule: str
    engage: Decimal
    facteur: Decimal
    cible: Decimal
    realise: Decimal | None
    atteinte: Decimal


@dataclass(frozen=True)
class LignePart:
    base: str
    definition: str
    taux: Decimal
    atteinte: Decimal
    #: taux × atteinte, en points de pourcentage de la subvention.
    contribution: Decimal
    mesures: list[LigneMesure] = field(default_factory=list)
    score_qualite: Decimal | None = None


@dataclass(frozen=True)
class Calcul:
    """Le calcul d'une échéance, montré ligne par ligne à l'agent et au porteur (et gardé en JSON)."""

    type: str
    module: bool
    subvention: Decimal
    montant_prevu: Decimal
    taux_cumule: Decimal
    plafond_cumule: Decimal
    duree_annees: Decimal | None
    parts: list[LignePart]
    taux_atteinte: Decimal
    droit: Decimal
    deja_engage: Decimal
    a_verser: Decimal
    trop_percu: Decimal
    bilan: str = ""
    notes: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return _jsonable(asdict(self))


def _jsonable(valeur: Any) -> Any:
    if isinstance(valeur, Decimal):
        return str(valeur)
    if isinstance(valeur, dict):
        return {k: _jsonable(v) for k, v in valeur.items()}
    if isinstance(valeur, list):
        return [_jsonable(v) for v in valeur]
    return valeur


def calculer_parts(
    parts: Sequence[Mapping[str, Any]],
    engagements: Mapping[str, Any],
    realisations: Mapping[str, Any],
    score_qualite: Decimal | None,
    *,
    solde: bool,
    duree: Decimal,
) -> list[LignePart]:
    """Atteinte de chaque part conditionnée au bilan (intermédiaire si `solde` est faux, final sinon)."""
    lignes = []
    for part in parts:
        taux = Decimal(str(part["taux"]))
        if part["base"] == "qualite":
            score = ZERO if score_qualite is None else score_qualite
            valeur = min(UN, max(ZERO, score / CENT)).quantize(PRECISION_ATTEINTE, rounding=ROUND_HALF_UP)
            mesures: list[LigneMesure] = []
        else:
            mesures = []
            for m in part.get("mesures", []):
                engage = evaluer_cible(m["cible"], engagements)
                facteur = facteur_cible(m["nature"], solde, duree)
                cible = arrondi(engage * facteur)
                realise = decimal(realisations.get(m["code"]))
                mesures.append(
                    LigneMesure(
                        code=m["code"],
                        libelle=m["libelle"],
                        nature=m["nature"],
                        formule=m["cible"],
                        engage=engage,
                        facteur=facteur.quantize(PRECISION_ATTEINTE, rounding=ROUND_HALF_UP),
                        cible=cible,
                        realise=realise,
                        atteinte=atteinte(realise, cible),
                    )
                )
            moyenne = sum((m.atteinte for m in mesures), ZERO) / len(mesures) if mesures else UN
            valeur = moyenne.quantize(PRECISION_ATTEINTE, rounding=ROUND_HALF_UP)
        lignes.append(
            LignePart(
                base=part["base"],
                definition=part.get("definition", ""),
                taux=taux,
                atteinte=valeur,
                contribution=taux * valeur,
                mesures=mesures,
                score_qualite=score_qualite if part["base"] == "qualite" else None,
            )
        )
    return lignes


def taux_atteinte(parts: Sequence[LignePart]) -> Decimal:
    """Σ taux × atteinte / 100 ; sans part conditionnée, 100 %."""
    if not parts:
        return UN
    return min(UN, sum((p.contribution for p in parts), ZERO) / CENT)


def calculer_echeance(
    *,
    type: str,
    subvention: Decimal,
    taux: Sequence[Decimal],
    prevus: Sequence[Decimal],
    rang: int,
    deja_engage: Decimal,
    parts: Sequence[Mapping[str, Any]] = (),
    engagements: Mapping[str, Any] | None = None,
    realisations: Mapping[str, Any] | None = None,
    score_qualite: Decimal | None = None,
    debut: datetime.date | None = None,
    fin: datetime.date | None = None,
    bilan: str = "",
) -> Calcul:
    """Le montant à verser pour l'échéance de rang `rang` (1 = première) de l'échéancier `taux` / `prevus`.

    `deja_engage` : ce qui est déjà versé ou proposé pour l'opération (hors cette échéance). Le dernier rang est
    le solde : tout trop-perçu y est calculé."""
    index = rang - 1
    prevu = prevus[index]
    taux_cumule = sum(taux[:rang], ZERO)
    plafond = sum(prevus[:rang], ZERO)
    if type == "avance":
        return Calcul(
            type=type,
            module=False,
            subvention=subvention,
            montant_prevu=prevu,
            taux_cumule=taux_cumule,
            plafond_cumule=plafond,
            duree_annees=None,
            parts=[],
            taux_atteinte=UN,
            droit=plafond,
            deja_engage=deja_engage,
            a_verser=prevu,
            trop_percu=ZERO,
            notes=["L'avance n'est pas modulée : elle est versée à son montant prévu."],
        )
    solde = rang == len(taux)
    duree = duree_annees(debut, fin) if debut and fin else UN
    lignes = calculer_parts(parts, engagements or {}, realisations or {}, score_qualite, solde=solde, duree=duree)
    atteinte_globale = taux_atteinte(lignes)
    if solde:
        droit = min(subvention, arrondi(subvention * atteinte_globale))
    else:
        droit = min(plafond, arrondi(subvention * taux_cumule / CENT * atteinte_globale))
    a_verser = max(ZERO, droit - deja_engage)
    trop = max(ZERO, deja_engage - droit) if solde else ZERO
    notes = []
    if not lignes:
        notes.append(
            "Aucune part conditionnée : l'atteinte vaut 100 % (seul le contrôle de service fait réduit le droit)."
        )
    if not solde and deja_engage > droit:
        notes.append("Déjà versé au-delà du droit cumulé : rien à verser ; l'écart sera régularisé au solde.")
    if trop:
        notes.append("Versé au-delà du droit final : le trop-perçu fait l'objet d'un ordre de reversement.")
    return Calcul(
        type=type,
        module=True,
        subvention=subvention,
        montant_prevu=prevu,
        taux_cumule=taux_cumule,
        plafond_cumule=plafond,
        duree_annees=duree.quantize(PRECISION_ATTEINTE, rounding=ROUND_HALF_UP),
        parts=lignes,
        taux_atteinte=atteinte_globale,
        droit=droit,
        deja_engage=deja_engage,
        a_verser=a_verser,
        trop_percu=trop,
        bilan=bilan,
        notes=notes,
    )
