"""Services des parcours : chaque changement d'état est une fonction à arguments nommés, `acteur` en premier,
une transaction, une ligne de journal « parcours.<verbe> ». Une règle violée lève `ValidationError` (message en
français) ; un rôle qui ne peut pas agir, ou un objet hors de sa portée, lève `PermissionDenied`.

Ce module tient les personnes, les orientations et les décisions du Département ; le suivi (rendez-vous,
diagnostics, heures, demandes) est dans `services_suivi`, les contrats d'engagement dans `services_contrats`,
tous réexportés ici : les vues n'importent que `aap.parcours.services`.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from aap.catalogue.models import Dispositif
from aap.conventions.models import Operation, StatutConvention
from aap.core.models import Role, Territoire, User
from aap.parcours import choices as c
from aap.parcours import models as m
from aap.parcours import rules
from aap.parcours.services_commun import (
    ROLES_DECISION,
    ROLES_SUIVI,
    ROLES_SUIVI_OU_DECISION,
    aujourdhui,
    exiger,
    exiger_en_cours,
    exiger_orientation,
    exiger_portee,
    journal,
)
from aap.parcours.services_contrats import clore_contrat, enregistrer_revue_slai, fermer_contrat_ouvert, signer_contrat
from aap.parcours.services_suivi import (
    demander_suspension,
    enregistrer_diagnostic,
    noter_presence,
    planifier_rendez_vous,
    saisir_heures,
)
from aap.structures.models import Membre, Structure


__all__ = [
    "clore_contrat",
    "creer_personne",
    "decider_dsp",
    "decider_reorientation",
    "decider_suspension",
    "demander_reorientation",
    "demander_suspension",
    "enregistrer_diagnostic",
    "enregistrer_dsp",
    "enregistrer_justificatif",
    "enregistrer_revue_slai",
    "noter_presence",
    "operation_couvrant",
    "orienter",
    "planifier_rendez_vous",
    "saisir_heures",
    "signer_contrat",
    "sortir",
]

#: Conventions dont les opérations rattachent une orientation : signées (en vigueur) ou soldées depuis.
STATUTS_RATTACHEMENT = (StatutConvention.SIGNEE, StatutConvention.SOLDEE)


# --- Personnes ----------------------------------------------------------------------------------------------


def creer_personne(
    *,
    acteur: User,
    nom: str,
    prenom: str,
    date_naissance: datetime.date | None,
    organisme: str,
    numero_allocataire: str,
    categorie: str,
    territoire: Territoire,
) -> m.Personne:
    """Le Département enregistre une personne à orienter (SLAI : sur son territoire seulement)."""
    exiger(acteur, ROLES_DECISION, "Seul le Département (SLAI, DPID) enregistre une personne à orienter.")
    if acteur.role == Role.SLAI and territoire.pk != acteur.territoire_id:
        raise PermissionDenied("Un agent SLAI n'enregistre que des personnes de son territoire.")
    nom, prenom, numero = (nom or "").strip(), (prenom or "").strip(), (numero_allocataire or "").strip()
    if not nom:
        raise ValidationError("Le nom est obligatoire.")
    if categorie not in c.CategoriePublic.values:
        raise ValidationError(f"Catégorie de public inconnue « {categorie} ».")
    if organisme and organisme not in c.Organisme.values:
        raise ValidationError(f"Organisme payeur inconnu « {organisme} ».")
    if numero and not organisme:
        raise ValidationError("Précisez l'organisme (CAF ou MSA) du numéro d'allocataire.")
    if date_naissance is not None:
        rules.verifier_pas_apres(date_naissance, aujourdhui(), "La date de naissance")
    with transaction.atomic():
        if numero and m.Personne.objects.filter(organisme=organisme, numero_allocataire=numero).exists():
            raise ValidationError(f"Une personne porte déjà le numéro d'allocataire {organisme.upper()} {numero}.")
        personne = m.Personne.objects.create(
            nom=nom,
            prenom=prenom,
            date_naissance=date_naissance,
            organisme=organisme or "",
            numero_allocataire=numero,
            categorie=categorie,
            territoire=territoire,
        )
        journal(acteur, "creer_personne", personne, categorie=categorie, territoire=territoire.code)
    return personne


def enregistrer_justificatif(
    *, acteur: User, personne: m.Personne, structure: Structure, nature: str, verifie_le: datetime.date
) -> m.Justificatif:
    """Le référent note qu'il a vérifié une pièce (nature et date seulement ; la pièce reste à la structure)."""
    exiger(acteur, ROLES_SUIVI, "Seul un référent de la structure enregistre un justificatif vérifié.")
    exiger_portee(acteur, personne)
    if not Membre.objects.filter(user=acteur, structure=structure, actif=True).exists():
        raise PermissionDenied("Vous n'êtes pas référent de cette structure.")
    if not m.Orientation.objects.filter(personne=personne, structure=structure).exists():
        raise ValidationError("Cette personne n'a jamais été orientée vers cette structure.")
    if nature not in c.NatureJustificatif.values:
        raise ValidationError(f"Nature de justificatif inconnue « {nature} ».")
    rules.verifier_pas_apres(verifie_le, aujourdhui(), "La date de vérification")
    with transaction.atomic():
        justificatif = m.Justificatif.objects.create(
            personne=personne, structure=structure, nature=nature, verifie_le=verifie_le, verifie_par=acteur
        )
        journal(acteur, "enregistrer_justificatif", justificatif, structure.pk, personne=personne.pk, nature=nature)
    return justificatif


# --- Orientations -------------------------------------------------------------------------------------------


def operation_couvrant(structure: Structure, dispositif: Dispositif, jour: datetime.date) -> Operation | None:
    """L'opération conventionnée (convention signée) de la structure pour le dispositif qui couvre `jour`."""
    return (
        Operation.objects.filter(
            convention__structure=structure,
            convention__statut__in=STATUTS_RATTACHEMENT,
            dispositif=dispositif,
            date_debut__lte=jour,
            date_fin__gte=jour,
        )
        .order_by("-date_debut", "-pk")
        .first()
    )


def _creer_orientation(
    acteur: User,
    *,
    personne: m.Personne,
    structure: Structure,
    dispositif: Dispositif,
    parcours: str,
    date_orientation: datetime.date,
    operation: Operation | None,
    precedente: m.Orientation | None,
) -> m.Orientation:
    try:
        rules.regle_parcours(dispositif, parcours)
    except ValueError as exc:
        raise ValidationError(str(exc)) from exc
    rules.verifier_pas_apres(date_orientation, aujourdhui(), "La date d'orientation")
    if operation is None:
        operation = operation_couvrant(structure, dispositif, date_orientation)
    elif operation.dispositif_id != dispositif.pk or operation.convention.structure_id != structure.pk:
        raise ValidationError("L'opération choisie ne relève pas de cette structure et de ce dispositif.")
    en_cours = m.Orientation.objects.filter(personne=personne).en_cours(date_orientation)
    if precedente is not None:
        en_cours = en_cours.exclude(pk=precedente.pk)
    if en_cours.exists():
        raise ValidationError("Cette personne a déjà un parcours en cours à cette date : sortez-la d'abord.")
    if precedente is not None and date_orientation < precedente.date_orientation:
        raise ValidationError("La nouvelle orientation ne peut pas précéder celle dont elle est issue.")
    orientation = m.Orientation.objects.create(
        personne=personne,
        structure=structure,
        dispositif=dispositif,
        operation=operation,
        parcours=parcours,
        territoire_id=personne.territoire_id,
        date_orientation=date_orientation,
        decidee_par=acteur,
        precedente=precedente,
    )
    journal(
        acteur,
        "orienter",
        orientation,
        personne=personne.pk,
        dispositif=dispositif.code,
        parcours=parcours,
        date=date_orientation,
        operation=operation.pk if operation else None,
        precedente=precedente.pk if precedente else None,
    )
    return orientation


def orienter(
    *,
    acteur: User,
    personne: m.Personne,
    structure: Structure,
    dispositif: Dispositif,
    parcours: str,
    date_orientation: datetime.date,
    operation: Operation | None = None,
    precedente: m.Orientation | None = None,
) -> m.Orientation:
    """Le Département (SLAI du territoire de la personne, DPID) oriente une personne vers une structure et un
    parcours de la fiche du dispositif. L'opération par défaut est celle de la convention signée qui couvre la
    date ; le territoire est celui de la personne."""
    exiger(acteur, ROLES_DECISION, "Seul le Département (SLAI, DPID) décide d'une orientation.")
    exiger_portee(acteur, personne, "Cette personne ne relève pas de votre territoire.")
    with transaction.atomic():
        m.Personne.objects.select_for_update().filter(pk=personne.pk).first()
        return _creer_orientation(
            acteur,
            personne=personne,
            structure=structure,
            dispositif=dispositif,
            parcours=parcours,
            date_orientation=date_orientation,
            operation=operation,
            precedente=precedente,
        )


def _sortir(acteur: User, orientation: m.Orientation, date_sortie: datetime.date, type_sortie: str) -> m.Sortie:
    if type_sortie not in c.TypeSortie.values:
        raise ValidationError(f"Type de sortie inconnu « {type_sortie} ».")
    exiger_en_cours(orientation)
    rules.verifier_pas_avant_orientation(date_sortie, orientation, "La date de sortie")
    rules.verifier_pas_apres(date_sortie, aujourdhui(), "La date de sortie")
    fermer_contrat_ouvert(acteur, orientation, date_sortie, motif="sortie")
    sortie = m.Sortie.objects.create(
        orientation=orientation, date_sortie=date_sortie, type=type_sortie, saisie_par=acteur
    )
    journal(
        acteur,
        "sortir",
        sortie,
        orientation.structure_id,
        orientation=orientation.pk,
        date=date_sortie,
        type=type_sortie,
    )
    return sortie


def sortir(*, acteur: User, orientation: m.Orientation, date_sortie: datetime.date, type: str) -> m.Sortie:  # noqa: A002
    """Sortie du parcours avec son type ; le contrat encore ouvert est clos à la date de sortie. Le type
    « réorientation » est refusé ici : il naît de `decider_reorientation` ou de `decider_dsp`."""
    exiger_orientation(acteur, orientation, ROLES_SUIVI_OU_DECISION, "Vous ne pouvez pas enregistrer de sortie.")
    if type == c.TypeSortie.REORIENTATION:
        raise ValidationError(
            "Une réorientation se décide par le Département sur une demande de réorientation : "
            "transmettez une demande plutôt qu'une sortie."
        )
    with transaction.atomic():
        orientation = m.Orientation.objects.select_for_update().get(pk=orientation.pk)
        return _sortir(acteur, orientation, date_sortie, type)


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
