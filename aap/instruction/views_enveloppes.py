"""Tableau de bord des enveloppes et des lignes, saisie des enveloppes, répartition simulée d'une enveloppe."""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from aap.catalogue.models import Edition
from aap.core.models import DPID_ROLES, Role
from aap.core.permissions import role_required
from aap.instruction.enveloppes import DepassementBudget, tableau_de_bord
from aap.instruction.enveloppes_services import supprimer_enveloppe
from aap.instruction.forms_propositions import AppliquerForm, EditionForm, EnveloppeForm, SimulationForm
from aap.instruction.models import Enveloppe
from aap.instruction.propositions import ROLES_ENVELOPPES, PropositionImpossible, enregistrer_enveloppe
from aap.instruction.repartition import appliquer_repartition, candidature
from aap.instruction.simulation import par_rang, proportionnelle, simuler


#: Qui consulte les enveloppes : la DPID et les finances (lecture seule pour ces dernières et les instructeurs).
ROLES_LECTURE = (*DPID_ROLES, Role.FINANCES)


def _edition(request: HttpRequest) -> tuple[EditionForm, Edition | None]:
    form = EditionForm(request.GET or None)
    if form.is_bound and form.is_valid():
        return form, form.cleaned_data["edition"]
    edition = Edition.objects.order_by("-annee").first()
    return EditionForm(initial={"edition": edition.annee if edition else None}), edition


def _url_tableau(edition: Edition) -> str:
    return f"{reverse('instruction:enveloppes')}?edition={edition.annee}"


@role_required(*ROLES_LECTURE)
def tableau(request: HttpRequest) -> HttpResponse:
    form, edition = _edition(request)
    return render(
        request,
        "instruction/enveloppes.html",
        {
            "form": form,
            "edition": edition,
            "tableau": tableau_de_bord(edition) if edition else None,
            "peut_gerer": request.user.role in ROLES_ENVELOPPES,
            "fil": [("Enveloppes et lignes budgétaires", "")],
        },
    )


def _formulaire_enveloppe(request: HttpRequest, edition: Edition, enveloppe: Enveloppe | None) -> HttpResponse:
    initial = {"ligne": enveloppe.ligne_id, "montant": enveloppe.montant} if enveloppe else None
    form = EnveloppeForm(request.POST or None, edition=edition, modification=enveloppe is not None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            enregistrer_enveloppe(request.user, enveloppe=enveloppe, **form.cleaned_data)
        except (PropositionImpossible, DepassementBudget) as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Enveloppe enregistrée.")
            return redirect(_url_tableau(edition))
    titre = "Nouvelle enveloppe"
    if enveloppe is not None:
        portee = enveloppe.territoire.nom if enveloppe.territoire_id else "tous territoires"
        titre = f"Modifier l'enveloppe {enveloppe.dispositif.code} ({portee})"
    return render(
        request,
        "instruction/enveloppes_form.html",
        {
            "form": form,
            "enveloppe": enveloppe,
            "edition": edition,
            "titre": titre,
            "fil": [("Enveloppes et lignes budgétaires", _url_tableau(edition)), (titre, "")],
        },
    )


@role_required(*ROLES_ENVELOPPES)
def nouvelle(request: HttpRequest) -> HttpResponse:
    _form, edition = _edition(request)
    if edition is None:
        messages.error(request, "Aucune édition du catalogue n'est chargée.")
        return redirect("instruction:enveloppes")
    return _formulaire_enveloppe(request, edition, None)


@role_required(*ROLES_ENVELOPPES)
def modifier(request: HttpRequest, pk: int) -> HttpResponse:
    enveloppe = get_object_or_404(Enveloppe.objects.select_related("dispositif__edition", "territoire"), pk=pk)
    return _formulaire_enveloppe(request, enveloppe.dispositif.edition, enveloppe)


@role_required(*ROLES_ENVELOPPES)
@require_POST
def supprimer(request: HttpRequest, pk: int) -> HttpResponse:
    enveloppe = get_object_or_404(
        Enveloppe.objects.select_related("dispositif__edition", "territoire", "ligne"), pk=pk
    )
    edition = enveloppe.dispositif.edition
    libelle = str(enveloppe)
    try:
        supprimer_enveloppe(enveloppe, request.user)
    except PropositionImpossible as exc:
        messages.error(request, str(exc))
        return redirect("instruction:enveloppe_modifier", pk=pk)
    messages.success(request, f"{libelle} supprimée.")
    return redirect(_url_tableau(edition))


@role_required(*ROLES_LECTURE)
def simulation(request: HttpRequest, pk: int) -> HttpResponse:
    enveloppe = get_object_or_404(
        Enveloppe.objects.select_related("dispositif__edition", "territoire", "ligne"), pk=pk
    )
    donnees = request.POST if request.method == "POST" else request.GET
    form = SimulationForm(donnees if "score_minimum" in donnees else None)
    score_minimum: Decimal | None = form.cleaned_data["score_minimum"] if form.is_bound and form.is_valid() else None
    if request.method == "POST":
        if request.user.role not in ROLES_ENVELOPPES:
            messages.error(request, "Seul un gestionnaire de la DPID applique une répartition.")
        else:
            applique = AppliquerForm(request.POST)
            if applique.is_valid():
                cand = candidature(enveloppe)
                choix = simuler(
                    applique.cleaned_data["strategie"],
                    cand.candidats,
                    cand.disponible,
                    applique.cleaned_data["score_minimum"],
                )
                try:
                    nombre = appliquer_repartition(enveloppe, choix, request.user)
                except (PropositionImpossible, DepassementBudget) as exc:
                    messages.error(request, f"Répartition non appliquée : {exc}")
                else:
                    messages.success(
                        request, f"Répartition « {choix.libelle} » appliquée : {nombre} proposition(s) mise(s) à jour."
                    )
                    return redirect(_url_tableau(enveloppe.dispositif.edition))
    cand = candidature(enveloppe)
    a = par_rang(cand.candidats, cand.disponible)
    b = proportionnelle(cand.candidats, cand.disponible, score_minimum)
    lignes = [(attribution, b.pour(attribution.candidat.demande_id)) for attribution in a.attributions]
    titre = f"Répartition simulée — {enveloppe}"
    return render(
        request,
        "instruction/simulation.html",
        {
            "enveloppe": enveloppe,
            "candidature": cand,
            "strategie_a": a,
            "strategie_b": b,
            "lignes": lignes,
            "strategies": [a, b],
            "total_candidats": sum((c.montant for c in cand.candidats), Decimal("0.00")),
            "form": form,
            "score_minimum": score_minimum,
            "peut_appliquer": request.user.role in ROLES_ENVELOPPES,
            "titre": titre,
            "fil": [
                ("Enveloppes et lignes budgétaires", _url_tableau(enveloppe.dispositif.edition)),
                ("Répartition simulée", ""),
            ],
        },
    )
