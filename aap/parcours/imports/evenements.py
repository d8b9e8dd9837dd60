"""Une ligne du fichier des événements (outil de la structure), hors contrats : rendez-vous, diagnostic, heures
d'activité, demande de suspension, demande de réorientation, sortie.

Clé d'idempotence : (orientation, référence) pour les tables qui gardent la référence ; (contrat, semaine) pour
les heures ; l'orientation pour la sortie (une seule par orientation). Même clé et même contenu : inchangée ;
contenu différent : modifiée, sauf une demande déjà décidée par le Département (rejetée).
"""

from __future__ import annotations

import datetime
import zoneinfo
from decimal import Decimal

from django.utils import timezone

from aap.core import audit
from aap.core.models import User
from aap.parcours import choices as c
from aap.parcours import models as m
from aap.parcours import rules, services
from aap.parcours.imports.communs import (
    CREE,
    INCHANGE,
    MODIFIE,
    Issue,
    affecter,
    comparer,
    verifier_apres_orientation,
)
from aap.parcours.imports.lecture import Champs, LigneRejetee


PARIS = zoneinfo.ZoneInfo("Europe/Paris")


def orientation_de(champs: Champs, acteur: User) -> m.Orientation | None:
    """L'orientation désignée par sa référence SI RSA ou son n°, dans la portée de l'acteur (verrouillée)."""
    reference, numero = champs.brut("orientation"), champs.brut("orientation_id")
    if not reference and not numero:
        champs.erreur("orientation", "valeur obligatoire manquante (référence SI RSA, ou n° dans orientation_id)")
        return None
    qs = m.Orientation.objects.for_user(acteur).select_for_update(of=("self",))
    if numero:
        if not numero.isdigit():
            champs.erreur("orientation_id", f"« {numero} » : un numéro entier est attendu")
            return None
        qs = qs.filter(pk=int(numero))
    if reference:
        qs = qs.filter(source=c.SourceDonnee.IMPORT_SI_RSA, reference_externe=reference)
    orientation = qs.select_related("dispositif", "structure").first()
    if orientation is None:
        colonne = "orientation" if reference else "orientation_id"
        champs.erreur(colonne, f"« {reference or numero} » : orientation introuvable dans votre structure")
    return orientation


def contrat_de(orientation: m.Orientation, reference: str, colonne: str = "contrat") -> m.ContratEngagement:
    contrat = m.ContratEngagement.objects.filter(orientation=orientation, reference_externe=reference).first()
    if contrat is None:
        raise LigneRejetee.une(colonne, f"« {reference} » : aucun contrat de cette référence pour cette orientation")
    return contrat


def _enregistrer(acteur: User, modele, orientation: m.Orientation, cle: dict, valeurs: dict, nom: str) -> Issue:  # noqa: ANN001
    objet = modele.objects.filter(**cle).first()
    if objet is None:
        objet = modele.objects.create(**cle, **valeurs)
        audit.log(acteur, f"parcours.import.{nom}.creer", objet, orientation=orientation.pk)
        return Issue(CREE, str(objet))
    if comparer(objet, valeurs):
        return Issue(INCHANGE, str(objet))
    if getattr(objet, "statut", c.StatutDemande.TRANSMISE) in (c.StatutDemande.ACCEPTEE, c.StatutDemande.REFUSEE):
        raise LigneRejetee.une("reference", "demande déjà décidée par le Département : elle ne change plus")
    affecter(objet, valeurs)
    objet.save()
    audit.log(acteur, f"parcours.import.{nom}.modifier", objet, orientation=orientation.pk)
    return Issue(MODIFIE, str(objet))


def rendez_vous(champs: Champs, orientation: m.Orientation, acteur: User, reference: str) -> Issue:
    jour, heure = champs.date("date", requis=True), champs.heure("heure", requis=True)
    mode = champs.code("mode", c.ModeRendezVous, requis=True)
    presence = champs.code("presence", c.Presence) or c.Presence.PREVU
    champs.verifier()
    verifier_apres_orientation(orientation, jour, "date")
    debut = datetime.datetime.combine(jour, heure, tzinfo=PARIS)
    if presence != c.Presence.PREVU and jour > timezone.localdate():
        raise LigneRejetee.une("presence", f"rendez-vous du {jour:%d/%m/%Y} à venir : présence « prevu » seulement")
    valeurs = {"debut": debut, "mode": mode, "presence": presence}
    cle = {"orientation": orientation, "reference_externe": reference}
    return _enregistrer(acteur, m.RendezVous, orientation, cle, valeurs, "rendez_vous")


def diagnostic(champs: Champs, orientation: m.Orientation, acteur: User, reference: str) -> Issue:
    moment = champs.code("moment", c.MomentDiagnostic, requis=True)
    jour = champs.date("date", requis=True)
    freins = champs.codes("freins", c.Frein)
    ref_contrat = champs.texte("contrat", longueur=60)
    champs.verifier()
    verifier_apres_orientation(orientation, jour, "date")
    contrat = contrat_de(orientation, ref_contrat) if ref_contrat else None
    cle = {"orientation": orientation, "reference_externe": reference}
    issue = _enregistrer(
        acteur, m.Diagnostic, orientation, cle, {"moment": moment, "date": jour, "contrat": contrat}, "diagnostic"
    )
    objet = m.Diagnostic.objects.get(**cle)
    if sorted(objet.freins.values_list("frein", flat=True)) != freins:
        objet.freins.all().delete()
        m.FreinDiagnostic.objects.bulk_create([m.FreinDiagnostic(diagnostic=objet, frein=f) for f in freins])
        if issue.etat == INCHANGE:
            audit.log(acteur, "parcours.import.diagnostic.modifier", objet, freins=freins)
            issue.etat = MODIFIE
    return issue


def heures(champs: Champs, orientation: m.Orientation, acteur: User, reference: str) -> Issue:
    """Par le service de saisie (`saisir_heures` : semaine ramenée au lundi, dans le contrat, 0 à 80 h)."""
    ref_contrat = champs.texte("contrat", requis=True, longueur=60)
    jour = champs.date("semaine", requis=True)
    nombre = champs.nombre("heures", requis=True, maximum=Decimal(80))
    saisie = champs.date("date")
    champs.verifier()
    contrat = contrat_de(orientation, ref_contrat)
    lundi = rules.lundi(jour)
    saisie = saisie or min(lundi + datetime.timedelta(days=6), timezone.localdate())
    existante = m.HeuresActivite.objects.filter(contrat=contrat, semaine=lundi).first()
    if existante is not None and comparer(existante, {"heures": nombre, "saisie_le": saisie}):
        return Issue(INCHANGE, str(existante))
    ligne = services.saisir_heures(acteur=acteur, contrat=contrat, semaine=lundi, heures=nombre, saisie_le=saisie)
    return Issue(CREE if existante is None else MODIFIE, str(ligne))


def suspension(champs: Champs, orientation: m.Orientation, acteur: User, reference: str) -> Issue:
    jour = champs.date("date", requis=True)
    motif = champs.texte("motif", requis=True)
    ref_rdv = champs.texte("rendez_vous", longueur=60)
    champs.verifier()
    verifier_apres_orientation(orientation, jour, "date")
    rdv = None
    if ref_rdv:
        rdv = m.RendezVous.objects.filter(orientation=orientation, reference_externe=ref_rdv).first()
        if rdv is None:
            raise LigneRejetee.une("rendez_vous", f"« {ref_rdv} » : aucun rendez-vous de cette référence")
        autre = m.DemandeSuspension.objects.filter(rendez_vous=rdv).exclude(reference_externe=reference).exists()
        if autre:
            raise LigneRejetee.une("rendez_vous", f"« {ref_rdv} » : une autre demande porte déjà sur ce rendez-vous")
    cle = {"orientation": orientation, "reference_externe": reference}
    valeurs = {"date_demande": jour, "motif": motif, "rendez_vous": rdv}
    return _enregistrer(acteur, m.DemandeSuspension, orientation, cle, valeurs, "suspension")


def reorientation(champs: Champs, orientation: m.Orientation, acteur: User, reference: str) -> Issue:
    jour = champs.date("date", requis=True)
    sphere = champs.code("sphere", c.Sphere, requis=True)
    argumentaire = champs.texte("argumentaire", requis=True, longueur=5000)
    champs.verifier()
    verifier_apres_orientation(orientation, jour, "date")
    cle = {"orientation": orientation, "reference_externe": reference}
    valeurs = {"date_demande": jour, "sphere_demandee": sphere, "argumentaire": argumentaire}
    return _enregistrer(acteur, m.DemandeReorientation, orientation, cle, valeurs, "reorientation")


def sortie(champs: Champs, orientation: m.Orientation, acteur: User, reference: str) -> Issue:
    jour = champs.date("date", requis=True)
    type_sortie = champs.code("type_sortie", c.TypeSortie, requis=True)
    champs.verifier()
    verifier_apres_orientation(orientation, jour, "date")
    if jour > timezone.localdate():
        raise LigneRejetee.une("date", f"{jour:%d/%m/%Y} : une sortie ne se déclare pas à l'avance")
    cle = {"orientation": orientation}
    valeurs = {"date_sortie": jour, "type": type_sortie}
    issue = _enregistrer(acteur, m.Sortie, orientation, cle, valeurs, "sortie")
    return issue


#: type → (fonction, référence obligatoire)
TRAITEMENTS = {
    "rendez_vous": (rendez_vous, True),
    "diagnostic": (diagnostic, True),
    "heures": (heures, False),
    "suspension": (suspension, True),
    "reorientation": (reorientation, True),
    "sortie": (sortie, False),
}
