"""Requêtes des pages publiques du catalogue : sessions filtrées, regroupées par axe."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Q, QuerySet

from aap.catalogue.models import Axe, Dispositif, Edition, SessionAppel
from aap.core.models import Territoire


def sessions_publiques(user: object) -> QuerySet[SessionAppel]:
    return (
        SessionAppel.objects.for_user(user)
        .select_related("dispositif__axe", "dispositif__edition")
        .prefetch_related("dispositif__territoires")
    )


def filtrer_sessions(
    sessions: QuerySet[SessionAppel], axe: int | None, territoire: Territoire | None
) -> QuerySet[SessionAppel]:
    """Filtre par numéro d'axe et par territoire ; un dispositif départemental vaut pour tous les territoires."""
    if axe is not None:
        sessions = sessions.filter(dispositif__axe__numero=axe)
    if territoire is not None:
        couvre = Q(dispositif__territoires=territoire) | Q(dispositif__territoires__est_departement=True)
        sessions = sessions.filter(pk__in=SessionAppel.objects.filter(couvre).values("pk"))
    return sessions


@dataclass
class GroupeAxe:
    axe: Axe
    sessions: list[SessionAppel] = field(default_factory=list)


def grouper_par_axe(sessions: QuerySet[SessionAppel]) -> list[GroupeAxe]:
    groupes: dict[int, GroupeAxe] = {}
    ordre = sessions.order_by("dispositif__axe__numero", "dispositif__edition__annee", "dispositif__ordre", "numero")
    for session in ordre:
        axe = session.dispositif.axe
        groupes.setdefault(axe.pk, GroupeAxe(axe)).sessions.append(session)
    return list(groupes.values())


def dispositifs_par_axe(edition: Edition, user: object) -> list[tuple[Axe, list[Dispositif]]]:
    dispositifs = (
        Dispositif.objects.for_user(user).filter(edition=edition).select_related("axe").prefetch_related("sessions")
    )
    par_axe: dict[int, list[Dispositif]] = {}
    for d in dispositifs:
        par_axe.setdefault(d.axe_id, []).append(d)
    return [(axe, par_axe.get(axe.pk, [])) for axe in edition.axes.order_by("numero")]
