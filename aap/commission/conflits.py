"""Élus « intéressés à l'affaire » : ceux qui détiennent, à la date de la séance, un mandat dans une structure
dont une proposition est inscrite. Ils ne prennent part ni au débat ni au vote (invités sans voix
délibérative : ni au débat) ; la délibération les nomme, selon trois formules."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q

from aap.commission.models import Elu, Mandat, Presence, SeanceCP, StatutPresence


@dataclass(frozen=True)
class EluInteresse:
    elu: Elu
    #: Les mandats qui le rendent intéressé (structure et fonction), pour l'expliquer à l'agent.
    mandats: tuple[Mandat, ...]
    #: « present », « excuse » ou « absent » ; « present » quand la présence n'est pas encore saisie.
    presence: str

    @property
    def formule(self) -> str:
        """Le cas de la délibération : votant présent, votant excusé ou absent, invité sans voix délibérative."""
        if not self.elu.voix_deliberative:
            return "invite"
        return "present" if self.presence == StatutPresence.PRESENT else "excuse"


def mandats_en_cours(seance: SeanceCP) -> Q:
    return (Q(debut__isnull=True) | Q(debut__lte=seance.date)) & (Q(fin__isnull=True) | Q(fin__gte=seance.date))


def elus_interesses(seance: SeanceCP) -> list[EluInteresse]:
    """Les élus intéressés, par ordre alphabétique, avec les mandats en cause."""
    structures = seance.inscriptions.values("proposition__demande__structure_id")
    mandats = (
        Mandat.objects.filter(mandats_en_cours(seance), structure_id__in=structures, elu__actif=True)
        .select_related("elu", "structure")
        .order_by("elu__nom", "elu__prenom", "structure__raison_sociale")
    )
    presences = dict(Presence.objects.filter(seance=seance).values_list("elu_id", "statut"))
    par_elu: dict[int, list[Mandat]] = {}
    for mandat in mandats:
        par_elu.setdefault(mandat.elu_id, []).append(mandat)
    return [
        EluInteresse(elu=liste[0].elu, mandats=tuple(liste), presence=presences.get(elu_id, StatutPresence.PRESENT))
        for elu_id, liste in par_elu.items()
    ]


def president_interesse(seance: SeanceCP) -> bool:
    """Le Président est intéressé : un autre élu préside, la signature est donnée « au nom et pour le compte
    du Département » et le rapport est signé par un vice-président."""
    return any(i.elu.est_president for i in elus_interesses(seance))


__all__ = ["EluInteresse", "elus_interesses", "mandats_en_cours", "president_interesse"]
