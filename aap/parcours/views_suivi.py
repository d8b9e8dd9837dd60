"""Saisies du suivi d'un parcours : une vue générique par action (formulaire → service du domaine), le contrat
d'engagement et ses actions (formset), l'orientation par le Département.

Chaque action : GET affiche le formulaire (page entière, ou fragment si htmx le demande) ; POST valide, appelle
le service (`aap.parcours.services`) au nom du compte ; ses `ValidationError` reviennent en ligne, ses
`PermissionDenied` font un 403. Succès : retour à la fiche de la personne (redirection, `HX-Redirect` pour htmx).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from aap.core.models import Role
from aap.core.permissions import role_required
from aap.parcours import forms_suivi as f
from aap.parcours import rules, services
from aap.parcours.forms import OrienterForm
from aap.parcours.models import (
    ContratEngagement,
    DemandeReorientation,
    DemandeSuspension,
    Orientation,
    PhaseDsp,
    RendezVous,
)
from aap.parcours.views import ROLES_AGENTS, ROLES_PARCOURS, fil
from aap.parcours.views_fiche import regle_de


TOUS = frozenset(str(r) for r in ROLES_PARCOURS)
REFERENT = frozenset({str(Role.REFERENT)})
AGENTS = frozenset(str(r) for r in ROLES_AGENTS)
REFERENT_OU_SLAI = frozenset({str(Role.REFERENT), str(Role.SLAI)})


@dataclass(frozen=True)
class Action:
    titre: str
    modele: type[models.Model]
    form: type[forms.Form]
    service: str
    #: Nom du paramètre du service qui reçoit l'objet visé.
    parametre: str
    roles: frozenset[str]
    succes: str
    #: L'orientation de l'objet visé (pour la fiche et les formulaires qui en dépendent).
    orientation: Callable[[Any], Orientation] = field(default=lambda o: o.orientation)
    #: Paramètres du service tirés de l'objet visé, au lieu de `parametre=objet`.
    cibles: Callable[[Any], dict[str, Any]] | None = None
    avec_orientation: bool = False


ACTIONS: dict[str, Action] = {
    "rendez_vous": Action("Planifier un rendez-vous", Orientation, f.RendezVousForm, "planifier_rendez_vous",
                          "orientation", REFERENT, "Rendez-vous planifié.", orientation=lambda o: o),
    "presence": Action("Noter la présence au rendez-vous", RendezVous, f.PresenceForm, "noter_presence",
                       "rendez_vous", REFERENT, "Présence enregistrée."),
    "diagnostic": Action("Enregistrer un diagnostic", Orientation, f.DiagnosticForm, "enregistrer_diagnostic",
                         "orientation", REFERENT, "Diagnostic enregistré.", orientation=lambda o: o,
                         avec_orientation=True),
    "heures": Action("Saisir les heures d'activité (SIA)", ContratEngagement, f.HeuresForm, "saisir_heures",
                     "contrat", REFERENT, "Heures enregistrées."),
    "revue_slai": Action("Enregistrer la revue SLAI du contrat", ContratEngagement, f.RevueSlaiForm,
                         "enregistrer_revue_slai", "contrat", AGENTS, "Revue SLAI enregistrée."),
    "cloture": Action("Clore le contrat d'engagement", ContratEngagement, f.ClotureForm, "clore_contrat",
                      "contrat", TOUS, "Contrat clos."),
    "suspension": Action("Demander une suspension", Orientation, f.SuspensionForm, "demander_suspension",
                         "orientation", REFERENT, "Demande de suspension transmise au Département.",
                         orientation=lambda o: o, avec_orientation=True),
    "decision_suspension": Action("Décider la demande de suspension", DemandeSuspension, f.DecisionForm,
                                  "decider_suspension", "demande", AGENTS, "Décision enregistrée."),
    "reorientation": Action("Demander une réorientation", Orientation, f.ReorientationForm,
                            "demander_reorientation", "orientation", REFERENT_OU_SLAI,
                            "Demande de réorientation transmise au Département.", orientation=lambda o: o),
    "decision_reorientation": Action("Décider la demande de réorientation", DemandeReorientation,
                                     f.DecisionReorientationForm, "decider_reorientation", "demande", AGENTS,
                                     "Décision enregistrée."),
    "dsp": Action("Transmettre la DSP et la préconisation", Orientation, f.DspForm, "enregistrer_dsp",
                  "orientation", REFERENT, "Préconisation transmise au Département.", orientation=lambda o: o),
    "decision_dsp": Action("Décider l'orientation après la phase d'accueil", PhaseDsp, f.DecisionDspForm,
                           "decider_dsp", "phase", AGENTS, "Orientation décidée."),
    "sortie": Action("Enregistrer la sortie du parcours", Orientation, f.SortieForm, "sortir", "orientation", TOUS,
                     "Sortie enregistrée.", orientation=lambda o: o),
    "justificatif": Action("Enregistrer un justificatif vérifié", Orientation, f.JustificatifForm,
                           "enregistrer_justificatif", "orientation", REFERENT, "Justificatif enregistré.",
                           orientation=lambda o: o,
                           cibles=lambda o: {"personne": o.personne, "structure": o.structure}),
}  # fmt: skip


def erreurs_du_service(form: forms.BaseForm, exc: ValidationError) -> None:
    """Reporte une ValidationError du service sur le formulaire : sur le champ qu'elle nomme s'il existe,
    sinon en tête du formulaire."""
    if hasattr(exc, "error_dict"):
        for nom, erreurs in exc.error_dict.items():
            form.add_error(nom if nom in form.fields else None, erreurs)
    else:
        form.add_error(None, exc.messages)


def est_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def retour_fiche(request: HttpRequest, orientation: Orientation, message: str) -> HttpResponse:
    messages.success(request, message)
    url = reverse("parcours:personne", args=[orientation.personne_id]) + f"?orientation={orientation.pk}"
    if est_htmx(request):
        return HttpResponse(status=204, headers={"HX-Redirect": url})
    return redirect(url)


def page_action(request: HttpRequest, contexte: dict[str, Any], form: forms.BaseForm) -> HttpResponse:
    """Le formulaire : page entière (400 s'il a des erreurs) ou fragment htmx (200 : htmx remplace la zone)."""
    formset = contexte.get("actions_fs")
    erreurs = bool(form.errors) or bool(formset is not None and formset.is_bound and formset.total_error_count())
    if est_htmx(request):
        return render(request, "parcours/_action.html", contexte)
    return render(request, "parcours/action.html", contexte, status=400 if erreurs else 200)


def _contexte(request: HttpRequest, titre: str, orientation: Orientation, url: str, **extra: Any) -> dict[str, Any]:
    personne = orientation.personne
    url_fiche = reverse("parcours:personne", args=[personne.pk]) + f"?orientation={orientation.pk}"
    return {
        "titre": titre,
        "orientation": orientation,
        "personne": personne,
        "url_action": url,
        "url_fiche": url_fiche,
        "fil": fil((str(personne), url_fiche), (titre, ""), user=request.user),
        **extra,
    }


@role_required(*ROLES_PARCOURS)
def action(request: HttpRequest, nom: str, pk: int) -> HttpResponse:
    a = ACTIONS.get(nom)
    if a is None:
        return HttpResponse(status=404)
    cible = get_object_or_404(a.modele.objects.for_user(request.user), pk=pk)
    if request.user.role not in a.roles:
        raise PermissionDenied("Cette saisie est réservée à un autre profil.")
    orientation = a.orientation(cible)
    options = {"orientation": orientation} if a.avec_orientation else {}
    form = a.form(request.POST if request.method == "POST" else None, **options)
    if request.method == "POST" and form.is_valid():
        parametres = a.cibles(cible) if a.cibles else {a.parametre: cible}
        try:
            getattr(services, a.service)(acteur=request.user, **parametres, **form.arguments())
        except ValidationError as exc:
            erreurs_du_service(form, exc)
        else:
            return retour_fiche(request, orientation, a.succes)
    contexte = _contexte(request, a.titre, orientation, reverse("parcours:action", args=[nom, pk]), form=form,
                         cible=cible)  # fmt: skip
    return page_action(request, contexte, form)


@role_required(Role.REFERENT)
def contrat(request: HttpRequest, pk: int) -> HttpResponse:
    """Signature d'un contrat d'engagement : dates, heures du SIA, et ses actions (au moins le minimum de la
    fiche en lignes vides). Les avertissements de qualité (rules.problemes_contrat) s'affichent sans bloquer."""
    orientation = get_object_or_404(Orientation.objects.for_user(request.user).select_related("dispositif"), pk=pk)
    regle = regle_de(orientation)
    minimum = (regle.actions_ce_min if regle else None) or 3
    donnees = request.POST if request.method == "POST" else None
    form = f.ContratForm(donnees, regle=regle)
    actions_fs = f.action_formset(minimum)(donnees, prefix="actions")
    if request.method == "POST" and not actions_fs.is_valid():
        for erreur in actions_fs.resume_des_erreurs():
            form.add_error(None, erreur)
    if request.method == "POST" and form.is_valid() and actions_fs.is_valid():
        try:
            contrat = services.signer_contrat(
                acteur=request.user, orientation=orientation, actions=actions_fs.actions(), **form.arguments()
            )
        except ValidationError as exc:
            erreurs_du_service(form, exc)
        else:
            avertissements = _avertissements(contrat)
            for texte in avertissements:
                messages.warning(request, texte)
            return retour_fiche(request, orientation, "Contrat d'engagement enregistré.")
    contexte = _contexte(
        request, "Signer un contrat d'engagement", orientation, reverse("parcours:contrat", args=[pk]),
        form=form, actions_fs=actions_fs, regle=regle, minimum=minimum,
    )  # fmt: skip
    return page_action(request, contexte, form)


def _avertissements(contrat: ContratEngagement) -> list[str]:
    """Manques de qualité du contrat (nombre d'actions, heures du SIA…) : affichés, jamais bloquants."""
    avertissements = getattr(contrat, "avertissements", None)
    return list(avertissements if avertissements is not None else rules.problemes_du_contrat(contrat))


@role_required(*ROLES_AGENTS)
def orienter(request: HttpRequest) -> HttpResponse:
    """Orientation décidée par le SLAI ou la DPID : personne connue (n° allocataire) ou nouvelle, structure,
    dispositif, parcours de sa fiche. Le choix du dispositif recharge la liste des parcours (htmx)."""
    if request.method == "GET" and est_htmx(request) and "dispositif" in request.GET:
        form = OrienterForm(request.GET, user=request.user)
        return render(request, "parcours/_orienter_parcours.html", {"form": form})
    form = OrienterForm(request.POST if request.method == "POST" else None, user=request.user)
    form.fields["dispositif"].widget.attrs["hx-get"] = reverse("parcours:orienter")
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            with transaction.atomic():  # pas de personne créée sans son orientation
                personne = form.personne or services.creer_personne(
                    acteur=request.user, nom=d["nom"], prenom=d["prenom"], date_naissance=d["date_naissance"],
                    organisme=d["organisme"], numero_allocataire=d["numero_allocataire"].strip(),
                    categorie=d["categorie"], territoire=d["territoire"],
                )  # fmt: skip
                orientation = services.orienter(
                    acteur=request.user, personne=personne, structure=d["structure"], dispositif=d["dispositif"],
                    parcours=d["parcours"], date_orientation=d["date_orientation"],
                )  # fmt: skip
        except ValidationError as exc:
            erreurs_du_service(form, exc)
        else:
            return retour_fiche(request, orientation, f"{personne} est orienté·e vers {orientation.structure}.")
    contexte = {"form": form, "fil": fil(("Orienter une personne", ""), user=request.user)}
    return render(request, "parcours/orienter.html", contexte, status=400 if form.errors else 200)
