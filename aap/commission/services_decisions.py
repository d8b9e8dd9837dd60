"""Après la réunion : le vote du rapport, la décision sur chaque demande inscrite, la notification aux
structures (courriel et courrier PDF). Une transaction par action, tracée ; les demandes changent d'état par
leur workflow (accorder, rejeter, ajourner) dans la même transaction que la décision."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from aap.commission.conflits import elus_interesses
from aap.commission.models import Decision, Elu, GroupePolitique, Inscription, SeanceCP, StatutSeance, Vote
from aap.commission.services import WORKFLOW_SEANCE, CommissionImpossible, exiger_dpid
from aap.core import audit
from aap.core.models import User
from aap.core.workflow import TransitionInterdite
from aap.demandes.workflow import WORKFLOW
from aap.structures.models import Membre


CENT = Decimal("0.01")
SENS_DU_VOTE = ("pour", "contre", "abstention", "absents")


# --- Vote ------------------------------------------------------------------------------------------------


def votants() -> list[Elu]:
    """Les membres qui comptent dans le vote : élus en fonction avec voix délibérative."""
    return list(Elu.objects.filter(actif=True, voix_deliberative=True))


def interesses_votants_presents(seance: SeanceCP) -> list[Elu]:
    """Les intéressés à l'affaire qui siègent avec voix délibérative : ils ne votent pas et sont comptés dans
    les abstentions (deliberations.md §1.5). Un intéressé excusé compte par sa délégation ou parmi les absents."""
    return [i.elu for i in elus_interesses(seance) if i.formule == "present"]


@dataclass(frozen=True)
class SaisieVote:
    pour: int
    contre: int
    abstention: int
    absents_sans_delegation: int
    adopte: bool
    non_participants: tuple[Elu, ...] = ()
    #: sens du vote (« pour », « contre », « abstention », « absents ») → codes des groupes (GroupePolitique).
    groupes: Mapping[str, Iterable[str]] | None = None


def controler_vote(seance: SeanceCP, saisie: SaisieVote) -> list[str]:
    """Les erreurs d'arithmétique du vote, en clair (liste vide : le vote est cohérent)."""
    erreurs = []
    membres = len(votants())
    total = saisie.pour + saisie.contre + saisie.abstention + saisie.absents_sans_delegation
    if total != membres:
        erreurs.append(
            f"Pour ({saisie.pour}) + contre ({saisie.contre}) + abstention ({saisie.abstention}) + absents sans "
            f"délégation ({saisie.absents_sans_delegation}) = {total}, or la Commission compte {membres} membres "
            "avec voix délibérative."
        )
    interesses = len(interesses_votants_presents(seance))
    if saisie.abstention < interesses:
        erreurs.append(
            f"{interesses} élu(s) intéressé(s) à l'affaire siègent sans prendre part au vote : ils sont comptés dans "
            f"les abstentions, qui ne peuvent pas être moins de {interesses} (saisies : {saisie.abstention})."
        )
    if saisie.adopte and saisie.pour <= saisie.contre:
        erreurs.append("Le rapport ne peut pas être adopté avec moins de voix pour que de voix contre.")
    if not saisie.adopte and saisie.pour > saisie.contre:
        erreurs.append("Avec plus de voix pour que de voix contre, le rapport est adopté.")
    return erreurs


def enregistrer_vote(seance: SeanceCP, agent: User, saisie: SaisieVote, at: datetime.datetime | None = None) -> Vote:
    """Enregistre le vote de la séance et la fait passer « votée ». Refusé si l'arithmétique est fausse."""
    exiger_dpid(agent)
    moment = at or timezone.now()
    with transaction.atomic():
        seance = SeanceCP.objects.select_for_update().get(pk=seance.pk)
        if seance.statut != StatutSeance.PREPARATION:
            raise CommissionImpossible("Le vote de cette séance est déjà enregistré.")
        if not seance.inscriptions.exists():
            raise CommissionImpossible("Aucune demande n'est inscrite à cette séance : il n'y a rien à voter.")
        erreurs = controler_vote(seance, saisie)
        if erreurs:
            raise CommissionImpossible(" ".join(erreurs))
        groupes = {
            sens: [GroupePolitique(g).value for g in (saisie.groupes or {}).get(sens, ())] for sens in SENS_DU_VOTE
        }
        vote = Vote.objects.create(
            seance=seance,
            pour=saisie.pour,
            contre=saisie.contre,
            abstention=saisie.abstention,
            absents_sans_delegation=saisie.absents_sans_delegation,
            groupes=groupes,
            adopte=saisie.adopte,
            enregistre_par=agent,
            enregistre_le=moment,
        )
        vote.non_participants.set(saisie.non_participants)
        WORKFLOW_SEANCE.apply(
            seance,
            "voter",
            agent,
            at=moment,
            pour=saisie.pour,
            contre=saisie.contre,
            abstention=saisie.abstention,
            absents_sans_delegation=saisie.absents_sans_delegation,
            adopte=saisie.adopte,
            non_participants=[str(e) for e in saisie.non_participants],
        )
    return vote


# --- Décisions -------------------------------------------------------------------------------------------


def _inscription_a_decider(inscription: Inscription) -> Inscription:
    inscription = (
        Inscription.objects.select_for_update(of=("self",))
        .select_related("seance__vote", "proposition__demande")
        .get(pk=inscription.pk)
    )
    if inscription.seance.statut != StatutSeance.VOTEE:
        raise CommissionImpossible("Les décisions s'enregistrent après le vote, avant la clôture de la séance.")
    if inscription.decision:
        raise CommissionImpossible(
            f"La décision sur {inscription.proposition.demande.reference} est déjà enregistrée "
            f"({inscription.get_decision_display().lower()})."
        )
    return inscription


def _appliquer(
    inscription: Inscription, agent: User, decision: Decision, transition: str, moment: datetime.datetime, **details
) -> Inscription:
    demande = inscription.proposition.demande
    try:
        WORKFLOW.apply(demande, transition, agent, at=moment, seance=str(inscription.seance), **details)
    except TransitionInterdite as exc:
        raise CommissionImpossible(f"{demande.reference} ({demande.get_statut_display().lower()}) : {exc}") from exc
    inscription.decision = decision
    inscription.decidee_par = agent
    inscription.decidee_le = moment
    inscription.save(update_fields=["decision", "montant_vote", "motif", "decidee_par", "decidee_le"])
    audit.log(agent, f"inscription.{decision}", demande, at=moment, seance=str(inscription.seance), **details)
    return inscription


def approuver(
    inscription: Inscription, agent: User, montant: Decimal | None = None, at: datetime.datetime | None = None
) -> Inscription:
    """Approuve la demande pour `montant` (par défaut le montant proposé, jamais plus) : la demande est accordée."""
    exiger_dpid(agent)
    moment = at or timezone.now()
    with transaction.atomic():
        inscription = _inscription_a_decider(inscription)
        if not inscription.seance.vote.adopte:
            raise CommissionImpossible("Le rapport n'a pas été adopté : aucune demande ne peut être approuvée.")
        propose = inscription.proposition.montant
        montant = propose if montant is None else Decimal(montant).quantize(CENT, rounding=ROUND_HALF_UP)
        if montant < 0 or montant > propose:
            raise CommissionImpossible(
                f"Le montant voté doit être compris entre 0 et le montant proposé ({propose} €)."
            )
        inscription.montant_vote = montant
        inscription.motif = ""
        return _appliquer(inscription, agent, Decision.APPROUVEE, "accorder", moment, montant=montant)


def rejeter(inscription: Inscription, agent: User, motif: str, at: datetime.datetime | None = None) -> Inscription:
    return _refuser(inscription, agent, motif, Decision.REJETEE, "rejeter", at)


def ajourner(inscription: Inscription, agent: User, motif: str, at: datetime.datetime | None = None) -> Inscription:
    return _refuser(inscription, agent, motif, Decision.AJOURNEE, "ajourner", at)


def _refuser(
    inscription: Inscription,
    agent: User,
    motif: str,
    decision: Decision,
    transition: str,
    at: datetime.datetime | None,
) -> Inscription:
    exiger_dpid(agent)
    motif = (motif or "").strip()
    if not motif:
        raise CommissionImpossible("Motivez la décision : le motif est communiqué à la structure.")
    moment = at or timezone.now()
    with transaction.atomic():
        inscription = _inscription_a_decider(inscription)
        inscription.montant_vote = None
        inscription.motif = motif
        return _appliquer(inscription, agent, decision, transition, moment, motif=motif)


def approuver_tout(seance: SeanceCP, agent: User, at: datetime.datetime | None = None) -> int:
    """Approuve au montant proposé toutes les inscriptions encore sans décision ; tout ou rien."""
    exiger_dpid(agent)
    with transaction.atomic():
        restantes = list(seance.inscriptions.filter(decision=""))
        for inscription in restantes:
            approuver(inscription, agent, at=at)
    return len(restantes)


# --- Notification ----------------------------------------------------------------------------------------


def contexte_courrier(inscription: Inscription) -> dict:
    proposition = inscription.proposition
    demande = proposition.demande
    return {
        "inscription": inscription,
        "seance": inscription.seance,
        "proposition": proposition,
        "demande": demande,
        "structure": demande.structure,
        "dispositif": demande.dispositif,
        "date_courrier": timezone.localdate(),
    }


def produire_courrier(inscription: Inscription) -> bytes:
    from aap.documents.pdf import render_pdf

    return render_pdf("commission/courrier_decision.html", contexte_courrier(inscription))


def notifier_inscription(inscription: Inscription, agent: User, at: datetime.datetime | None = None) -> int:
    """Courrier PDF rangé dans l'inscription et courriel (courrier joint) à chaque membre actif de la structure ;
    renvoie le nombre de courriels. La séance est clôturée quand toutes ses décisions sont notifiées."""
    exiger_dpid(agent)
    moment = at or timezone.now()
    with transaction.atomic():
        inscription = (
            Inscription.objects.select_for_update(of=("self",))
            .select_related("seance__edition", "proposition__demande__structure", "proposition__demande__dispositif")
            .get(pk=inscription.pk)
        )
        if not inscription.decision:
            raise CommissionImpossible("La décision n'est pas encore enregistrée.")
        if inscription.notifiee_le:
            raise CommissionImpossible("Cette décision est déjà notifiée.")
        demande = inscription.proposition.demande
        pdf = produire_courrier(inscription)
        nom = f"decision-{demande.reference}.pdf"
        inscription.courrier.save(nom, ContentFile(pdf), save=False)
        inscription.notifiee_le = moment
        inscription.save(update_fields=["courrier", "notifiee_le"])
        destinataires = list(
            Membre.objects.filter(structure=demande.structure, actif=True, user__is_active=True)
            .exclude(user__email="")
            .values_list("user__email", flat=True)
        )
        contexte = {
            **contexte_courrier(inscription),
            "lien": f"{settings.SITE_URL}{reverse('demandes:detail', args=[demande.pk])}",
        }
        sujet = render_to_string("commission/emails/decision_sujet.txt", contexte).strip()
        corps = render_to_string("commission/emails/decision.txt", contexte)
        audit.log(
            agent,
            "inscription.notifier",
            demande,
            at=moment,
            decision=inscription.get_decision_display(),
            destinataires=len(destinataires),
        )
        seance = SeanceCP.objects.select_for_update().get(pk=inscription.seance_id)
        if not seance.inscriptions.filter(notifiee_le__isnull=True).exists():
            WORKFLOW_SEANCE.apply(seance, "cloturer", agent, at=moment)
        for adresse in destinataires:
            message = EmailMessage(sujet, corps, to=[adresse])
            message.attach(nom, pdf, "application/pdf")
            message.send()
    return len(destinataires)


def notifier(seance: SeanceCP, agent: User, at: datetime.datetime | None = None) -> int:
    """Notifie toutes les décisions prises et pas encore notifiées ; renvoie le nombre de décisions notifiées."""
    exiger_dpid(agent)
    nombre = 0
    for inscription in seance.inscriptions.exclude(decision="").filter(notifiee_le__isnull=True):
        notifier_inscription(inscription, agent, at=at)
        nombre += 1
    return nombre
