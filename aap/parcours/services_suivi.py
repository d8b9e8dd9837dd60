"""Suivi d'un parcours par le référent : rendez-vous et présence, diagnostics, heures d'activité (SIA),
demandes de suspension. Réexportés par `aap.parcours.services`."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from aap.core.models import User
from aap.parcours import choices as c
from aap.parcours import models as m
from aap.parcours import rules
from aap.parcours.services_commun import (
    ROLES_SUIVI,
    aujourdhui,
    exiger_en_cours,
    exiger_orientation,
    journal,
)


MESSAGE_SUIVI = "Seul un référent de la structure enregistre le suivi du parcours."


# --- Rendez-vous --------------------------------------------------------------------------------------------


def planifier_rendez_vous(
    *,
    acteur: User,
    orientation: m.Orientation,
    debut: datetime.datetime,
    mode: str,
    presence: str = c.Presence.PREVU,
) -> m.RendezVous:
    """Un rendez-vous à l'instant `debut` (aware ; son jour est celui de Paris). `presence` permet de saisir
    d'un coup un rendez-vous passé ; une absence injustifiée ouvre alors la demande de suspension."""
    exiger_orientation(acteur, orientation, ROLES_SUIVI, MESSAGE_SUIVI)
    if mode not in c.ModeRendezVous.values:
        raise ValidationError(f"Mode de rendez-vous inconnu « {mode} ».")
    try:
        jour = rules.jour_paris(debut)
    except ValueError as exc:
        raise ValidationError("L'heure du rendez-vous doit être datée avec son fuseau horaire.") from exc
    rules.verifier_pas_avant_orientation(jour, orientation, "Le rendez-vous")
    _verifier_presence(presence, jour)
    with transaction.atomic():
        orientation = m.Orientation.objects.select_for_update().get(pk=orientation.pk)
        exiger_en_cours(orientation, jour)
        if orientation.rendez_vous.filter(debut=debut).exists():
            raise ValidationError("Un rendez-vous est déjà enregistré à cette date et à cette heure.")
        rdv = m.RendezVous.objects.create(orientation=orientation, debut=debut, mode=mode, presence=presence)
        journal(
            acteur, "planifier_rendez_vous", rdv, orientation.structure_id, jour=jour, mode=mode, presence=presence
        )
        if presence == c.Presence.ABSENCE_INJUSTIFIEE:
            _suspension_apres_absence(acteur, rdv, orientation, aujourdhui())
    return rdv


def _verifier_presence(presence: str, jour: datetime.date) -> None:
    if presence not in c.Presence.values:
        raise ValidationError(f"Présence inconnue « {presence} ».")
    if presence != c.Presence.PREVU and jour > aujourdhui():
        raise ValidationError("La présence ne se note qu'à partir du jour du rendez-vous.")


def _suspension_apres_absence(
    acteur: User, rdv: m.RendezVous, orientation: m.Orientation, le: datetime.date
) -> m.DemandeSuspension:
    """La demande de suspension rattachée au rendez-vous (créée une seule fois)."""
    existante = m.DemandeSuspension.objects.filter(rendez_vous=rdv).first()
    if existante is not None:
        return existante
    jour = rules.jour_paris(rdv.debut)
    demande = m.DemandeSuspension.objects.create(
        orientation=orientation,
        rendez_vous=rdv,
        date_demande=max(le, jour),
        motif=f"Absence injustifiée au rendez-vous du {jour:%d/%m/%Y}",
    )
    journal(acteur, "demander_suspension", demande, orientation.structure_id, rendez_vous=rdv.pk, automatique=True)
    return demande


def noter_presence(
    *, acteur: User, rendez_vous: m.RendezVous, presence: str, le: datetime.date | None = None
) -> m.RendezVous:
    """Présence au rendez-vous. Une absence injustifiée crée, dans la même transaction, la demande de
    suspension rattachée au rendez-vous (datée `le`, aujourd'hui par défaut) ; noter deux fois ne la duplique pas,
    et une présence corrigée ensuite ne retire pas une demande déjà transmise."""
    orientation = rendez_vous.orientation
    exiger_orientation(acteur, orientation, ROLES_SUIVI, MESSAGE_SUIVI)
    jour = rules.jour_paris(rendez_vous.debut)
    _verifier_presence(presence, jour)
    with transaction.atomic():
        rdv = m.RendezVous.objects.select_for_update().get(pk=rendez_vous.pk)
        exiger_en_cours(orientation, jour)
        avant = rdv.presence
        rdv.presence = presence
        rdv.save(update_fields=["presence"])
        journal(acteur, "noter_presence", rdv, orientation.structure_id, avant=avant, presence=presence)
        if presence == c.Presence.ABSENCE_INJUSTIFIEE:
            _suspension_apres_absence(acteur, rdv, orientation, le or aujourdhui())
    return rdv


def demander_suspension(
    *,
    acteur: User,
    orientation: m.Orientation,
    date_demande: datetime.date,
    motif: str,
    rendez_vous: m.RendezVous | None = None,
) -> m.DemandeSuspension:
    """Le référent transmet une demande de suspension au Département (rattachée au rendez-vous manqué s'il y
    en a un)."""
    exiger_orientation(acteur, orientation, ROLES_SUIVI, MESSAGE_SUIVI)
    motif = (motif or "").strip()
    if not motif:
        raise ValidationError("Le motif de la demande est obligatoire.")
    rules.verifier_pas_avant_orientation(date_demande, orientation, "La date de la demande")
    rules.verifier_pas_apres(date_demande, aujourdhui(), "La date de la demande")
    if rendez_vous is not None and rendez_vous.orientation_id != orientation.pk:
        raise ValidationError("Ce rendez-vous ne relève pas de ce parcours.")
    with transaction.atomic():
        orientation = m.Orientation.objects.select_for_update().get(pk=orientation.pk)
        exiger_en_cours(orientation)
        if rendez_vous is not None and m.DemandeSuspension.objects.filter(rendez_vous=rendez_vous).exists():
            raise ValidationError("Une demande de suspension est déjà rattachée à ce rendez-vous.")
        demande = m.DemandeSuspension.objects.create(
            orientation=orientation, rendez_vous=rendez_vous, date_demande=date_demande, motif=motif[:255]
        )
        journal(
            acteur,
            "demander_suspension",
            demande,
            orientation.structure_id,
            rendez_vous=rendez_vous.pk if rendez_vous else None,
            date=date_demande,
        )
    return demande


# --- Diagnostics --------------------------------------------------------------------------------------------


def enregistrer_diagnostic(
    *,
    acteur: User,
    orientation: m.Orientation,
    moment: str,
    date: datetime.date,
    freins: Iterable[str],
    contrat: m.ContratEngagement | None = None,
) -> m.Diagnostic:
    """Diagnostic (liste fermée de freins). À la création ou à la clôture d'un CE, il est rattaché au contrat :
    celui donné, sinon le dernier contrat signé au plus tard à `date`."""
    exiger_orientation(acteur, orientation, ROLES_SUIVI, MESSAGE_SUIVI)
    if moment not in c.MomentDiagnostic.values:
        raise ValidationError(f"Moment de diagnostic inconnu « {moment} ».")
    liste = rules.verifier_freins(freins)
    rules.verifier_pas_avant_orientation(date, orientation, "Le diagnostic")
    rules.verifier_pas_apres(date, aujourdhui(), "La date du diagnostic")
    with transaction.atomic():
        orientation = m.Orientation.objects.select_for_update().get(pk=orientation.pk)
        if moment != c.MomentDiagnostic.CLOTURE_CE:
            exiger_en_cours(orientation, date)
        if contrat is not None and contrat.orientation_id != orientation.pk:
            raise ValidationError("Ce contrat ne relève pas de ce parcours.")
        if contrat is None and moment in (c.MomentDiagnostic.CREATION_CE, c.MomentDiagnostic.CLOTURE_CE):
            contrat = orientation.contrats.filter(date_signature__lte=date).order_by("-rang").first()
            if contrat is None:
                raise ValidationError("Aucun contrat d'engagement signé à cette date auquel rattacher le diagnostic.")
        diagnostic = m.Diagnostic.objects.create(orientation=orientation, contrat=contrat, moment=moment, date=date)
        m.FreinDiagnostic.objects.bulk_create([m.FreinDiagnostic(diagnostic=diagnostic, frein=f) for f in liste])
        journal(
            acteur,
            "enregistrer_diagnostic",
            diagnostic,
            orientation.structure_id,
            moment=moment,
            date=date,
            freins=liste,
            contrat=contrat.pk if contrat else None,
        )
    return diagnostic


# --- Heures d'activité (SIA) --------------------------------------------------------------------------------


def saisir_heures(
    *,
    acteur: User,
    contrat: m.ContratEngagement,
    semaine: datetime.date,
    heures: Decimal | int | str,
    saisie_le: datetime.date | None = None,
) -> m.HeuresActivite:
    """Heures d'activité d'une semaine (ramenée à son lundi), une ligne par contrat et semaine : une nouvelle
    saisie remplace la précédente. `saisie_le` : aujourd'hui par défaut."""
    orientation = contrat.orientation
    exiger_orientation(acteur, orientation, ROLES_SUIVI, MESSAGE_SUIVI)
    valeur = rules.heures_valides(heures)
    lundi = rules.lundi(semaine)
    saisie_le = saisie_le or aujourdhui()
    rules.verifier_pas_apres(saisie_le, aujourdhui(), "La date de mise à jour")
    terme = rules.terme_contrat(contrat)
    if lundi > terme or lundi + datetime.timedelta(days=6) < contrat.date_debut:
        raise ValidationError(
            f"La semaine du {lundi:%d/%m/%Y} est hors du contrat (du {contrat.date_debut:%d/%m/%Y} "
            f"au {terme:%d/%m/%Y})."
        )
    if saisie_le < lundi:
        raise ValidationError("Les heures d'une semaine ne se saisissent pas avant son début.")
    with transaction.atomic():
        ligne, creee = m.HeuresActivite.objects.select_for_update().update_or_create(
            contrat=contrat, semaine=lundi, defaults={"heures": valeur, "saisie_le": saisie_le}
        )
        journal(
            acteur,
            "saisir_heures",
            ligne,
            orientation.structure_id,
            contrat=contrat.pk,
            semaine=lundi,
            heures=valeur,
            creee=creee,
        )
    return ligne
