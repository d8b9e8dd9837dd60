"""La séance d'une CP vue par ses documents : présidence, présences, vote enregistré."""

from __future__ import annotations

from collections import defaultdict

from aap.commission.dossier_types import Presences, VoteCP
from aap.commission.models import Civilite, Elu, GroupePolitique, Presence, SeanceCP, StatutPresence, Vote


def nom_long(elu: Elu) -> str:
    return f"{Civilite(elu.civilite).label} {elu.prenom} {elu.nom.upper()}"


def presences(seance: SeanceCP) -> Presences:
    listes: dict[str, list[str]] = defaultdict(list)
    for presence in Presence.objects.filter(seance=seance).select_related("elu").order_by("elu__nom", "elu__prenom"):
        if presence.elu.voix_deliberative:
            listes[presence.statut].append(str(presence.elu))
        elif presence.statut == StatutPresence.PRESENT:
            listes["invites"].append(str(presence.elu))
        else:
            listes["invites_excuses"].append(str(presence.elu))
    return Presences(
        presents=tuple(listes[StatutPresence.PRESENT]),
        excuses=tuple(listes[StatutPresence.EXCUSE]),
        absents=tuple(listes[StatutPresence.ABSENT]),
        invites=tuple(listes["invites"]),
        invites_excuses=tuple(listes["invites_excuses"]),
    )


def libelle_groupe(groupe: str) -> str:
    try:
        return GroupePolitique(groupe).label
    except ValueError:
        return str(groupe)


def vote_de(seance: SeanceCP) -> VoteCP | None:
    vote = Vote.objects.filter(seance=seance).first()
    if vote is None:
        return None
    groupes = {
        sens: tuple(libelle_groupe(g) for g in (vote.groupes or {}).get(sens, []))
        for sens in ("pour", "contre", "abstention", "absents")
    }
    return VoteCP(
        pour=vote.pour,
        contre=vote.contre,
        abstention=vote.abstention,
        absents_sans_delegation=vote.absents_sans_delegation,
        groupes=groupes,
        adopte=vote.adopte,
    )


def president_de_seance(seance: SeanceCP, president_interesse: bool) -> Elu | None:
    if seance.president_seance_id:
        return seance.president_seance
    if president_interesse:
        return None
    return Elu.objects.filter(est_president=True, actif=True).first()
