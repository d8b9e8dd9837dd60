"""Personnes, justificatifs, orientations et sorties. Réexportés par `aap.parcours.services`."""

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
from aap.parcours.services_contrats import fermer_contrat_ouvert
from aap.structures.models import Membre, Structure


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
