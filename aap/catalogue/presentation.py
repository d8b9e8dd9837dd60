"""Mise en forme des règles d'une fiche pour les pages publiques (aucune règle n'est écrite ici : tout vient
de la fiche ; ce module ne fait que traduire des valeurs en libellés et calculer des exemples)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from aap.catalogue.schema import (
    Choix,
    Compteur,
    EncadrementForfaitPlafond,
    Fiche,
    FraisPersonnelForfait,
)


CENTIME = Decimal("0.01")

LIBELLES_COMPTEURS = {
    Compteur.ETP: "ETP",
    Compteur.PLACES: "places d'accompagnement",
    Compteur.DSP: "DSP",
    Compteur.PARTICIPANTS: "participants",
    Compteur.POSTES_INSERTION: "postes en insertion",
}

LIBELLES_BASES = {"volume": "Volume", "qualite": "Qualité", "resultats": "Résultats"}

_RUBRIQUES = {
    "financement": "Financement",
    "echeancier": "Versements",
    "bilans": "Bilans",
    "sessions": "Sessions de dépôt",
    "convention": "Convention",
    "public": "Public",
    "indicateurs": "Indicateurs",
    "compteurs": "Données déclarées",
    "territoires": "Territoires",
    "periode": "Période",
    "titre": "Intitulé",
    "code": "Numérotation",
    "modalites": "Déroulement",
    "contacts": "Contacts",
    "description": "Description",
    "ratios": "Ratios",
    "porteurs": "Porteurs",
}


@dataclass(frozen=True)
class Precision:
    rubrique: str
    decision: str


def precisions(*listes: list[Choix] | list[dict]) -> list[Precision]:
    """Les choix d'interprétation, avec une rubrique lisible tirée du chemin du champ."""
    resultat = []
    for liste in listes:
        for choix in liste:
            champ, decision = (
                (choix.champ, choix.decision) if isinstance(choix, Choix) else (choix["champ"], choix["decision"])
            )
            tete = re.split(r"[.\[]", champ, maxsplit=1)[0]
            resultat.append(Precision(_RUBRIQUES.get(tete, "Précision"), decision))
    return resultat


def formule_lisible(formule: str | None) -> str:
    """« postes_insertion * 0.45 » → « postes en insertion × 0,45 »."""
    if not formule:
        return ""
    texte = formule
    for compteur, libelle in LIBELLES_COMPTEURS.items():
        texte = re.sub(rf"\b{compteur.value}\b", libelle, texte)
    texte = re.sub(r"(\d)\.(\d)", r"\1,\2", texte)
    return texte.replace("*", "×").replace("_", " ")


@dataclass(frozen=True)
class ExempleForfait:
    base: Decimal
    forfait: Decimal
    total: Decimal


@dataclass(frozen=True)
class ExemplePlafond:
    postes: int
    mois: int
    plafond: Decimal


def exemple_forfait(fiche: Fiche, base: Decimal = Decimal("100000")) -> ExempleForfait | None:
    """Exemple chiffré du forfait appliqué aux frais de personnel (taux lu dans la fiche)."""
    financement = fiche.financement
    if not isinstance(financement, FraisPersonnelForfait | EncadrementForfaitPlafond):
        return None
    forfait = (base * financement.taux_forfait / 100).quantize(CENTIME, rounding=ROUND_HALF_UP)
    return ExempleForfait(base=base, forfait=forfait, total=base + forfait)


def exemple_plafond(fiche: Fiche, postes: int = 10) -> ExemplePlafond | None:
    """Plafond du coût total éligible pour `postes` postes en insertion sur la durée de la convention."""
    financement = fiche.financement
    if not isinstance(financement, EncadrementForfaitPlafond):
        return None
    mois = fiche.convention.duree_max_mois
    plafond = (financement.plafond_participant_mois * postes * mois).quantize(CENTIME, rounding=ROUND_HALF_UP)
    return ExemplePlafond(postes=postes, mois=mois, plafond=plafond)
