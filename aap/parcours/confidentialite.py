"""Vie privée des personnes accompagnées : journal des consultations, droit d'accès (tout ce qui est conservé
sur une personne, en dictionnaire et en PDF), anonymisation après le délai de conservation.

Anonymisation (`anonymiser_personnes`, commande `purger_parcours`) : une personne dont TOUTES les orientations
sont sorties depuis plus de `settings.AAP_PARCOURS_CONSERVATION_MOIS` mois (36 par défaut), ou jamais orientée
et enregistrée depuis plus longtemps, perd son identité : nom « ANONYME », prénom et n° d'allocataire vidés,
date de naissance ramenée au 1er janvier de son année (l'âge à l'entrée reste calculable à un an près pour
l'observatoire ; jour et mois, trop identifiants avec le territoire, disparaissent). Ses justificatifs sont
supprimés ; les textes libres (argumentaires, motifs, observations, détail des actions) sont remplacés par une
mention non vide (la charte compte « détail renseigné ») ; les références vers les SI d'origine sont vidées ;
le libellé des lignes du journal qui la visent devient « Personne anonymisée n° … ». Les événements datés
(orientations, rendez-vous, contrats, sorties…) restent : la charte et l'observatoire les comptent toujours.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q, Value
from django.db.models.functions import Concat, TruncYear
from django.utils import timezone

from aap.core import audit
from aap.core.models import AuditLog, Role, User
from aap.documents.pdf import render_pdf
from aap.parcours import choices as c
from aap.parcours import models as m
from aap.parcours import rules


NOM_ANONYME = "ANONYME"
TEXTE_EFFACE = "Texte effacé lors de l'anonymisation."
TAILLE_LOT = 500


# --- Journal des consultations ------------------------------------------------------------------------------


def journaliser_consultation(user: User, personne: m.Personne, structure_id: int | None = None) -> AuditLog:
    """Chaque ouverture de la fiche d'une personne (quel que soit le rôle) écrit « parcours.consultation » ;
    la structure est celle donnée, sinon celle de la dernière orientation de la personne visible du compte."""
    if structure_id is None:
        structure_id = (
            m.Orientation.objects.for_user(user)
            .filter(personne=personne)
            .order_by("-date_orientation", "-pk")
            .values_list("structure_id", flat=True)
            .first()
        )
    if structure_id is not None:
        personne.structure_id = structure_id  # lu par audit.log ; simple attribut
    return audit.log(user, "parcours.consultation", personne)


def consultations(personne: m.Personne):
    return (
        AuditLog.objects.for_object(personne)
        .filter(action="parcours.consultation")
        .select_related("acteur")
        .order_by("horodatage", "pk")
    )


# --- Droit d'accès ------------------------------------------------------------------------------------------


def _libelle(choix, valeur: str) -> str:
    return dict(choix.choices).get(valeur, valeur)


def _orientation(o: m.Orientation) -> dict[str, Any]:
    dsp = getattr(o, "phase_dsp", None)
    sortie = getattr(o, "sortie", None)
    return {
        "structure": o.structure.raison_sociale,
        "dispositif": f"{o.dispositif.code} {o.dispositif.titre}",
        "parcours": rules.libelle_parcours(o.dispositif, o.parcours),
        "territoire": o.territoire.nom,
        "date_orientation": o.date_orientation,
        "source": o.get_source_display(),
        "phase_dsp": {
            "date_dsp": dsp.date_dsp,
            "orientation_preconisee": _libelle(c.Sphere, dsp.sphere_preconisee) if dsp.sphere_preconisee else "",
            "preconisee_le": dsp.preconisee_le,
            "statut": dsp.get_statut_display(),
            "decidee_le": dsp.decidee_le,
        }
        if dsp
        else None,
        "rendez_vous": [
            {
                "date": timezone.localtime(r.debut),
                "mode": r.get_mode_display(),
                "presence": r.get_presence_display(),
            }
            for r in o.rendez_vous.all()
        ],
        "diagnostics": [
            {
                "moment": d.get_moment_display(),
                "date": d.date,
                "freins": [f.get_frein_display() for f in d.freins.all()],
            }
            for d in o.diagnostics.all()
        ],
        "contrats": [
            {
                "rang": ce.rang,
                "date_signature": ce.date_signature,
                "date_debut": ce.date_debut,
                "date_fin": ce.date_fin,
                "statut": ce.get_statut_display(),
                "date_cloture": ce.date_cloture,
                "heures_hebdo_prevues": ce.heures_hebdo_prevues,
                "observations": ce.observations,
                "revue_slai_le": ce.revue_slai_le,
                "actions": [
                    {
                        "libelle": a.libelle,
                        "detail": a.detail,
                        "categorie": a.get_categorie_display(),
                        "date_debut": a.date_debut,
                        "date_fin": a.date_fin,
                        "dispositif_departemental": a.dispositif_departemental,
                    }
                    for a in ce.actions.all()
                ],
                "heures": [
                    {"semaine": h.semaine, "heures": h.heures, "saisie_le": h.saisie_le} for h in ce.heures.all()
                ],
            }
            for ce in o.contrats.all()
        ],
        "demandes_suspension": [
            {"date": s.date_demande, "motif": s.motif, "statut": s.get_statut_display(), "decidee_le": s.decidee_le}
            for s in o.suspensions.all()
        ],
        "demandes_reorientation": [
            {
                "date": r.date_demande,
                "orientation_demandee": r.get_sphere_demandee_display(),
                "argumentaire": r.argumentaire,
                "statut": r.get_statut_display(),
                "decidee_le": r.decidee_le,
            }
            for r in o.reorientations.all()
        ],
        "sortie": {
            "date": sortie.date_sortie,
            "type": sortie.get_type_display(),
            "famille": sortie.get_famille_display(),
        }
        if sortie
        else None,
    }


def donnees_personne(personne: m.Personne) -> dict[str, Any]:
    """Tout ce que l'application conserve sur la personne : identité, justificatifs vérifiés, orientations et
    tous leurs événements, consultations de son dossier (date, profil, compte). Valeurs Python (dates, Decimal) :
    `json_droit_acces` les sérialise."""
    orientations = (
        m.Orientation.objects.filter(personne=personne)
        .select_related("structure", "dispositif", "territoire", "phase_dsp", "sortie")
        .prefetch_related(
            "rendez_vous",
            "diagnostics__freins",
            "contrats__actions",
            "contrats__heures",
            "suspensions",
            "reorientations",
        )
        .order_by("date_orientation", "pk")
    )
    return {
        "identite": {
            "nom": personne.nom,
            "prenom": personne.prenom,
            "date_naissance": personne.date_naissance,
            "organisme": personne.get_organisme_display() if personne.organisme else "",
            "numero_allocataire": personne.numero_allocataire,
            "categorie": personne.get_categorie_display(),
            "territoire": personne.territoire.nom,
            "enregistree_le": timezone.localtime(personne.creee_le),
            "anonymisee_le": timezone.localtime(personne.anonymisee_le) if personne.anonymisee_le else None,
        },
        "justificatifs": [
            {"nature": j.get_nature_display(), "structure": j.structure.raison_sociale, "verifie_le": j.verifie_le}
            for j in personne.justificatifs.select_related("structure")
        ],
        "orientations": [_orientation(o) for o in orientations],
        "consultations": [
            {
                "horodatage": timezone.localtime(e.horodatage),
                "profil": _libelle(Role, e.acteur.role) if e.acteur else "",
                "compte": str(e.acteur) if e.acteur else "",
            }
            for e in consultations(personne)
        ],
        "conservation_mois": settings.AAP_PARCOURS_CONSERVATION_MOIS,
        "edite_le": timezone.localtime(),
    }


def json_droit_acces(personne: m.Personne) -> bytes:
    """Les données de la personne en JSON (UTF-8, indenté)."""
    return json.dumps(donnees_personne(personne), cls=DjangoJSONEncoder, ensure_ascii=False, indent=2).encode("utf-8")


def pdf_droit_acces(personne: m.Personne) -> bytes:
    """« Vos données personnelles » : le document remis à la personne qui exerce son droit d'accès."""
    return render_pdf("documents/parcours_droit_acces.html", {"donnees": donnees_personne(personne)})


# --- Anonymisation ------------------------------------------------------------------------------------------


def limite_conservation(le: datetime.date) -> datetime.date:
    """Une sortie strictement antérieure à cette date a dépassé le délai de conservation au `le`."""
    return rules.ajouter_mois(le, -settings.AAP_PARCOURS_CONSERVATION_MOIS)


def a_anonymiser(le: datetime.date):
    """Les personnes non anonymisées dont toutes les orientations sont sorties avant la limite, ou jamais
    orientées et enregistrées avant la limite (une requête)."""
    limite = limite_conservation(le)
    orientees = m.Orientation.objects.filter(personne=OuterRef("pk"))
    ouvertes = orientees.filter(Q(sortie__isnull=True) | Q(sortie__date_sortie__gte=limite))
    debut_limite = rules.debut_jour_paris(limite)
    return (
        m.Personne.objects.non_anonymisees()
        .filter((Exists(orientees) & ~Exists(ouvertes)) | (~Exists(orientees) & Q(creee_le__lt=debut_limite)))
        .order_by("pk")
    )


def _lots(ids: list[int]) -> Iterator[list[int]]:
    for debut in range(0, len(ids), TAILLE_LOT):
        yield ids[debut : debut + TAILLE_LOT]


def _anonymiser_lot(ids: list[int], maintenant: datetime.datetime, acteur: User | None) -> None:
    m.Justificatif.objects.filter(personne_id__in=ids).delete()
    m.Personne.objects.filter(pk__in=ids).update(
        nom=NOM_ANONYME,
        prenom="",
        numero_allocataire="",
        date_naissance=TruncYear("date_naissance"),
        anonymisee_le=maintenant,
    )
    orientations = m.Orientation.objects.filter(personne_id__in=ids)
    orientations.update(reference_externe="")
    sur_orientation = {"orientation__personne_id__in": ids}
    m.RendezVous.objects.filter(**sur_orientation).update(reference_externe="")
    m.Diagnostic.objects.filter(**sur_orientation).update(reference_externe="")
    m.ContratEngagement.objects.filter(**sur_orientation).exclude(observations="").update(observations="")
    m.ContratEngagement.objects.filter(**sur_orientation).update(reference_externe="")
    m.ActionContrat.objects.filter(contrat__orientation__personne_id__in=ids).exclude(detail="").update(
        detail=TEXTE_EFFACE
    )
    m.DemandeSuspension.objects.filter(**sur_orientation).update(motif=TEXTE_EFFACE, reference_externe="")
    m.DemandeReorientation.objects.filter(**sur_orientation).update(argumentaire=TEXTE_EFFACE, reference_externe="")
    type_personne = ContentType.objects.get_for_model(m.Personne)
    AuditLog.objects.filter(cible_type=type_personne, cible_id__in=[str(i) for i in ids]).update(
        cible_repr=Concat(Value("Personne anonymisée n° "), F("cible_id"))
    )
    AuditLog.objects.bulk_create(
        [
            AuditLog(
                horodatage=maintenant,
                acteur=acteur,
                action="parcours.anonymiser",
                cible_type=type_personne,
                cible_id=str(pk),
                cible_repr=f"Personne anonymisée n° {pk}",
                details={"conservation_mois": settings.AAP_PARCOURS_CONSERVATION_MOIS},
            )
            for pk in ids
        ]
    )


def anonymiser_personnes(le: datetime.date | None = None, dry_run: bool = False, *, acteur: User | None = None) -> int:
    """Anonymise les personnes dont le délai de conservation est dépassé au `le` (aujourd'hui par défaut) ;
    rend leur nombre. `dry_run` : compte sans rien modifier. Idempotent : une personne anonymisée ne l'est
    qu'une fois. Une transaction par lot de 500 personnes ; une ligne de journal par personne et une pour le
    passage."""
    le = le or timezone.localdate()
    ids = list(a_anonymiser(le).values_list("pk", flat=True))
    if dry_run or not ids:
        return len(ids)
    maintenant = timezone.now()
    nombre = 0
    for lot in _lots(ids):
        with transaction.atomic():
            # Nouvel examen dans la transaction : une personne réorientée entre-temps n'est pas touchée.
            lot = list(a_anonymiser(le).filter(pk__in=lot).values_list("pk", flat=True))
            _anonymiser_lot(lot, maintenant, acteur)
            nombre += len(lot)
    audit.log(
        acteur,
        "parcours.purger",
        None,
        at=maintenant,
        nombre=nombre,
        le=le,
        conservation_mois=settings.AAP_PARCOURS_CONSERVATION_MOIS,
    )
    return nombre
