"""Un contrat d'engagement et ses actions : la ligne `contrat` et toutes les lignes `action` qui portent sa
référence dans la colonne `contrat` forment un bloc, appliqué entièrement ou pas du tout (une action invalide
rejette le contrat).

Règles de la fiche (`parcours:` du dispositif) : nombre minimal d'actions (dont d'insertion professionnelle),
durée maximale du contrat, renouvellement (rang 2 et plus) seulement si la fiche le permet et, le cas échéant,
après la revue SLAI du contrat précédent, durée totale maximale. Les délais (signature à 4 semaines) et les
heures SIA hors fourchette ne rejettent pas : la charte les mesure ; ils sont signalés en avertissement.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from aap.core import audit
from aap.core.models import User
from aap.parcours import choices as c
from aap.parcours import models as m
from aap.parcours.imports.communs import (
    CREE,
    INCHANGE,
    MODIFIE,
    Issue,
    affecter,
    ajouter_mois,
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


def verifier_regles(orientation: m.Orientation, contrat: dict, actions: list[ActionLue], reference: str) -> list[str]:
    """Les règles de la fiche ; rend les avertissements (délais, heures)."""
    regle = regle_parcours(orientation.dispositif, orientation.parcours)
    if regle is None:
        raise LigneRejetee.une("", f"le parcours « {orientation.parcours} » n'a plus de règle dans la fiche")
    if regle.duree_ce_mois is None and regle.actions_ce_min is None and regle.delai_signature_ce_jours is None:
        raise LigneRejetee.une("type", f"le parcours « {regle.libelle} » ne prévoit pas de contrat d'engagement")
    avertissements = []
    if regle.duree_ce_mois and contrat["date_fin"] > ajouter_mois(contrat["date_debut"], regle.duree_ce_mois):
        raise LigneRejetee.une(
            "fin",
            f"contrat de plus de {regle.duree_ce_mois} mois : la fiche fixe sa durée à {regle.duree_ce_mois} mois",
        )
    if regle.actions_ce_min and len(actions) < regle.actions_ce_min:
        raise LigneRejetee.une(
            "", f"contrat {reference} : {len(actions)} action(s), la fiche en exige au moins {regle.actions_ce_min}"
        )
    pro = sum(1 for a in actions if a.valeurs["categorie"] == c.CategorieAction.INSERTION_PRO)
    if regle.actions_insertion_pro_min and pro < regle.actions_insertion_pro_min:
        raise LigneRejetee.une(
            "",
            f"contrat {reference} : {pro} action(s) d'insertion professionnelle, "
            f"la fiche en exige au moins {regle.actions_insertion_pro_min}",
        )
    if contrat["rang"] > 1:
        if regle.renouvellement == "non":
            raise LigneRejetee.une("rang", f"le parcours « {regle.libelle} » ne permet pas de renouveler le contrat")
        precedent = orientation.contrats.filter(rang=contrat["rang"] - 1).first()
        if precedent is None:
            raise LigneRejetee.une(
                "rang", f"renouvellement n° {contrat['rang']} sans contrat n° {contrat['rang'] - 1}"
            )
        if regle.renouvellement == "apres_revue_slai" and precedent.revue_slai_le is None:
            raise LigneRejetee.une("rang", "renouvellement sans revue SLAI du contrat précédent (revue_slai)")
        premier = orientation.contrats.order_by("rang").first()
        if regle.duree_totale_max_mois and contrat["date_fin"] > ajouter_mois(
            premier.date_debut, regle.duree_totale_max_mois
        ):
            raise LigneRejetee.une("fin", f"durée totale des contrats au-delà de {regle.duree_totale_max_mois} mois")
    delai = (contrat["date_signature"] - orientation.date_orientation).days
    if contrat["rang"] == 1 and regle.delai_signature_ce_jours and delai > regle.delai_signature_ce_jours:
        avertissements.append(
            f"contrat signé {delai} jours après l'orientation (cible : {regle.delai_signature_ce_jours})"
        )
    h = contrat["heures_hebdo_prevues"]
    if h is not None and (
        (regle.heures_hebdo_min is not None and h < regle.heures_hebdo_min)
        or (regle.heures_hebdo_max is not None and h > regle.heures_hebdo_max)
    ):
        avertissements.append(f"{h} h par semaine hors de la fourchette de la fiche")
    return avertissements


def appliquer(
    orientation: m.Orientation, contrat: dict, actions: list[ActionLue], reference: str, acteur: User
) -> Issue:
    avertissements = verifier_regles(orientation, contrat, actions, reference)
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
