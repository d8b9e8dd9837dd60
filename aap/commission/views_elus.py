"""Registre des élus et de leurs mandats dans les structures ; présences à une séance."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from aap.commission.forms import EluForm, MandatForm, PresenceFormSet, RechercheStructureForm
from aap.commission.models import Elu, Mandat, Presence, SeanceCP, StatutPresence
from aap.commission.services import (
    CommissionImpossible,
    enregistrer_elu,
    enregistrer_mandat,
    enregistrer_presences,
    supprimer_mandat,
)
from aap.commission.views import fil, fil_seance
from aap.core.models import AGENT_ROLES, DPID_ROLES
from aap.core.permissions import role_required


def fil_elus(*items: tuple[str, str]) -> list[tuple[str, str]]:
    return fil(("Élus", reverse("commission:elus")), *items)


@role_required(*AGENT_ROLES)
def elus(request: HttpRequest) -> HttpResponse:
    liste = Elu.objects.annotate(nb_mandats=Count("mandats")).order_by("-actif", "nom", "prenom")
    contexte = {"elus": liste, "peut_ecrire": request.user.est_dpid, "fil": fil(("Élus", ""))}
    return render(request, "commission/elus.html", contexte)


@role_required(*DPID_ROLES)
def elu_creer(request: HttpRequest) -> HttpResponse:
    form = EluForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            elu = enregistrer_elu(request.user, form.cleaned_data)
        except CommissionImpossible as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"{elu} ajouté au registre.")
            return redirect("commission:elu", pk=elu.pk)
    return render(request, "commission/elu_form.html", {"form": form, "fil": fil_elus(("Nouvel élu", ""))})


@role_required(*AGENT_ROLES)
def elu(request: HttpRequest, pk: int) -> HttpResponse:
    """La fiche de l'élu : ses mandats ; pour la DPID, sa modification et l'ajout d'un mandat (structure
    recherchée par raison sociale ou SIRET)."""
    elu = get_object_or_404(Elu, pk=pk)
    peut_ecrire = request.user.est_dpid
    form = recherche = form_mandat = None
    q = ""
    if peut_ecrire:
        form = EluForm(
            request.POST if request.POST.get("formulaire") == "elu" else None, instance=Elu.objects.get(pk=pk)
        )
        recherche = RechercheStructureForm(request.GET or None)
        q = recherche.cleaned_data["q"] if recherche.is_bound and recherche.is_valid() else ""
        bound = request.POST if request.POST.get("formulaire") == "mandat" else None
        q = request.POST.get("q", "") if bound else q
        form_mandat = MandatForm(bound, recherche=q, prefix="mandat")
        if request.method == "POST":
            cible = form if request.POST.get("formulaire") == "elu" else form_mandat
            if cible.is_valid():
                try:
                    if cible is form:
                        enregistrer_elu(request.user, form.cleaned_data, elu)
                        messages.success(request, "Élu enregistré.")
                    else:
                        enregistrer_mandat(request.user, elu, form_mandat.cleaned_data)
                        messages.success(request, "Mandat ajouté.")
                except CommissionImpossible as exc:
                    cible.add_error(None, str(exc))
                else:
                    return redirect("commission:elu", pk=elu.pk)
    contexte = {
        "elu": elu,
        "mandats": elu.mandats.select_related("structure").order_by("structure__raison_sociale"),
        "form": form,
        "recherche": recherche,
        "form_mandat": form_mandat,
        "q": q,
        "peut_ecrire": peut_ecrire,
        "fil": fil_elus((str(elu), "")),
    }
    return render(request, "commission/elu.html", contexte)


@role_required(*DPID_ROLES)
def mandat_modifier(request: HttpRequest, pk: int) -> HttpResponse:
    """Modifie un mandat (élu en fonction ou non) ; la structure peut être changée après une recherche."""
    mandat = get_object_or_404(Mandat.objects.select_related("elu", "structure"), pk=pk)
    elu = mandat.elu
    recherche = RechercheStructureForm(request.GET or None)
    q = recherche.cleaned_data["q"] if recherche.is_bound and recherche.is_valid() else ""
    if request.method == "POST":
        q = request.POST.get("q", "")
    # Le formulaire travaille sur sa propre copie : le service compare l'enregistré aux nouvelles valeurs.
    form = MandatForm(request.POST or None, instance=Mandat.objects.get(pk=pk), recherche=q)
    if request.method == "POST" and form.is_valid():
        try:
            enregistrer_mandat(request.user, elu, form.cleaned_data, mandat=mandat)
        except CommissionImpossible as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"Mandat à {mandat.structure.raison_sociale} modifié.")
            return redirect("commission:elu", pk=elu.pk)
    contexte = {
        "mandat": mandat,
        "elu": elu,
        "form": form,
        "recherche": recherche,
        "q": q,
        "fil": fil_elus((str(elu), reverse("commission:elu", args=[elu.pk])), ("Modifier le mandat", "")),
    }
    return render(request, "commission/mandat_form.html", contexte)


@require_POST
@role_required(*DPID_ROLES)
def mandat_supprimer(request: HttpRequest, pk: int) -> HttpResponse:
    mandat = get_object_or_404(Mandat.objects.select_related("elu", "structure"), pk=pk)
    supprimer_mandat(request.user, mandat)
    messages.success(request, "Mandat supprimé.")
    return redirect("commission:elu", pk=mandat.elu_id)


@role_required(*AGENT_ROLES)
def presences(request: HttpRequest, pk: int) -> HttpResponse:
    seance = get_object_or_404(SeanceCP, pk=pk)
    peut_ecrire = request.user.est_dpid
    membres = list(Elu.objects.filter(actif=True).order_by("nom", "prenom"))
    saisies = {p.elu_id: p for p in Presence.objects.filter(seance=seance)}
    initial = [
        {
            "elu": e.pk,
            "statut": saisies[e.pk].statut if e.pk in saisies else StatutPresence.PRESENT,
            "delegation_a": saisies[e.pk].delegation_a_id if e.pk in saisies else None,
        }
        for e in membres
    ]
    formset = PresenceFormSet(request.POST if request.method == "POST" and peut_ecrire else None, initial=initial)
    if request.method == "POST" and peut_ecrire and formset.is_valid():
        donnees = {
            f.cleaned_data["elu"].pk: (f.cleaned_data["statut"], f.cleaned_data["delegation_a"]) for f in formset
        }
        try:
            enregistrer_presences(seance, request.user, donnees)
        except CommissionImpossible as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, "Présences enregistrées.")
            return redirect("commission:seance", pk=seance.pk)
    lignes = list(zip(membres, formset.forms, strict=True)) if len(formset.forms) == len(membres) else []
    contexte = {
        "seance": seance,
        "formset": formset,
        "lignes": lignes,
        "saisies": saisies,
        "peut_ecrire": peut_ecrire,
        "fil": fil_seance(seance, ("Présences", "")),
    }
    return render(request, "commission/presences.html", contexte)
