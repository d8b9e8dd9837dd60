"""Décisions du Département sur les demandes du référent : suspensions, réorientations, orientation après la
phase d'accueil (DSP). Réexportées par `aap.parcours.services`."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction

from aap.catalogue.models import Dispositif
from aap.core.models import Role, User
from aap.parcours import choices as c
from aap.parcours import models as m
from aap.parcours import rules
from aap.parcours.services_commun import (
    ROLES_DECISION,
    ROLES_SUIVI,
    aujourdhui,
    exiger,
    exiger_en_cours,
    exiger_orientation,
    exiger_portee,
    journal,
)
from aap.parcours.services_orientations import _creer_orientation, _sortir
from aap.structures.models import Structure


# --- Suspensions et réorientations --------------------------------------------------------------------------


def _decider(demande, acteur: User, acceptee: bool, date: datetime.date) -> None:
    if demande.statut != c.StatutDemande.TRANSMISE:
        raise ValidationError(f"Cette demande est déjà décidée ({demande.get_statut_display().lower()}).")
    if date < demande.date_demande:
        raise ValidationError(f"La décision ne peut pas précéder la demande du {demande.date_demande:%d/%m/%Y}.")
    rules.verifier_pas_apres(date, aujourdhui(), "La date de décision")
    demande.statut = c.StatutDemande.ACCEPTEE if acceptee else c.StatutDemande.REFUSEE
    demande.decidee_le = date
    demande.decidee_par = acteur
    demande.save(update_fields=["statut", "decidee_le", "decidee_par"])


def decider_suspension(
    *, acteur: User, demande: m.DemandeSuspension, acceptee: bool, date: datetime.date
) -> m.DemandeSuspension:
    """Le Département accepte ou refuse une demande de suspension."""
    exiger(acteur, ROLES_DECISION, "Seul le Département (SLAI, DPID) décide d'une suspension.")
    exiger_portee(acteur, demande)
    with transaction.atomic():
        demande = m.DemandeSuspension.objects.select_for_update().select_related("orientation").get(pk=demande.pk)
        _decider(demande, acteur, acceptee, date)
        journal(acteur, "decider_suspension", demande, demande.orientation.structure_id, acceptee=acceptee, date=date)
    return demande


def demander_reorientation(
    *, acteur: User, orientation: m.Orientation, sphere: str, argumentaire: str, date_demande: datetime.date
) -> m.DemandeReorientation:
    """Le référent (ou le SLAI) demande une réorientation, argumentée, vers une autre sphère."""
    exiger_orientation(
        acteur, orientation, ROLES_SUIVI | {Role.SLAI}, "Seuls le référent et le SLAI demandent une réorientation."
    )
    if sphere not in c.Sphere.values:
        raise ValidationError(f"Orientation demandée inconnue « {sphere} ».")
    argumentaire = (argumentaire or "").strip()
    if len(argumentaire) < 20:
        raise ValidationError("L'argumentaire est obligatoire : expliquez en quelques phrases la demande.")
    rules.verifier_pas_avant_orientation(date_demande, orientation, "La date de la demande")
    rules.verifier_pas_apres(date_demande, aujourdhui(), "La date de la demande")
    with transaction.atomic():
        orientation = m.Orientation.objects.select_for_update().get(pk=orientation.pk)
        exiger_en_cours(orientation)
        if orientation.reorientations.filter(statut=c.StatutDemande.TRANSMISE).exists():
            raise ValidationError("Une demande de réorientation attend déjà la décision du Département.")
        demande = m.DemandeReorientation.objects.create(
            orientation=orientation, date_demande=date_demande, sphere_demandee=sphere, argumentaire=argumentaire
        )
        journal(acteur, "demander_reorientation", demande, orientation.structure_id, sphere=sphere, date=date_demande)
    return demande


def _cible(structure, dispositif, parcours) -> bool:
    donnees = [structure is not None, dispositif is not None, bool(parcours)]
    if any(donnees) and not all(donnees):
        raise ValidationError("Pour orienter vers une suite, précisez la structure, le dispositif et le parcours.")
    return all(donnees)


def decider_reorientation(
    *,
    acteur: User,
    demande: m.DemandeReorientation,
    acceptee: bool,
    date: datetime.date,
    structure: Structure | None = None,
    dispositif: Dispositif | None = None,
    parcours: str | None = None,
) -> m.Orientation | None:
    """Le Département décide d'une réorientation. Acceptée : sortie « réorientation » de l'orientation à `date`
    et, si une suite est donnée (structure, dispositif, parcours), nouvelle orientation issue de l'ancienne.
    Rend la nouvelle orientation, ou None."""
    exiger(acteur, ROLES_DECISION, "Seul le Département (SLAI, DPID) décide d'une réorientation.")
    exiger_portee(acteur, demande)
    suite = _cible(structure, dispositif, parcours) if acceptee else False
    with transaction.atomic():
        demande = m.DemandeReorientation.objects.select_for_update().get(pk=demande.pk)
        ancienne = m.Orientation.objects.select_for_update().select_related("personne").get(pk=demande.orientation_id)
        _decider(demande, acteur, acceptee, date)
        journal(acteur, "decider_reorientation", demande, ancienne.structure_id, acceptee=acceptee, date=date)
        if not acceptee:
            return None
        _sortir(acteur, ancienne, date, c.TypeSortie.REORIENTATION)
        if not suite:
            return None
        return _creer_orientation(
            acteur,
            personne=ancienne.personne,
            structure=structure,
            dispositif=dispositif,
            parcours=parcours,
            date_orientation=date,
            operation=None,
            precedente=ancienne,
        )


# --- Phase d'accueil (DSP) ----------------------------------------------------------------------------------


def enregistrer_dsp(
    *,
    acteur: User,
    orientation: m.Orientation,
    date_dsp: datetime.date,
    sphere_preconisee: str,
    preconisee_le: datetime.date | None,
) -> m.PhaseDsp:
    """Le référent de la plateforme enregistre la DSP réalisée et la préconisation transmise au Département
    (modifiable tant que le Département n'a pas décidé)."""
    exiger_orientation(acteur, orientation, ROLES_SUIVI, "Seul le référent de la structure enregistre la DSP.")
    if orientation.parcours != rules.PARCOURS_DSP:
        raise ValidationError("Cette orientation n'est pas une phase d'accueil (DSP).")
    if sphere_preconisee and sphere_preconisee not in c.Sphere.values:
        raise ValidationError(f"Orientation préconisée inconnue « {sphere_preconisee} ».")
    if preconisee_le is not None and not sphere_preconisee:
        raise ValidationError("Une préconisation transmise indique l'orientation préconisée.")
    rules.verifier_pas_avant_orientation(date_dsp, orientation, "La date de la DSP")
    rules.verifier_pas_apres(date_dsp, aujourdhui(), "La date de la DSP")
    if preconisee_le is not None:
        if preconisee_le < date_dsp:
            raise ValidationError("La préconisation ne peut pas précéder la DSP.")
        rules.verifier_pas_apres(preconisee_le, aujourdhui(), "La date de transmission")
    with transaction.atomic():
        orientation = m.Orientation.objects.select_for_update().get(pk=orientation.pk)
        exiger_en_cours(orientation)
        phase, _ = m.PhaseDsp.objects.get_or_create(orientation=orientation)
        if phase.statut != c.StatutPreconisation.EN_ATTENTE:
            raise ValidationError("Le Département a déjà décidé de l'orientation : la DSP n'est plus modifiable.")
        phase.date_dsp, phase.sphere_preconisee, phase.preconisee_le = date_dsp, sphere_preconisee or "", preconisee_le
        phase.save()
        journal(
            acteur,
            "enregistrer_dsp",
            phase,
            orientation.structure_id,
            date_dsp=date_dsp,
            sphere=sphere_preconisee,
            transmise_le=preconisee_le,
        )
    return phase


def decider_dsp(
    *,
    acteur: User,
    phase: m.PhaseDsp,
    structure: Structure,
    dispositif: Dispositif,
    parcours: str,
    date: datetime.date,
) -> m.Orientation:
    """Le Département décide l'orientation après la préconisation : la phase d'accueil se termine (sortie
    « réorientation » à `date`) et la nouvelle orientation en est issue."""
    exiger(acteur, ROLES_DECISION, "Seul le Département (SLAI, DPID) décide de l'orientation après la DSP.")
    exiger_portee(acteur, phase)
    with transaction.atomic():
        phase = m.PhaseDsp.objects.select_for_update().get(pk=phase.pk)
        accueil = m.Orientation.objects.select_for_update().select_related("personne").get(pk=phase.orientation_id)
        if phase.statut != c.StatutPreconisation.EN_ATTENTE:
            raise ValidationError("L'orientation a déjà été décidée pour cette phase d'accueil.")
        if phase.preconisee_le is None:
            raise ValidationError("La structure n'a pas encore transmis sa préconisation.")
        if date < phase.preconisee_le:
            raise ValidationError(
                f"La décision ne peut pas précéder la préconisation du {phase.preconisee_le:%d/%m/%Y}."
            )
        _sortir(acteur, accueil, date, c.TypeSortie.REORIENTATION)
        nouvelle = _creer_orientation(
            acteur,
            personne=accueil.personne,
            structure=structure,
            dispositif=dispositif,
            parcours=parcours,
            date_orientation=date,
            operation=None,
            precedente=accueil,
        )
        phase.statut, phase.decision, phase.decidee_le = c.StatutPreconisation.DECIDEE, nouvelle, date
        phase.save(update_fields=["statut", "decision", "decidee_le"])
        journal(
            acteur, "decider_dsp", phase, accueil.structure_id, orientation=nouvelle.pk, parcours=parcours, date=date
        )
    return nouvelle
