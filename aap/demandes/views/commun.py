"""Ce que les vues partagent : la demande dans le périmètre de l'utilisateur, et l'état de la page."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone

from aap.core.models import User
from aap.core.templatetags.aap_ui import date_fr
from aap.demandes.choix import StatutDemande
from aap.demandes.models import Demande
from aap.demandes.rules import (
    LIBELLE_HORS_PORTAIL,
    ROLES_ECRITURE,
    fin_session,
    libelle_session,
    message_hors_portail,
    role_membre,
    temps_restant,
)
from aap.demandes.workflow import WORKFLOW
from aap.structures.models import RoleMembre


#: Fin du message « session close », selon le statut (par défaut : demande reçue par le Département).
SUITES_CLOSE = {
    StatutDemande.BROUILLON: "la demande ne peut plus être modifiée, déposée ni validée ; elle est en lecture seule.",
    StatutDemande.DEPOSEE: "la demande ne peut plus être modifiée, déposée ni validée ; elle est en lecture seule.",
    StatutDemande.COMPLEMENTS: "le Département a demandé des compléments : complétez le dossier puis redéposez-le.",
    StatutDemande.RETIREE: "la demande a été retirée par la structure.",
}


def demande_pour(request: HttpRequest, pk: int) -> Demande:
    """La demande si elle est dans le périmètre de l'utilisateur ; 404 sinon."""
    qs = Demande.objects.for_user(request.user).select_related(
        "structure", "dispositif__edition", "session", "cree_par", "deposee_par", "validee_par"
    )
    demande = get_object_or_404(qs, pk=pk)
    if demande.session is not None:  # vide : demande importée (hors portail)
        demande.session.dispositif = demande.dispositif  # même ligne : pas une seconde lecture des règles
    return demande


def retour_hors_portail(request: HttpRequest, demande: Demande, action: str = "modifier") -> HttpResponse | None:
    """Une demande importée d'un tableau de propositions (sans session) n'a ni dossier, ni plan, ni validation
    en ligne : retour à sa fiche avec l'explication. None pour une demande déposée sur le portail."""
    if demande.session_id is not None:
        return None
    messages.info(request, message_hors_portail(action))
    return redirect("demandes:detail", pk=demande.pk)


@dataclass(frozen=True)
class EtatDemande:
    """Ce que l'utilisateur peut faire maintenant sur la demande, et l'échéance de la session."""

    demande: Demande
    role: str | None
    session_ouverte: bool
    fin: datetime.datetime | None  # None : demande importée, sans session
    reste: str | None
    peut_ecrire: bool
    peut_valider: bool

    @property
    def hors_portail(self) -> bool:
        """Demande importée d'un tableau de propositions : pas de session, rien à modifier en ligne."""
        return self.demande.session_id is None

    @property
    def editable(self) -> bool:
        """Brouillon pendant la session ; ou, même la session close, compléments demandés par la DPID."""
        if self.hors_portail:
            return False
        if self.demande.statut == StatutDemande.COMPLEMENTS:
            return self.peut_ecrire
        return self.session_ouverte and self.peut_ecrire and self.demande.statut == StatutDemande.BROUILLON

    @property
    def deposable(self) -> bool:
        return self.editable and self.demande.statut == StatutDemande.BROUILLON

    @property
    def retirable(self) -> bool:
        return self.peut_ecrire and WORKFLOW.can(self.demande, "retirer")

    @property
    def validable(self) -> bool:
        return self.session_ouverte and self.peut_valider and self.demande.statut == StatutDemande.DEPOSEE

    @property
    def reouvrable(self) -> bool:
        return self.session_ouverte and self.peut_ecrire and self.demande.statut == StatutDemande.DEPOSEE

    @property
    def message_close(self) -> str | None:
        if self.session_ouverte:
            return None
        if self.hors_portail:
            return (
                f"{LIBELLE_HORS_PORTAIL} : elle provient d'un tableau de propositions du Département et ne se "
                "modifie pas en ligne."
            )
        session = self.demande.session
        if timezone.localdate() < session.ouverture:
            return f"La session {libelle_session(session)} n'ouvre que le {date_fr(session.ouverture)}."
        suite = SUITES_CLOSE.get(
            self.demande.statut,
            "la demande a été validée et reçue par le Département.",
        )
        return f"La session {libelle_session(session)} est close depuis le {date_fr(session.cloture)} : {suite}"


def etat(demande: Demande, user: User) -> EtatDemande:
    maintenant = timezone.now()
    session = demande.session
    role = role_membre(user, demande.structure)
    return EtatDemande(
        demande=demande,
        role=role,
        session_ouverte=session is not None and session.est_ouverte(maintenant),
        fin=fin_session(session) - datetime.timedelta(seconds=1) if session is not None else None,
        reste=temps_restant(session, maintenant),
        peut_ecrire=role in ROLES_ECRITURE,
        peut_valider=role == RoleMembre.REPRESENTANT_LEGAL,
    )


def fil_ariane(user: User, demande: Demande | None = None, *suite: tuple[str, str]) -> list[tuple[str, str]]:
    """Fil d'Ariane : liste de l'utilisateur (porteur ou agent), puis la demande, puis la page."""
    from django.urls import reverse

    items = (
        [("Mes demandes", reverse("demandes:mes_demandes"))]
        if user.role == "porteur"
        else [("Demandes", reverse("demandes:agent_liste"))]
    )
    if demande is not None:
        items.append((demande.reference, reverse("demandes:detail", args=[demande.pk])))
    items.extend(suite)
    return items
