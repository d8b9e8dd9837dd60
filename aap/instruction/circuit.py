"""Circuit d'une demande reçue : contrôle de complétude par la DPID, demandes de compléments (chaque tour est
conservé), redépôt par la structure, retrait de la demande par la structure.

Une transaction par action, l'acteur passé en paramètre, une ligne d'audit ; les changements de statut passent
par `aap.demandes.workflow.WORKFLOW` (qui les journalise). Les courriels partent une fois la transaction
validée (`transaction.on_commit`) : un envoi perdu n'annule jamais l'action.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Sequence
from typing import Any

from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Max
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from aap.commission.models import Inscription, StatutSeance
from aap.core import audit
from aap.core.models import DPID_ROLES, User
from aap.core.permissions import exiger_dpid
from aap.demandes.choix import StatutDemande
from aap.demandes.models import Demande
from aap.demandes.rules import (
    ActionRefusee,
    DemandeHorsPortail,
    DemandeIncomplete,
    controler_completude,
    exiger_ecriture,
    message_hors_portail,
    peut_ecrire,
)
from aap.demandes.services import verrouiller
from aap.demandes.workflow import WORKFLOW
from aap.instruction.models import Affectation, ControleCompletude, DemandeComplements
from aap.structures.emails import url_absolue
from aap.structures.models import Membre
from aap.structures.selectors import etat_documents


logger = logging.getLogger(__name__)

__all__ = [
    "controler",
    "demander_complements",
    "manques_detectes",
    "redeposer",
    "retirer",
]


def _maintenant(at: datetime.datetime | None) -> datetime.datetime:
    return at or timezone.now()


def _exiger_dpid(agent: User) -> None:
    exiger_dpid(agent, "Le contrôle de complétude et les compléments sont réservés aux agents de la DPID.")


def manques_detectes(demande: Demande, at: datetime.date | None = None) -> list[str]:
    """Ce que le logiciel relève de lui-même : le dossier et le plan (`controler_completude`), puis les pièces
    exigées de la structure manquantes ou expirées à la date `at` (le critère « pièces » de l'éligibilité).
    Liste vide : rien à signaler."""
    manques = controler_completude(demande)
    pieces = [e for e in etat_documents(demande.structure, at).values() if e.bloquante]
    if pieces:
        detail = ", ".join(f"{e.libelle} ({e.etat.label.lower()})" for e in pieces)
        manques.append(f"Pièces de la structure à fournir ou à renouveler : {detail}.")
    return manques


def controler(
    demande: Demande,
    agent: User,
    complete: bool,
    manques: Sequence[str] = (),
    commentaire: str = "",
    at: datetime.datetime | None = None,
) -> ControleCompletude:
    """Enregistre le contrôle de complétude d'une demande reçue : « complet », ou la liste de ce qui manque
    (au moins un point ou un commentaire). Les contrôles précédents restent ; le dernier fait foi."""
    _exiger_dpid(agent)
    manques = [] if complete else [m.strip() for m in manques if m and m.strip()]
    commentaire = commentaire.strip()
    if not complete and not manques and not commentaire:
        raise ActionRefusee("Indiquez ce qui manque au dossier, ou confirmez qu'il est complet.")
    moment = _maintenant(at)
    with transaction.atomic():
        verrouiller(demande)
        if demande.statut != StatutDemande.VALIDEE:
            raise ActionRefusee(
                "Le contrôle de complétude porte sur une demande reçue, en instruction "
                f"(celle-ci est « {demande.get_statut_display()} »)."
            )
        controle = ControleCompletude.objects.create(
            demande=demande, agent=agent, fait_le=moment, complete=complete, manques=manques, commentaire=commentaire
        )
        audit.log(
            agent,
            "instruction.completude",
            demande,
            at=moment,
            complete=complete,
            manques=manques,
            commentaire=commentaire,
        )
    return controle


def demander_complements(
    demande: Demande,
    agent: User,
    motif: str,
    echeance: datetime.date | None = None,
    at: datetime.datetime | None = None,
) -> DemandeComplements:
    """Ouvre un tour de compléments (numéroté à la suite des précédents) : la demande passe en « compléments
    demandés », la structure peut modifier le dossier et le plan même la session close, et ses membres actifs
    sont prévenus par courriel."""
    _exiger_dpid(agent)
    motif = motif.strip()
    if not motif:
        raise ActionRefusee("Décrivez les compléments attendus.")
    moment = _maintenant(at)
    if echeance is not None and echeance < timezone.localdate(moment):
        raise ActionRefusee("L'échéance des compléments ne peut pas être déjà passée.")
    with transaction.atomic():
        verrouiller(demande)
        if not WORKFLOW.can(demande, "demander_complements"):
            raise ActionRefusee(
                "Des compléments se demandent sur une demande reçue, en instruction "
                f"(celle-ci est « {demande.get_statut_display()} »)."
            )
        if demande.session_id is None:
            raise ActionRefusee(
                "Demande importée d'un tableau de propositions (hors portail) : la structure ne peut pas compléter "
                "son dossier en ligne. Demandez-lui les compléments directement."
            )
        numero = (demande.tours_complements.aggregate(n=Max("numero"))["n"] or 0) + 1
        tour = DemandeComplements.objects.create(
            demande=demande, numero=numero, motif=motif, echeance=echeance, demandee_par=agent, demandee_le=moment
        )
        WORKFLOW.apply(
            demande,
            "demander_complements",
            agent,
            at=moment,
            extra_fields=["modifiee_le"],
            tour=numero,
            echeance=echeance,
        )
        transaction.on_commit(lambda: _envoyer_sans_echec(_notifier_complements, tour))
    return tour


def redeposer(
    demande: Demande, acteur: User, reponse: str, at: datetime.datetime | None = None
) -> DemandeComplements | None:
    """La structure redépose son dossier complété : il doit de nouveau être complet et son plan équilibré et
    conforme. Le tour en cours est clos avec la réponse, la demande revient « validée » (en instruction) et
    l'instructeur chargé de la demande est prévenu. Renvoie le tour clos."""
    exiger_ecriture(acteur, demande.structure)
    reponse = reponse.strip()
    if not reponse:
        raise ActionRefusee("Indiquez en quelques mots ce que vous avez complété ou corrigé.")
    moment = _maintenant(at)
    with transaction.atomic():
        verrouiller(demande)
        if not WORKFLOW.can(demande, "redeposer"):
            raise ActionRefusee("Aucun complément n'est demandé sur cette demande : rien à redéposer.")
        if demande.session_id is None:
            raise DemandeHorsPortail(message_hors_portail("deposer"))
        manques = controler_completude(demande)
        if manques:
            raise DemandeIncomplete(manques)
        tour = demande.tours_complements.filter(repondue_le__isnull=True).order_by("-numero").first()
        if tour is not None:
            tour.reponse, tour.repondue_par, tour.repondue_le = reponse, acteur, moment
            tour.save(update_fields=["reponse", "repondue_par", "repondue_le"])
        WORKFLOW.apply(
            demande,
            "redeposer",
            acteur,
            at=moment,
            extra_fields=["modifiee_le"],
            tour=tour.numero if tour else None,
            cout_total=demande.cout_total,
            montant_demande=demande.montant_demande,
        )
        transaction.on_commit(lambda: _envoyer_sans_echec(_notifier_redepot, demande, tour))
    return tour


def retirer(demande: Demande, acteur: User, motif: str, at: datetime.datetime | None = None) -> Demande:
    """Retrait de la demande par la structure (déposée, reçue, en compléments ou ajournée), avec son motif.

    Si sa proposition est inscrite à une séance de la Commission permanente encore en préparation, elle en
    est retirée dans la même transaction (tracé). L'instructeur chargé de la demande est prévenu."""
    exiger_ecriture(acteur, demande.structure)
    motif = motif.strip()
    if not motif:
        raise ActionRefusee("Indiquez le motif du retrait.")
    moment = _maintenant(at)
    with transaction.atomic():
        verrouiller(demande)
        if not WORKFLOW.can(demande, "retirer"):
            raise ActionRefusee(f"La demande est « {demande.get_statut_display()} » : elle ne peut plus être retirée.")
        inscriptions = Inscription.objects.filter(
            proposition__demande=demande, seance__statut=StatutSeance.PREPARATION
        ).select_related("seance", "proposition")
        for inscription in inscriptions:
            audit.log(
                acteur,
                "commission.desinscrire",
                demande,
                at=moment,
                seance=inscription.seance.date,
                montant_propose=inscription.proposition.montant,
                raison="retrait de la demande par la structure",
            )
            inscription.delete()
        demande.retiree_le, demande.retrait_motif = moment, motif
        WORKFLOW.apply(
            demande,
            "retirer",
            acteur,
            at=moment,
            extra_fields=["retiree_le", "retrait_motif", "modifiee_le"],
            motif=motif,
        )
        transaction.on_commit(lambda: _envoyer_sans_echec(_notifier_retrait, demande))
    return demande


# --- Ce que la fiche de la demande montre du circuit ------------------------------------------------------


def circuit_contexte(demande: Demande, user: User) -> dict[str, Any]:
    """Tours de compléments (tous), contrôles de complétude (agents) et actions possibles de l'utilisateur."""
    tours = list(demande.tours_complements.select_related("demandee_par", "repondue_par").order_by("-numero"))
    dpid = user.is_authenticated and user.role in DPID_ROLES
    ecriture = user.is_authenticated and user.est_porteur and peut_ecrire(user, demande.structure)
    en_complements = demande.statut == StatutDemande.COMPLEMENTS
    return {
        "circuit_tours": tours,
        "circuit_tour_ouvert": next((t for t in tours if t.en_attente), None) if en_complements else None,
        "circuit_controles": (
            list(demande.controles_completude.select_related("agent"))
            if user.is_authenticated and user.est_agent
            else []
        ),
        "circuit_dpid": dpid and demande.statut == StatutDemande.VALIDEE,
        "circuit_peut_redeposer": ecriture and en_complements,
        "circuit_peut_retirer": ecriture and WORKFLOW.can(demande, "retirer"),
    }


# --- Courriels ----------------------------------------------------------------------------------------------


def _envoyer_sans_echec(envoi: Any, *args: Any) -> None:
    try:
        envoi(*args)
    except Exception:  # l'action est enregistrée : un courriel perdu ne doit pas la faire paraître échouée
        logger.exception("Courriel du circuit d'instruction non envoyé (%s)", envoi.__name__)


def _lien(demande: Demande) -> str:
    return url_absolue(reverse("demandes:detail", args=[demande.pk]))


def _envoyer(sujet: str, gabarit: str, contexte: dict[str, Any], destinataires: Sequence[str]) -> int:
    if not destinataires:
        return 0
    corps = render_to_string(f"demandes/emails/{gabarit}.txt", {**contexte, "lien": _lien(contexte["demande"])})
    for adresse in destinataires:
        send_mail(f"AAP Inclusion — {sujet}", corps, None, [adresse])
    return len(destinataires)


def _membres_actifs(demande: Demande) -> list[str]:
    return list(
        Membre.objects.filter(structure=demande.structure, actif=True, user__is_active=True)
        .exclude(user__email="")
        .order_by("user__email")
        .values_list("user__email", flat=True)
    )


def _instructeur(demande: Demande, repli: User | None = None) -> list[str]:
    """L'instructeur chargé de la demande ; à défaut (demande pas encore affectée), `repli`."""
    affectation = Affectation.objects.filter(demande=demande).select_related("instructeur").first()
    agent = affectation.instructeur if affectation is not None else repli
    return [agent.email] if agent is not None and agent.email and agent.is_active else []


def _notifier_complements(tour: DemandeComplements) -> int:
    demande = tour.demande
    return _envoyer(
        f"compléments demandés pour la demande {demande.reference}",
        "complements",
        {"demande": demande, "tour": tour},
        _membres_actifs(demande),
    )


def _notifier_redepot(demande: Demande, tour: DemandeComplements | None) -> int:
    return _envoyer(
        f"demande {demande.reference} redéposée avec les compléments",
        "redepot",
        {"demande": demande, "tour": tour},
        _instructeur(demande, tour.demandee_par if tour else None),
    )


def _notifier_retrait(demande: Demande) -> int:
    return _envoyer(
        f"demande {demande.reference} retirée par la structure",
        "retrait",
        {"demande": demande},
        _instructeur(demande),
    )
