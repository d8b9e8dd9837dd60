"""Mise en forme de la fiche d'une personne (lecture seule) : état d'une orientation, échéances du parcours
lues dans la fiche du dispositif, événements de l'orientation suivie, actions proposées au compte."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone

from aap.catalogue.schema_parcours import RegleParcours
from aap.core.models import Role, User
from aap.parcours import choices as c
from aap.parcours import rules
from aap.parcours.forms import libelle_parcours
from aap.parcours.models import ContratEngagement, Diagnostic, Orientation, Personne


@dataclass(frozen=True)
class Echeance:
    libelle: str
    tone: str  # info | alerte | erreur | succes


def regle_de(orientation: Orientation) -> RegleParcours | None:
    """La règle du parcours de l'orientation, lue dans la fiche du dispositif (jamais dans le code)."""
    fiche = orientation.dispositif.fiche
    if fiche is None:
        return None
    return next((r for r in fiche.parcours if r.code == orientation.parcours), None)


def sortie_de(orientation: Orientation):  # noqa: ANN201 - Sortie | None
    try:
        return orientation.sortie
    except Orientation.sortie.RelatedObjectDoesNotExist:
        return None


def etat_orientation(o: Orientation, jour: datetime.date) -> tuple[str, str]:
    """(libellé, ton du badge) ; `o` porte les annotations `a_rdv` et `a_contrat` ou les calcule."""
    sortie = sortie_de(o)
    if sortie is not None and sortie.date_sortie <= jour:
        return f"Sorti le {sortie.date_sortie:%d/%m/%Y}", "neutre"
    a_contrat = getattr(o, "a_contrat", None)
    if a_contrat is None:
        a_contrat = o.contrats.exists()
    a_rdv = getattr(o, "a_rdv", None)
    if a_rdv is None:
        a_rdv = o.rendez_vous.filter(presence=c.Presence.HONORE).exists()
    if a_contrat:
        return "CE signé", "succes"
    if a_rdv:
        return "1er RDV honoré, CE à signer", "info"
    return "En attente du 1er RDV", "alerte"


def _date(jour: datetime.date) -> str:
    return jour.strftime("%d/%m/%Y")


def echeances(o: Orientation, regle: RegleParcours | None, jour: datetime.date) -> list[Echeance]:
    """Repères du parcours en cours : 1er rendez-vous, signature du CE, fin du CE sans revue, heures SIA,
    rendez-vous du mois (seuils de la fiche)."""
    if regle is None or sortie_de(o) is not None:
        return []
    resultat: list[Echeance] = []
    rdv = list(o.rendez_vous.all())
    honores = [r for r in rdv if r.presence == c.Presence.HONORE]
    contrats = list(o.contrats.all())
    if regle.delai_premier_rdv_jours and not honores:
        du = o.date_orientation + datetime.timedelta(days=regle.delai_premier_rdv_jours)
        if jour > du:
            resultat.append(Echeance(f"1er rendez-vous dû le {_date(du)} : en retard", "erreur"))
        else:
            resultat.append(Echeance(f"1er rendez-vous dû le {_date(du)} au plus tard", "alerte"))
    if regle.delai_signature_ce_jours and not contrats:
        du = o.date_orientation + datetime.timedelta(days=regle.delai_signature_ce_jours)
        if jour > du:
            resultat.append(Echeance(f"CE à signer avant le {_date(du)} : délai dépassé", "erreur"))
        else:
            resultat.append(Echeance(f"CE à signer avant le {_date(du)} (inclus)", "alerte"))
    en_cours = next((k for k in reversed(contrats) if k.statut == c.StatutContrat.SIGNE), None)
    if en_cours is not None:
        if regle.renouvellement == "apres_revue_slai" and not en_cours.revue_slai_le:
            tone = "erreur" if jour > en_cours.date_fin else "info"
            resultat.append(Echeance(f"CE n° {en_cours.rang} jusqu'au {_date(en_cours.date_fin)} : revue SLAI à "
                                     "faire avant tout renouvellement", tone))  # fmt: skip
        if regle.mise_a_jour_heures:
            heures = list(en_cours.heures.all())
            derniere = max((h.saisie_le for h in heures), default=None)
            if derniere is None or (jour - derniere).days > 31:
                depuis = f"dernière mise à jour le {_date(derniere)}" if derniere else "aucune saisie"
                resultat.append(Echeance(f"Heures d'activité (SIA) à mettre à jour chaque mois : {depuis}", "alerte"))
    if regle.entretiens_par_mois_min and (contrats or honores):
        du_mois = [r for r in honores if _jour(r) >= jour.replace(day=1) and _jour(r) <= jour]
        physiques = sum(1 for r in du_mois if r.mode == c.ModeRendezVous.PHYSIQUE)
        attendus = regle.entretiens_par_mois_min
        texte = f"Ce mois-ci : {len(du_mois)} rendez-vous honoré{'s' if len(du_mois) > 1 else ''} sur {attendus}"
        if regle.entretiens_physiques_par_mois_min:
            texte += f", dont {physiques} physique{'s' if physiques > 1 else ''} "
            texte += f"sur {regle.entretiens_physiques_par_mois_min}"
        ok = len(du_mois) >= attendus and physiques >= (regle.entretiens_physiques_par_mois_min or 0)
        resultat.append(Echeance(texte + " attendus", "succes" if ok else "info"))
    return resultat


def _jour(rdv) -> datetime.date:  # noqa: ANN001 - RendezVous
    return timezone.localdate(rdv.debut)


def _url(nom: str, pk: int) -> str:
    return reverse("parcours:action", args=[nom, pk])


def actions_orientation(user: User, o: Orientation) -> list[tuple[str, str]]:
    """Actions (libellé, adresse) proposées au compte sur l'orientation suivie ; les services vérifient."""
    if sortie_de(o) is not None:
        return []
    actions: list[tuple[str, str]] = []
    if user.role == Role.REFERENT:
        actions += [
            ("Planifier un rendez-vous", _url("rendez_vous", o.pk)),
            ("Enregistrer un diagnostic", _url("diagnostic", o.pk)),
            ("Signer un contrat d'engagement", reverse("parcours:contrat", args=[o.pk])),
            ("Enregistrer un justificatif", _url("justificatif", o.pk)),
        ]
        phase = getattr(o, "phase_dsp", None)
        if o.parcours == rules.PARCOURS_DSP and (phase is None or phase.statut == c.StatutPreconisation.EN_ATTENTE):
            libelle = (
                "Transmettre la DSP et la préconisation"
                if phase is None or not phase.date_dsp
                else ("Modifier la DSP et la préconisation")
            )
            actions.append((libelle, _url("dsp", o.pk)))
        actions += [
            ("Demander une suspension", _url("suspension", o.pk)),
            ("Demander une réorientation", _url("reorientation", o.pk)),
        ]
    elif user.role == Role.SLAI:
        actions.append(("Demander une réorientation", _url("reorientation", o.pk)))
    actions.append(("Enregistrer la sortie", _url("sortie", o.pk)))
    return actions


def chronologie(o: Orientation, sortie) -> list[tuple[datetime.date, str]]:  # noqa: ANN001 - Sortie | None
    """Les événements de l'orientation (déjà chargés) dans l'ordre des dates : le fil du parcours."""
    evenements: list[tuple[datetime.date, str]] = [(o.date_orientation, "Orientation décidée par le Département")]
    for r in o.rendez_vous.all():
        evenements.append((timezone.localdate(r.debut), f"Rendez-vous ({r.get_mode_display().lower()}) : "
                                                         f"{r.get_presence_display().lower()}"))  # fmt: skip
    for d in o.diagnostics.all():
        freins = ", ".join(f.get_frein_display().lower() for f in d.freins.all()) or "aucun frein"
        evenements.append((d.date, f"{d.get_moment_display()} : {freins}"))
    for k in o.contrats.all():
        nb = len(k.actions.all())
        evenements.append((k.date_signature, f"CE n° {k.rang} signé ({nb} action{'s' if nb > 1 else ''})"))
        if k.revue_slai_le:
            evenements.append((k.revue_slai_le, f"Revue SLAI du CE n° {k.rang}"))
        if k.date_cloture:
            evenements.append((k.date_cloture, f"CE n° {k.rang} {k.get_statut_display().lower()}"))
    for d in o.suspensions.all():
        evenements.append((d.date_demande, f"Demande de suspension : {d.get_statut_display().lower()}"))
    for d in o.reorientations.all():
        evenements.append((d.date_demande, f"Demande de réorientation ({d.get_sphere_demandee_display()}) : "
                                            f"{d.get_statut_display().lower()}"))  # fmt: skip
    if sortie is not None:
        evenements.append((sortie.date_sortie, f"Sortie : {sortie.get_type_display()}"))
    return sorted(evenements, key=lambda e: e[0])


def noter_points_d_attention(o: Orientation) -> None:
    """Pose sur chaque contrat encore signé (instances préchargées) `points_attention` : ses manques de qualité
    (nombre d'actions, heures du SIA…) selon les règles de la fiche ; rien si le parcours n'y figure pas."""
    for k in o.contrats.all():
        try:
            k.points_attention = rules.problemes_du_contrat(k) if k.statut == c.StatutContrat.SIGNE else []
        except ValueError:
            k.points_attention = []


def fiche_personne(p: Personne, user: User, orientation_pk: Any, jour: datetime.date) -> dict[str, Any]:
    orientations = list(
        Orientation.objects.for_user(user)
        .filter(personne=p)
        .select_related("structure", "dispositif", "dispositif__edition", "sortie", "decidee_par")
        .order_by("-date_orientation", "-pk")
    )
    courante = None
    if orientation_pk and str(orientation_pk).isdigit():
        courante = next((o for o in orientations if o.pk == int(orientation_pk)), None)
    if courante is None:
        courante = next((o for o in orientations if sortie_de(o) is None), orientations[0] if orientations else None)
    attendus = c.JUSTIFICATIFS_ATTENDUS.get(p.categorie, ())
    justificatifs = list(p.justificatifs.select_related("structure"))
    verifies = {j.nature for j in justificatifs}
    contexte: dict[str, Any] = {
        "personne": p,
        "orientations": [
            (o, libelle_parcours(o.dispositif, o.parcours), etat_orientation(o, jour)) for o in orientations
        ],
        "courante": courante,
        "justificatifs": justificatifs,
        "justificatifs_manquants": [c.NatureJustificatif(n).label for n in attendus if n not in verifies],
        "est_referent": user.role == Role.REFERENT,
        "est_agent": user.role != Role.REFERENT,
        "peut_droit_acces": user.role == Role.REFERENT or user.est_dpid,
    }
    if courante is None:
        return contexte
    o = (
        Orientation.objects.filter(pk=courante.pk)
        .select_related("structure", "dispositif", "dispositif__edition", "sortie", "phase_dsp")
        .prefetch_related(
            "rendez_vous__demande_suspension",
            Prefetch("contrats", queryset=ContratEngagement.objects.prefetch_related("actions", "heures")),
            Prefetch("diagnostics", queryset=Diagnostic.objects.prefetch_related("freins").select_related("contrat")),
            "suspensions",
            "reorientations",
        )
        .get()
    )
    regle = regle_de(o)
    noter_points_d_attention(o)
    contexte |= {
        "courante": o,
        "libelle_parcours": libelle_parcours(o.dispositif, o.parcours),
        "etat": etat_orientation(o, jour),
        "regle": regle,
        "echeances": echeances(o, regle, jour),
        "actions": actions_orientation(user, o),
        "sortie": sortie_de(o),
        "chronologie": chronologie(o, sortie_de(o)),
        "phase_dsp": getattr(o, "phase_dsp", None) if hasattr(o, "phase_dsp") else None,
        "decision_dsp": getattr(o, "issue_de_dsp", None) if hasattr(o, "issue_de_dsp") else None,
    }
    return contexte
