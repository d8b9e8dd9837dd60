"""Un contrat d'engagement et ses actions : la ligne `contrat` et toutes les lignes `action` qui portent sa
référence dans la colonne `contrat` forment un bloc, appliqué entièrement ou pas du tout (une action invalide
rejette le contrat).

Règles de la fiche (`parcours:` du dispositif, lues par `aap.parcours.rules` comme pour la saisie) : le parcours
prévoit un contrat ; le contrat ne dépasse pas la durée de la fiche ; un renouvellement (rang 2 et plus) suit un
contrat de rang précédent, seulement si la fiche le permet, après la revue SLAI quand elle l'exige, dans la
durée totale maximale. Comme à la saisie, les manques de qualité (moins d'actions que la fiche n'en demande,
aucune action sur toute la durée, détail vide, heures SIA hors fourchette, signature après le délai) ne
rejettent pas : la charte les mesure ; ils sont rapportés en avertissement.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError

from aap.core import audit
from aap.core.models import User
from aap.parcours import choices as c
from aap.parcours import models as m
from aap.parcours import rules
from aap.parcours.imports.communs import (
    CREE,
    INCHANGE,
    MODIFIE,
    Issue,
    affecter,
    comparer,
    regle_parcours,
    verifier_apres_orientation,
)
from aap.parcours.imports.lecture import Champs, LigneRejetee


@dataclass
class ActionLue:
    numero: int
    valeurs: dict


def lire_action(champs: Champs) -> dict:
    valeurs = {
        "libelle": champs.texte("libelle", requis=True),
        "detail": champs.texte("detail", longueur=5000),
        "categorie": champs.code("categorie", c.CategorieAction, requis=True),
        "date_debut": champs.date("debut", requis=True),
        "date_fin": champs.date("fin", requis=True),
        "dispositif_departemental": champs.booleen("departemental"),
    }
    if valeurs["date_debut"] and valeurs["date_fin"] and valeurs["date_fin"] < valeurs["date_debut"]:
        champs.erreur("fin", f"{valeurs['date_fin']:%d/%m/%Y} : avant le début de l'action")
    champs.verifier()
    return valeurs


def lire_contrat(champs: Champs, orientation: m.Orientation) -> dict:
    valeurs = {
        "rang": champs.entier("rang") or 1,
        "date_signature": champs.date("date", requis=True),
        "date_debut": champs.date("debut", requis=True),
        "date_fin": champs.date("fin", requis=True),
        "heures_hebdo_prevues": champs.nombre("heures", maximum=Decimal(60)),
        "statut": champs.code("statut", c.StatutContrat) or c.StatutContrat.SIGNE,
        "date_cloture": champs.date("cloture"),
        "revue_slai_le": champs.date("revue_slai"),
        "observations": champs.texte("detail", longueur=5000),
    }
    debut, fin = valeurs["date_debut"], valeurs["date_fin"]
    if debut and fin and fin < debut:
        champs.erreur("fin", f"{fin:%d/%m/%Y} : avant le début du contrat")
    if valeurs["statut"] == c.StatutContrat.SIGNE and valeurs["date_cloture"]:
        champs.erreur("cloture", "un contrat « signe » (en cours) n'a pas de date de clôture : statut clos ou rompu")
    if valeurs["statut"] in (c.StatutContrat.CLOS, c.StatutContrat.ROMPU) and not valeurs["date_cloture"]:
        champs.erreur("cloture", f"contrat « {valeurs['statut']} » : date de clôture obligatoire")
    champs.verifier()
    verifier_apres_orientation(orientation, valeurs["date_signature"], "date")
    return valeurs


def verifier_regles(orientation: m.Orientation, contrat: dict, actions: list[ActionLue]) -> list[str]:
    """Les règles dures de la fiche (`aap.parcours.rules`) ; rend les avertissements de qualité du contrat."""
    regle = regle_parcours(orientation.dispositif, orientation.parcours)
    if regle is None or regle.duree_ce_mois is None:
        raise LigneRejetee.une(
            "type", f"le parcours « {orientation.parcours} » ne prévoit pas de contrat d'engagement"
        )
    fin_max = rules.fin_de_contrat(contrat["date_debut"], regle)
    if contrat["date_fin"] > fin_max:
        raise LigneRejetee.une(
            "fin",
            f"{contrat['date_fin']:%d/%m/%Y} : un contrat de {regle.duree_ce_mois} mois commencé le "
            f"{contrat['date_debut']:%d/%m/%Y} finit au plus tard le {fin_max:%d/%m/%Y}",
        )
    if contrat["rang"] > 1:
        precedent = orientation.contrats.filter(rang=contrat["rang"] - 1).first()
        if precedent is None:
            raise LigneRejetee.une(
                "rang", f"renouvellement n° {contrat['rang']} sans contrat n° {contrat['rang'] - 1}"
            )
        premier = orientation.contrats.order_by("rang").first()
        try:
            rules.verifier_renouvellement(
                regle,
                rang=contrat["rang"],
                precedent=precedent,
                premier_debut=premier.date_debut,
                date_debut=contrat["date_debut"],
                date_fin=contrat["date_fin"],
            )
        except ValidationError as exc:
            raise LigneRejetee.une("rang", " ".join(exc.messages)) from None
    return rules.problemes_contrat(
        regle,
        date_debut=contrat["date_debut"],
        date_fin=contrat["date_fin"],
        actions=[a.valeurs for a in actions],
        heures_hebdo_prevues=contrat["heures_hebdo_prevues"],
        date_signature=contrat["date_signature"] if contrat["rang"] == 1 else None,
        date_orientation=orientation.date_orientation,
    )


def appliquer(
    orientation: m.Orientation, contrat: dict, actions: list[ActionLue], reference: str, acteur: User
) -> Issue:
    avertissements = verifier_regles(orientation, contrat, actions)
    objet = m.ContratEngagement.objects.filter(orientation=orientation, reference_externe=reference).first()
    occupe = orientation.contrats.filter(rang=contrat["rang"]).exclude(reference_externe=reference).exists()
    if occupe:
        raise LigneRejetee.une("rang", f"l'orientation a déjà un contrat n° {contrat['rang']} d'une autre référence")
    voulues = sorted(tuple(sorted(a.valeurs.items())) for a in actions)
    if objet is None:
        objet = m.ContratEngagement.objects.create(orientation=orientation, reference_externe=reference, **contrat)
        etat = CREE
    else:
        if objet.rang != contrat["rang"]:
            raise LigneRejetee.une("rang", f"contrat déjà importé au rang {objet.rang} : corrigez dans l'application")
        actuelles = (
            sorted(tuple(sorted({k: getattr(a, k) for k in actions[0].valeurs}.items())) for a in objet.actions.all())
            if actions
            else []
        )
        if comparer(objet, contrat) and actuelles == voulues:
            return Issue(INCHANGE, str(objet), avertissements)
        affecter(objet, contrat)
        objet.save()
        objet.actions.all().delete()
        etat = MODIFIE
    m.ActionContrat.objects.bulk_create([m.ActionContrat(contrat=objet, **a.valeurs) for a in actions])
    audit.log(
        acteur, f"parcours.import.contrat.{'creer' if etat == CREE else 'modifier'}", objet, actions=len(actions)
    )
    return Issue(etat, str(objet), avertissements)
