"""Mesures de la charte portant sur les orientations, les rendez-vous et les sorties (docs/charte-qualite.md).

Chaque fonction rend {structure_id: (numérateur, dénominateur)} en une requête groupée par jeu de seuils.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db.models import DurationField, ExpressionWrapper, F, Q, Sum

from aap.parcours import choices as c
from aap.parcours.models import DemandeReorientation, RendezVous, Sortie
from aap.qualite.calcul_base import Comptes, Contexte, additionner, compter, jour_paris, plus_jours


def _dans_le_delai(ctx: Contexte, seuil: str, atteintes) -> Comptes:
    """Population : orientations du périmètre orientées dans [D, F] dont le délai `seuil` est échu à F
    (`date_orientation + N ≤ F`) ; `atteintes(population, N)` rend les identifiants de celles qui l'ont tenu."""
    parties = []
    for (jours,), codes in ctx.groupes(seuil):
        population = ctx.orientations(codes).filter(
            date_orientation__gte=ctx.debut, date_orientation__lte=ctx.fin - datetime.timedelta(days=jours)
        )
        parties.append(compter(population, "structure_id", Q(pk__in=atteintes(population, jours))))
    return additionner(*parties)


def premier_rdv_dans_delai(ctx: Contexte) -> Comptes:
    """Un rendez-vous (quelle que soit la présence) dont le jour (Paris) est entre la date d'orientation et
    N jours après, bornes incluses."""

    def atteintes(population, jours):
        return (
            population.alias(jour=jour_paris("rendez_vous__debut"), limite=plus_jours("date_orientation", jours))
            .filter(jour__gte=F("date_orientation"), jour__lte=F("limite"))
            .values("pk")
        )

    return _dans_le_delai(ctx, "delai_premier_rdv_jours", atteintes)


def ce_signe_dans_delai(ctx: Contexte) -> Comptes:
    """Un contrat signé au plus tard N jours après la date d'orientation."""

    def atteintes(population, jours):
        return (
            population.alias(limite=plus_jours("date_orientation", jours))
            .filter(contrats__date_signature__lte=F("limite"))
            .values("pk")
        )

    return _dans_le_delai(ctx, "delai_signature_ce_jours", atteintes)


def taux_contractualisation(ctx: Contexte) -> Comptes:
    """Personnes reçues (orientées dans [D, F], un rendez-vous honoré dont le jour est ≤ F) ayant un contrat
    signé au plus tard à F."""
    orientees = ctx.orientations().filter(date_orientation__gte=ctx.debut, date_orientation__lte=ctx.fin)
    recues = orientees.filter(
        rendez_vous__presence=c.Presence.HONORE, rendez_vous__debut__lt=ctx.apres_fin_instant
    ).values("pk")
    contractualisees = orientees.filter(contrats__date_signature__lte=ctx.fin).values("pk")
    return compter(ctx.orientations().filter(pk__in=recues), "structure_id", Q(pk__in=contractualisees))


def suspension_apres_absence(ctx: Contexte) -> Comptes:
    """Rendez-vous en absence injustifiée dont le jour est dans [D, F] ; atteint : une demande de suspension y
    est rattachée."""
    absences = RendezVous.objects.filter(
        ctx.sur_orientation("orientation__"),
        presence=c.Presence.ABSENCE_INJUSTIFIEE,
        debut__gte=ctx.debut_instant,
        debut__lt=ctx.apres_fin_instant,
    )
    return compter(absences, "orientation__structure_id", Q(demande_suspension__isnull=False))


def _sorties(ctx: Contexte):
    return Sortie.objects.filter(
        ctx.sur_orientation("orientation__"), date_sortie__gte=ctx.debut, date_sortie__lte=ctx.fin
    )


def sorties_ciblees(ctx: Contexte) -> Comptes:
    """Sorties dans [D, F] de famille visée (`familles:`), ou réorientations dont l'orientation a une demande
    de réorientation acceptée vers une sphère visée (`spheres:`)."""
    critere = ctx.critere
    conditions = []
    if critere.familles:
        conditions.append(Q(famille__in=critere.familles))
    if critere.spheres:
        acceptees = DemandeReorientation.objects.filter(
            ctx.sur_orientation("orientation__"),
            statut=c.StatutDemande.ACCEPTEE,
            sphere_demandee__in=critere.spheres,
        ).values("orientation_id")
        conditions.append(Q(famille=c.FamilleSortie.REORIENTATION, orientation_id__in=acceptees))
    atteint = conditions[0]
    for condition in conditions[1:]:
        atteint |= condition
    return compter(_sorties(ctx), "orientation__structure_id", atteint)


def duree_moyenne_parcours(ctx: Contexte) -> Comptes:
    """Sorties dans [D, F] ; numérateur = Σ (date de sortie − date d'orientation) en jours."""
    duree = ExpressionWrapper(F("date_sortie") - F("orientation__date_orientation"), output_field=DurationField())
    comptes = compter(_sorties(ctx), "orientation__structure_id", Q(), somme=Sum(duree))
    return {s: (_jours(num), den) for s, (num, den) in comptes.items()}


def _jours(duree: datetime.timedelta | int) -> Decimal:
    if isinstance(duree, datetime.timedelta):
        return Decimal(duree.days)
    return Decimal(duree)
