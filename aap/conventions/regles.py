"""Règles figées dans chaque opération conventionnée : échéancier, parts conditionnées, bilans et indicateurs de
la fiche du dispositif, ou, pour un dispositif sans fiche détaillée, les règles par défaut de l'édition
(`edition.yaml`, section `conventionnement:`)."""

from __future__ import annotations

import calendar
import datetime
from typing import Any

from aap.catalogue.models import Dispositif


class ReglesManquantes(Exception):
    """L'édition n'a pas de section `conventionnement:` : aucune convention ne peut être produite."""


def conventionnement(dispositif: Dispositif) -> dict[str, Any]:
    regles = dispositif.edition.conventionnement
    if not regles:
        raise ReglesManquantes(f"L'édition {dispositif.edition.annee} n'a pas de règles de conventionnement.")
    return regles


def regles_operation(dispositif: Dispositif) -> dict[str, Any]:
    """Ce que la convention fige pour une opération du dispositif (JSON, montants en chaînes)."""
    fiche = dispositif.regles or {}
    defaut = conventionnement(dispositif)
    if fiche.get("echeancier"):
        echeancier = fiche["echeancier"]
        bilans = fiche.get("bilans", [])
    else:
        echeancier = defaut["echeancier_defaut"]
        bilans = defaut["bilans_defaut"]
    financement = fiche.get("financement") or {}
    return {
        "source": f"fiche {fiche['fiche']}" if fiche.get("fiche") else "convention type de l'édition",
        "echeancier": echeancier,
        "parts_conditionnees": financement.get("parts_conditionnees", []),
        "compteurs": fiche.get("compteurs", []),
        "bilans": bilans,
        "indicateurs": fiche.get("indicateurs", []),
    }


def ajouter_mois(jour: datetime.date, mois: int) -> datetime.date:
    """`jour` + `mois` mois. Une fin de mois donne une fin de mois (30/06 + 6 → 31/12 ; 31/01 + 1 → 28 ou 29/02) ;
    sinon le même quantième, ramené au dernier jour du mois d'arrivée s'il n'existe pas."""
    total = jour.month - 1 + mois
    annee, mois_arrivee = jour.year + total // 12, total % 12 + 1
    dernier = calendar.monthrange(annee, mois_arrivee)[1]
    if jour.day == calendar.monthrange(jour.year, jour.month)[1]:
        return datetime.date(annee, mois_arrivee, dernier)
    return datetime.date(annee, mois_arrivee, min(jour.day, dernier))


def date_limite_bilan(bilan: dict[str, Any], date_fin: datetime.date) -> datetime.date | None:
    """Date limite d'un bilan pour une opération finissant le `date_fin`.

    Un délai relatif à la fin (« dans les 3 mois suivant la fin effective ») l'emporte sur la date fixe que la
    fiche en déduit pour sa période par défaut ; sans délai, la date fixe ; sans l'un ni l'autre, aucune.
    """
    if bilan.get("delai_mois_apres_fin") is not None:
        return ajouter_mois(date_fin, int(bilan["delai_mois_apres_fin"]))
    if bilan.get("echeance"):
        return datetime.date.fromisoformat(str(bilan["echeance"]))
    return None


def fin_exercice(annee: int, mois_cloture: int) -> datetime.date:
    """Dernier jour de l'exercice comptable clos en `annee` (mois de clôture 1–12)."""
    return datetime.date(annee, mois_cloture, calendar.monthrange(annee, mois_cloture)[1])
