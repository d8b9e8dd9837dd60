"""Suivi des signatures d'une convention : envoi à la structure, dépôt de l'exemplaire signé par la structure,
signature par le Département (l'avance devient exigible), résiliation (article 10).

Une transaction par changement d'état, l'acteur passé en paramètre, la transition journalisée par le
workflow (`aap.conventions.workflow.WORKFLOW`). Un refus lève `ConventionImpossible`, message en français.
"""

from __future__ import annotations

import datetime

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from aap.conventions import emails
from aap.conventions.models import Convention, StatutConvention
from aap.conventions.workflow import WORKFLOW
from aap.core import audit
from aap.core.models import User
from aap.structures.droits import peut_ecrire
from aap.structures.fichiers import PDF, FichierRefuse, verifier_fichier
from aap.versements.models import Echeance, StatutEcheance
from aap.versements.services import rendre_exigibles


class ConventionImpossible(Exception):
    """L'action est refusée (état de la convention, acteur, saisie) ; le message s'affiche tel quel."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


# --- Contrôles communs -----------------------------------------------------------------------------------------


def exiger_agent_dpid(acteur: User, action: str) -> None:
    if not acteur.is_authenticated or not acteur.est_dpid:
        raise ConventionImpossible(f"{action} : action réservée aux agents de la DPID.")


def exiger_membre(acteur: User, convention: Convention, action: str) -> None:
    """Un membre actif de la structure signataire, avec un rôle en écriture (pas « lecture seule »)."""
    if not acteur.is_authenticated or not peut_ecrire(acteur, convention.structure):
        raise ConventionImpossible(
            f"{action} : action réservée au représentant légal et aux gestionnaires de « "
            f"{convention.structure.raison_sociale} »."
        )


def exiger_statut(convention: Convention, transition: str) -> None:
    """Message clair plutôt que l'état brut quand la transition n'est pas permise depuis l'état courant."""
    if not WORKFLOW.can(convention, transition):
        t = WORKFLOW.get(transition)
        raise ConventionImpossible(
            f"« {t.label} » est impossible : la convention n° {convention.numero} est « "
            f"{convention.get_statut_display().lower()} »."
        )


def _verrouiller(convention: Convention) -> Convention:
    return Convention.objects.select_for_update().select_related("structure", "edition").get(pk=convention.pk)


def _maintenant(at: datetime.datetime | None) -> datetime.datetime:
    return at or timezone.now()


# --- Transitions -----------------------------------------------------------------------------------------------


def envoyer(convention: Convention, acteur: User, at: datetime.datetime | None = None) -> Convention:
    """Générée → envoyée : la structure reçoit par courriel le lien pour télécharger la convention à signer."""
    exiger_agent_dpid(acteur, "Envoyer la convention")
    with transaction.atomic():
        convention = _verrouiller(convention)
        exiger_statut(convention, "envoyer")
        if not convention.fichier:
            raise ConventionImpossible(
                "La convention n'a pas encore de document Word généré : générez-la avant de l'envoyer."
            )
        convention.envoyee_le = _maintenant(at)
        WORKFLOW.apply(convention, "envoyer", acteur, extra_fields=["envoyee_le"], at=at)
        emails.convention_envoyee(convention)
    return convention


def deposer_signature_structure(
    convention: Convention, acteur: User, fichier: UploadedFile, at: datetime.datetime | None = None
) -> Convention:
    """Envoyée → signée par la structure : un membre dépose l'exemplaire signé, un vrai PDF (contenu vérifié)."""
    exiger_membre(acteur, convention, "Déposer la convention signée")
    try:
        format_detecte = verifier_fichier(fichier, fichier.name, fichier.size)
    except FichierRefuse as exc:
        raise ConventionImpossible(" ".join(exc.messages)) from exc
    if format_detecte is not PDF:
        raise ConventionImpossible(
            f"La convention signée se dépose en PDF : ce fichier est un {format_detecte.libelle}. Numérisez "
            "l'exemplaire signé ou enregistrez-le au format PDF."
        )
    fichier.seek(0)
    with transaction.atomic():
        convention = _verrouiller(convention)
        exiger_statut(convention, "signer_structure")
        convention.signee_structure_le = _maintenant(at)
        convention.fichier_signe_structure.save(f"convention-{convention.numero}-signee.pdf", fichier, save=False)
        WORKFLOW.apply(
            convention,
            "signer_structure",
            acteur,
            extra_fields=["signee_structure_le", "fichier_signe_structure"],
            at=at,
            fichier=fichier.name,
        )
        emails.signee_par_la_structure(convention)
    return convention


def signer_departement(convention: Convention, acteur: User, at: datetime.datetime | None = None) -> Convention:
    """Signée par la structure → signée (en vigueur) ; les échéances déclenchées par la signature (l'avance)
    deviennent exigibles, la structure en est informée."""
    exiger_agent_dpid(acteur, "Signer la convention pour le Département")
    with transaction.atomic():
        convention = _verrouiller(convention)
        exiger_statut(convention, "signer_departement")
        moment = _maintenant(at)
        convention.signee_departement_le = moment
        convention.signee_departement_par = acteur
        WORKFLOW.apply(
            convention,
            "signer_departement",
            acteur,
            extra_fields=["signee_departement_le", "signee_departement_par"],
            at=at,
        )
        for operation in convention.operations.all():
            rendre_exigibles(operation, acteur, at=moment)
        emails.signee_par_le_departement(convention)
    return convention


def resilier(convention: Convention, acteur: User, motif: str, at: datetime.datetime | None = None) -> Convention:
    """Résiliation (article 10) : les échéances non liquidées deviennent sans objet ; le reversement éventuel des
    sommes versées est décidé à part (ordre de reversement, origine « résiliation »)."""
    exiger_agent_dpid(acteur, "Résilier la convention")
    motif = (motif or "").strip()
    if not motif:
        raise ConventionImpossible("Indiquez le motif de la résiliation (article 10 de la convention).")
    with transaction.atomic():
        convention = _verrouiller(convention)
        exiger_statut(convention, "resilier")
        WORKFLOW.apply(convention, "resilier", acteur, at=at, motif=motif)
        echeances = Echeance.objects.select_for_update().filter(
            operation__convention=convention, statut__in=(StatutEcheance.A_VENIR, StatutEcheance.EXIGIBLE)
        )
        for echeance in echeances:
            avant = echeance.statut
            echeance.statut = StatutEcheance.SANS_OBJET
            echeance.save(update_fields=["statut"])
            audit.log(acteur, "echeance.sans_objet", echeance, at=at, de=avant, convention=convention.numero)
        emails.convention_resiliee(convention, motif)
    return convention


#: Ordre des étapes de la frise de signature, avec le champ qui date chacune.
ETAPES_SIGNATURE = (
    (StatutConvention.GENEREE, "Générée", "generee_le"),
    (StatutConvention.ENVOYEE, "Envoyée à la structure", "envoyee_le"),
    (StatutConvention.SIGNEE_STRUCTURE, "Signée par la structure", "signee_structure_le"),
    (StatutConvention.SIGNEE, "Signée par le Département", "signee_departement_le"),
)
