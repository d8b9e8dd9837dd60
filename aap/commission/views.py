"""Séances de la Commission permanente : liste, création, fiche (ordre du jour, contrôles, élus intéressés,
documents), inscriptions, génération des documents en tâche de fond et leur téléchargement."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from aap.commission.conflits import elus_interesses
from aap.commission.forms import FiltrePropositionsForm, SeanceForm
from aap.commission.models import GenerationDocuments, Inscription, SeanceCP, StatutGeneration, StatutSeance
from aap.commission.selectors import (
    controles,
    derniere_generation,
    documents_de,
    inscriptions_de,
    par_thematique,
    seances_avec_totaux,
)
from aap.commission.services import (
    CommissionImpossible,
    demander_generation,
    desinscrire,
    enregistrer_seance,
    inscrire,
    propositions_inscriptibles,
)
from aap.core.models import AGENT_ROLES, DPID_ROLES
from aap.core.pagination import paginate
from aap.core.permissions import role_required


def fil(*items: tuple[str, str]) -> list[tuple[str, str]]:
    return [("Commission permanente", reverse("commission:seances")), *items]


def fil_seance(seance: SeanceCP, *items: tuple[str, str]) -> list[tuple[str, str]]:
    return fil((f"CP du {seance.date:%d/%m/%Y}", reverse("commission:seance", args=[seance.pk])), *items)


@role_required(*AGENT_ROLES)
def seances(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "commission/seances.html",
        {"seances": seances_avec_totaux(), "peut_ecrire": request.user.est_dpid, "fil": fil()},
    )


@role_required(*DPID_ROLES)
def seance_creer(request: HttpRequest) -> HttpResponse:
    form = SeanceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            seance = enregistrer_seance(request.user, form.cleaned_data)
        except CommissionImpossible as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"Séance du {seance.date:%d/%m/%Y} créée.")
            return redirect("commission:seance", pk=seance.pk)
    contexte = {"form": form, "fil": fil(("Nouvelle séance", ""))}
    return render(request, "commission/seance_form.html", contexte)


@role_required(*DPID_ROLES)
def seance_modifier(request: HttpRequest, pk: int) -> HttpResponse:
    seance = get_object_or_404(SeanceCP, pk=pk)
    form = SeanceForm(request.POST or None, instance=SeanceCP.objects.get(pk=pk))
    if request.method == "POST" and form.is_valid():
        try:
            enregistrer_seance(request.user, form.cleaned_data, seance)
        except CommissionImpossible as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Séance enregistrée.")
            return redirect("commission:seance", pk=seance.pk)
    contexte = {"form": form, "seance": seance, "fil": fil_seance(seance, ("Modifier", ""))}
    return render(request, "commission/seance_form.html", contexte)


@role_required(*AGENT_ROLES)
def seance(request: HttpRequest, pk: int) -> HttpResponse:
    seance = get_object_or_404(SeanceCP.objects.select_related("edition", "president_seance", "secretaire"), pk=pk)
    inscriptions = list(inscriptions_de(seance))
    generation = derniere_generation(seance)
    en_preparation = seance.statut == StatutSeance.PREPARATION
    contexte = {
        "seance": seance,
        "thematiques": par_thematique(inscriptions),
        "nombre": len(inscriptions),
        "total_propose": sum((i.proposition.montant for i in inscriptions), 0),
        "total_vote": sum((i.montant_vote or 0 for i in inscriptions), 0),
        "controles": controles(seance, inscriptions) if inscriptions and en_preparation else None,
        "interesses": elus_interesses(seance),
        "generation": generation,
        "documents": documents_de(generation),
        "vote": getattr(seance, "vote", None),
        "peut_ecrire": request.user.est_dpid,
        "en_preparation": en_preparation,
        "fil": fil_seance(seance),
    }
    return render(request, "commission/seance.html", contexte)


@role_required(*DPID_ROLES)
def inscrire_propositions(request: HttpRequest, pk: int) -> HttpResponse:
    """Liste filtrable des propositions inscriptibles ; POST : inscrit la sélection cochée, ou toute la
    sélection filtrée (bouton « toutes »)."""
    seance = get_object_or_404(SeanceCP.objects.select_related("edition"), pk=pk)
    donnees = request.POST if request.method == "POST" else request.GET
    filtres = FiltrePropositionsForm(donnees or None, edition=seance.edition)
    candidates = filtres.filtrer(propositions_inscriptibles(seance)).select_related(
        "demande__structure", "demande__dispositif", "territoire"
    )
    if request.method == "POST":
        selection = (
            candidates
            if request.POST.get("toutes")
            else candidates.filter(pk__in=[int(v) for v in request.POST.getlist("propositions") if v.isdigit()])
        )
        try:
            nombre = inscrire(seance, list(selection), request.user)
        except CommissionImpossible as exc:
            messages.error(request, str(exc))
            return redirect("commission:seance", pk=seance.pk)
        if nombre:
            messages.success(
                request, f"{nombre} proposition{'s' if nombre > 1 else ''} inscrite{'s' if nombre > 1 else ''}."
            )
            return redirect("commission:seance", pk=seance.pk)
        messages.error(request, "Cochez au moins une proposition à inscrire.")
    candidates = candidates.order_by(
        "demande__dispositif__axe__numero", "demande__dispositif__code", "demande__reference"
    )
    page = paginate(request, candidates, per_page=50)
    contexte = {
        "seance": seance,
        "filtres": filtres,
        "page": page,
        "fil": fil_seance(seance, ("Inscrire des propositions", "")),
    }
    return render(request, "commission/inscrire.html", contexte)


@require_POST
@role_required(*DPID_ROLES)
def desinscrire_proposition(request: HttpRequest, pk: int) -> HttpResponse:
    inscription = get_object_or_404(
        Inscription.objects.for_user(request.user).select_related("proposition__demande"), pk=pk
    )
    try:
        desinscrire(inscription, request.user)
    except CommissionImpossible as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"{inscription.proposition.demande.reference} retirée de l'ordre du jour.")
    return redirect("commission:seance", pk=inscription.seance_id)


@require_POST
@role_required(*DPID_ROLES)
def generer(request: HttpRequest, pk: int) -> HttpResponse:
    seance = get_object_or_404(SeanceCP, pk=pk)
    inscriptions = list(inscriptions_de(seance))
    verification = controles(seance, inscriptions)
    if not inscriptions:
        messages.error(request, "Aucune proposition n'est inscrite : il n'y a pas de document à produire.")
    elif verification.bloquant:
        messages.error(request, "Les contrôles de cohérence bloquent la génération : corrigez les erreurs listées.")
    else:
        try:
            demander_generation(seance, request.user)
        except CommissionImpossible as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, "Génération des documents lancée.")
    return redirect(f"{reverse('commission:seance', args=[seance.pk])}#documents")


@role_required(*AGENT_ROLES)
def generation_etat(request: HttpRequest, pk: int) -> HttpResponse:
    """Le panneau des documents (interrogé par htmx chaque seconde tant que la génération tourne)."""
    generation = get_object_or_404(GenerationDocuments.objects.select_related("seance", "demandee_par"), pk=pk)
    contexte = {"generation": generation, "documents": documents_de(generation), "seance": generation.seance}
    return render(request, "commission/_generation.html", contexte)


@role_required(*AGENT_ROLES)
def document(request: HttpRequest, pk: int, index: int) -> FileResponse:
    """Un fichier produit par une génération : réservé aux agents, jamais par une URL publique de médias."""
    generation = get_object_or_404(GenerationDocuments, pk=pk, statut=StatutGeneration.TERMINEE)
    if index >= len(generation.fichiers):
        raise Http404
    racine = Path(settings.MEDIA_ROOT).resolve()
    chemin = (racine / generation.fichiers[index]).resolve()
    if not chemin.is_relative_to(racine) or not chemin.is_file():
        raise Http404
    return FileResponse(chemin.open("rb"), as_attachment=True, filename=chemin.name)
