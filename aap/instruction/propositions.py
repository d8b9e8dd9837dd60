"""Propositions de financement et enveloppes : services (une transaction, l'agent passé, un audit) et règles.

Une proposition est bloquée, chiffres à l'appui, si elle ferait dépasser son enveloppe ou l'AE disponible de sa
ligne (`aap.instruction.enveloppes.depassements`) ; la ligne puis l'enveloppe sont verrouillées pendant la
vérification et l'écriture, si bien que deux agents ne peuvent pas passer tous deux sur le dernier euro.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from aap.catalogue.models import Dispositif, LigneBudgetaire
from aap.commission.models import Decision, StatutSeance
from aap.core import audit, permissions
from aap.core.models import DPID_ROLES, Role, Territoire, User
from aap.core.templatetags.aap_ui import euros
from aap.demandes.choix import STATUTS_EN_INSTRUCTION
from aap.demandes.financement import arrondi as arrondi_centime
from aap.demandes.models import Demande
from aap.instruction.enveloppes import (
    ZERO,
    DepassementBudget,
    engagement,
    enveloppe_pour,
    ligne_pour,
    propositions_en_cours,
    territoire_par_defaut,
    verrouiller,
)
from aap.instruction.enveloppes import depassements as depassements_de
from aap.instruction.models import Enveloppe, OrigineProposition, Proposition


CENT = Decimal("0.01")
#: Champs d'une proposition que l'agent renseigne (le reste est déduit : enveloppe, ligne, auteur, dates).
CHAMPS = (
    "montant",
    "etp",
    "places",
    "dsp",
    "participants",
    "postes_insertion",
    "date_debut",
    "date_fin",
    "territoire",
    "complement",
    "modele_convention",
    "reference_convention",
    "hors_budget",
    "motivation",
)
#: Rôles qui créent et modifient les enveloppes et appliquent une répartition simulée.
ROLES_ENVELOPPES = frozenset({Role.GESTIONNAIRE, Role.ADMIN})


class PropositionImpossible(Exception):
    """La proposition (ou l'enveloppe) ne peut être enregistrée : la raison est dans le message."""


def exiger_role(agent: User, roles: frozenset[str], quoi: str) -> None:
    permissions.exiger_role(agent, roles, f"{quoi} est réservé aux agents de la DPID.")


def arrondi(montant: Decimal | int | str) -> Decimal:
    return arrondi_centime(Decimal(montant))


# --- Valeurs par défaut -----------------------------------------------------------------------------------------


def montant_par_defaut(demande: Demande) -> Decimal:
    """Le montant retenu à l'instruction du budget s'il est calculé, sinon le montant demandé (jamais plus)."""
    try:
        from aap.instruction.budget import montant_retenu
    except ImportError:
        return demande.montant_demande
    retenu = montant_retenu(demande)
    if retenu is None:
        return demande.montant_demande
    return min(arrondi(retenu), demande.montant_demande)


def valeurs_par_defaut(demande: Demande) -> dict[str, Any]:
    """Montant, quantités et période de la demande ; territoire unique de la demande, sinon « Département »."""
    convention = demande.dispositif.fiche.convention if demande.dispositif.fiche else None
    return {
        "montant": montant_par_defaut(demande),
        "etp": demande.etp,
        "places": demande.places,
        "dsp": demande.dsp,
        "participants": demande.participants,
        "postes_insertion": demande.postes_insertion,
        "date_debut": demande.date_debut or getattr(convention, "debut", None) or demande.dispositif.periode_debut,
        "date_fin": demande.date_fin or getattr(convention, "fin", None) or demande.dispositif.periode_fin,
        "territoire": territoire_par_defaut(demande),
        "complement": "",
        "modele_convention": "",
        "reference_convention": "",
        "hors_budget": False,
        "motivation": "",
    }


def figee(proposition: Proposition) -> str | None:
    """Pourquoi la proposition ne peut plus changer (décision prise, séance votée), ou None."""
    for inscription in proposition.inscriptions.select_related("seance"):
        if inscription.decision == Decision.AJOURNEE:
            continue
        if inscription.decision or inscription.seance.statut != StatutSeance.PREPARATION:
            return f"elle a été examinée par la Commission permanente du {inscription.seance.date:%d/%m/%Y}"
    return None


# --- Proposer, retirer ------------------------------------------------------------------------------------------


def _valider(demande: Demande, valeurs: dict[str, Any]) -> None:
    montant = valeurs["montant"]
    if montant < 0:
        raise PropositionImpossible("Le montant proposé ne peut pas être négatif.")
    if montant > demande.montant_demande:
        raise PropositionImpossible(
            f"Le montant proposé ({euros(montant)}) dépasse le montant demandé ({euros(demande.montant_demande)})."
        )
    if valeurs["hors_budget"] and montant != 0:
        raise PropositionImpossible(
            "Une opération hors budget départemental (payée par un autre fonds) est proposée à 0,00 €."
        )
    if valeurs["date_debut"] is None or valeurs["date_fin"] is None:
        raise PropositionImpossible("Précisez la période (début et fin) de l'opération proposée.")
    if valeurs["date_fin"] < valeurs["date_debut"]:
        raise PropositionImpossible("La fin de la période proposée précède son début.")
    if not isinstance(valeurs["territoire"], Territoire):
        raise PropositionImpossible("Choisissez le territoire sous lequel la demande figurera en annexe.")


def proposer(
    demande: Demande,
    agent: User,
    donnees: dict[str, Any] | None = None,
    at: datetime.datetime | None = None,
    *,
    origine: OrigineProposition | str = OrigineProposition.INSTRUCTION,
) -> Proposition:
    """Crée ou met à jour la proposition de financement de la demande (agents DPID, demande en instruction).

    `donnees` : les champs de `CHAMPS` à fixer ; les autres gardent leur valeur (ou, à la création, celle de la
    demande : `valeurs_par_defaut`). Lève `DepassementBudget` si l'enveloppe ou la ligne serait dépassée."""
    exiger_role(agent, DPID_ROLES, "Proposer un financement")
    donnees = dict(donnees or {})
    inconnus = set(donnees) - set(CHAMPS)
    if inconnus:
        raise TypeError(f"Champs inconnus : {sorted(inconnus)}")
    moment = at or timezone.now()
    with transaction.atomic():
        demande = Demande.objects.select_for_update().get(pk=demande.pk)
        if demande.statut not in STATUTS_EN_INSTRUCTION:
            raise PropositionImpossible(
                f"La demande est « {demande.get_statut_display()} » : seule une demande en instruction "
                "(validée ou ajournée) reçoit une proposition."
            )
        existante = Proposition.objects.filter(demande=demande).first()
        if existante is not None and (raison := figee(existante)):
            raise PropositionImpossible(f"La proposition ne peut plus être modifiée : {raison}.")
        valeurs = valeurs_par_defaut(demande) if existante is None else {c: getattr(existante, c) for c in CHAMPS}
        if donnees.get("hors_budget") and "montant" not in donnees:
            donnees["montant"] = ZERO
        valeurs.update(donnees)
        valeurs["montant"] = arrondi(valeurs["montant"])
        _valider(demande, valeurs)
        dispositif = demande.dispositif
        enveloppe = None if valeurs["hors_budget"] else enveloppe_pour(dispositif, valeurs["territoire"].pk)
        ligne = None if valeurs["hors_budget"] else ligne_pour(dispositif, enveloppe)
        verrouiller(enveloppe, ligne)
        if valeurs["montant"] > 0:
            problemes = depassements_de(valeurs["montant"], enveloppe, ligne, sauf=existante.pk if existante else None)
            if problemes:
                raise DepassementBudget(problemes)
        precedent = existante.montant if existante else None
        proposition = existante or Proposition(demande=demande)
        for champ, valeur in valeurs.items():
            setattr(proposition, champ, valeur)
        proposition.enveloppe = enveloppe
        proposition.ligne = ligne
        proposition.origine = origine
        proposition.proposee_par = agent
        proposition.proposee_le = moment
        proposition.save()
        audit.log(
            agent,
            "instruction.proposer",
            demande,
            at=moment,
            montant=proposition.montant,
            precedent=precedent,
            enveloppe=str(enveloppe) if enveloppe else None,
            ligne=ligne.code_operation if ligne else None,
            territoire=proposition.territoire.nom,
            hors_budget=proposition.hors_budget,
            origine=str(origine),
        )
    return proposition


def retirer_proposition(demande: Demande, agent: User, at: datetime.datetime | None = None) -> None:
    """Retire la proposition de la demande tant qu'elle n'est inscrite à aucune séance de la CP."""
    exiger_role(agent, DPID_ROLES, "Retirer une proposition")
    moment = at or timezone.now()
    with transaction.atomic():
        demande = Demande.objects.select_for_update().get(pk=demande.pk)
        proposition = Proposition.objects.filter(demande=demande).first()
        if proposition is None:
            raise PropositionImpossible("La demande n'a pas de proposition de financement.")
        inscription = proposition.inscriptions.select_related("seance").first()
        if inscription is not None:
            raise PropositionImpossible(
                f"La proposition est inscrite à la Commission permanente du {inscription.seance.date:%d/%m/%Y} : "
                "retirez-la d'abord de l'ordre du jour de la séance."
            )
        montant = proposition.montant
        proposition.delete()
        audit.log(agent, "instruction.retirer_proposition", demande, at=moment, montant=montant)


# --- Enveloppes -------------------------------------------------------------------------------------------------


def _rattacher(dispositif: Dispositif) -> None:
    """Recalcule l'enveloppe et la ligne des propositions en cours du dispositif (après création ou modification
    d'une enveloppe) ; les propositions votées gardent les leurs."""
    enveloppes = {e.territoire_id: e for e in Enveloppe.objects.filter(dispositif=dispositif)}
    for proposition in propositions_en_cours().filter(demande__dispositif=dispositif, hors_budget=False):
        enveloppe = enveloppes.get(proposition.territoire_id) or enveloppes.get(None)
        ligne_id = enveloppe.ligne_id if enveloppe else dispositif.ligne_budgetaire_id
        if (proposition.enveloppe_id, proposition.ligne_id) != (enveloppe and enveloppe.pk, ligne_id):
            Proposition.objects.filter(pk=proposition.pk).update(enveloppe=enveloppe, ligne_id=ligne_id)


def enregistrer_enveloppe(
    agent: User,
    *,
    montant: Decimal,
    ligne: LigneBudgetaire,
    dispositif: Dispositif | None = None,
    territoire: Territoire | None = None,
    enveloppe: Enveloppe | None = None,
    at: datetime.datetime | None = None,
) -> Enveloppe:
    """Crée l'enveloppe (dispositif, territoire ou tous territoires) sur une ligne, ou modifie la ligne et le
    montant d'une enveloppe existante. Les propositions en cours du dispositif y sont rattachées ; l'enveloppe
    doit couvrir ce qui est déjà proposé et voté, et la ligne ne doit pas dépasser son AE disponible."""
    exiger_role(agent, ROLES_ENVELOPPES, "La gestion des enveloppes")
    montant = arrondi(montant)
    if montant < 0:
        raise PropositionImpossible("Le montant d'une enveloppe ne peut pas être négatif.")
    moment = at or timezone.now()
    with transaction.atomic():
        if enveloppe is not None:
            enveloppe = (
                Enveloppe.objects.select_for_update(of=("self",)).select_related("dispositif").get(pk=enveloppe.pk)
            )
            dispositif, territoire = enveloppe.dispositif, enveloppe.territoire
        elif dispositif is None:
            raise PropositionImpossible("Choisissez le dispositif de l'enveloppe.")
        elif Enveloppe.objects.filter(dispositif=dispositif, territoire=territoire).exists():
            portee = territoire.nom if territoire else "tous territoires"
            raise PropositionImpossible(f"Le dispositif {dispositif.code} a déjà une enveloppe ({portee}).")
        if ligne.edition_id != dispositif.edition_id:
            raise PropositionImpossible("La ligne budgétaire doit être de la même édition que le dispositif.")
        if territoire is not None and not territoire.est_departement:
            if dispositif.territoires.exists() and not dispositif.territoires.filter(pk=territoire.pk).exists():
                raise PropositionImpossible(f"Le dispositif {dispositif.code} n'est pas ouvert sur {territoire}.")
        verrouiller(None, ligne)
        avant = engagement(ligne=ligne).total
        precedent = (enveloppe.montant, enveloppe.ligne.code_operation) if enveloppe else None
        if enveloppe is None:
            enveloppe = Enveloppe(dispositif=dispositif, territoire=territoire)
        enveloppe.ligne, enveloppe.montant = ligne, montant
        enveloppe.modifiee_par, enveloppe.modifiee_le = agent, moment
        enveloppe.save()
        _rattacher(dispositif)
        engage = engagement(enveloppe=enveloppe)
        if engage.total > montant:
            raise PropositionImpossible(
                f"L'enveloppe ({euros(montant)}) ne couvrirait pas ce qui est déjà engagé : "
                f"{euros(engage.propose)} proposés et {euros(engage.vote)} votés."
            )
        apres = engagement(ligne=ligne).total
        plafond = ligne.ae - ligne.deja_engage
        if apres > plafond and apres > avant:
            raise PropositionImpossible(
                f"La ligne {ligne.code_operation} dépasserait son AE disponible ({euros(plafond)}) : "
                f"{euros(apres)} proposés et votés après rattachement des propositions de l'enveloppe."
            )
        audit.log(
            agent,
            "instruction.enveloppe",
            enveloppe,
            at=moment,
            dispositif=dispositif.code,
            territoire=territoire.nom if territoire else None,
            ligne=ligne.code_operation,
            montant=montant,
            precedent=precedent,
        )
    return enveloppe
