"""Ce que partagent les lignes d'un import : acteur et portée, états d'une ligne, règles de la fiche."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from aap.catalogue.models import Dispositif
from aap.catalogue.schema_parcours import RegleParcours
from aap.core.models import Role, User
from aap.parcours import models as m
from aap.parcours import rules
from aap.parcours.imports.colonnes import EVENEMENTS, ORIENTATIONS
from aap.parcours.imports.lecture import LigneRejetee


CREE, MODIFIE, INCHANGE, REJETE = "cree", "modifie", "inchange", "rejete"
ETATS = {CREE: "créée", MODIFIE: "modifiée", INCHANGE: "inchangée", REJETE: "rejetée"}


class ImportImpossible(Exception):
    """L'import ne peut pas commencer (acteur, fichier) : rien n'est lu ni écrit."""


def verifier_acteur(nature: str, acteur: User | None) -> None:
    """Orientations : agent SLAI ou DPID ; événements : référent de parcours (de la structure, vérifié ligne
    à ligne)."""
    if acteur is None or not acteur.is_authenticated or not acteur.is_active:
        raise ImportImpossible("Aucun compte actif pour cet import.")
    if nature == ORIENTATIONS and not (acteur.role == Role.SLAI or acteur.est_dpid):
        raise ImportImpossible("Les orientations sont importées par un agent SLAI ou un agent de la DPID.")
    if nature == EVENEMENTS and acteur.role != Role.REFERENT:
        raise ImportImpossible("Les événements des parcours sont importés par un référent de la structure.")
    if nature not in (ORIENTATIONS, EVENEMENTS):
        raise ImportImpossible(f"Nature d'import inconnue « {nature} » : orientations ou evenements.")


@dataclass
class Issue:
    """Ce qu'une unité (une ligne, ou un contrat et ses actions) a fait ou ferait."""

    etat: str
    objet: str = ""
    avertissements: list[str] = field(default_factory=list)


def regle_parcours(dispositif: Dispositif, code: str) -> RegleParcours | None:
    """La règle `code` de la fiche du dispositif (`aap.parcours.rules`), ou None si la fiche ne la connaît pas."""
    try:
        return rules.regle_parcours(dispositif, code)
    except ValueError:
        return None


def verifier_apres_orientation(orientation: m.Orientation, jour: datetime.date | None, colonne: str) -> None:
    if jour is not None and jour < orientation.date_orientation:
        raise LigneRejetee.une(
            colonne, f"{jour:%d/%m/%Y} : antérieure à l'orientation du {orientation.date_orientation:%d/%m/%Y}"
        )


def comparer(objet: object, valeurs: dict) -> bool:
    """Vrai si l'objet a déjà toutes ces valeurs."""
    return all(getattr(objet, cle) == valeur for cle, valeur in valeurs.items())


def affecter(objet: object, valeurs: dict) -> None:
    for cle, valeur in valeurs.items():
        setattr(objet, cle, valeur)
