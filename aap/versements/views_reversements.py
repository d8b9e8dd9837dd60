"""Ordres de reversement : liste (agents), fiche (agents et porteur) avec les remboursements reçus et le reste
dû ; enregistrement d'un remboursement (finances) et annulation motivée (agents DPID)."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Count, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from aap.core import audit
from aap.core.models import AGENT_ROLES, Role
from aap.core.pagination import paginate, sort_queryset
from aap.core.permissions import role_required
from aap.versements import reversements as services
from aap.versements import selectors
from aap.versements.forms import FiltreReversementsForm, MotifForm, RemboursementForm
from aap.versements.models import OrdreReversement, StatutReversement
from aap.versements.services import VersementImpossible
from aap.versements.views import lien_convention


TRIS = {
    "convention": "convention__numero",
    "structure": "convention__structure__raison_sociale",
    "montant": "montant",
    "statut": "statut",
    "emis": "emis_le",
}


def fil(*items: tuple[str, str]) -> list[tuple[str, str]]:
    return [("Ordres de reversement", reverse("versements:reversements")), *items]


@role_required(*AGENT_ROLES)
def liste(request: HttpRequest) -> HttpResponse:
    filtres = FiltreReversementsForm(request.GET or None)
    qs = filtres.filtrer(selectors.reversements_pour(request.user))
    page = paginate(request, sort_queryset(request, qs, TRIS, "-emis"))
    totaux = OrdreReversement.objects.filter(pk__in=qs.values("pk")).aggregate(
        nombre=Count("pk"), montant=Sum("montant")
    )
    contexte = {
        "filtres": filtres,
        "page": page,
        "total": totaux,
        "fil": [("Ordres de reversement", "")],
    }
    return render(request, "versements/reversements.html", contexte)


def _contexte(request: HttpRequest, pk: int, **extra: object) -> dict:
    ordre = get_object_or_404(selectors.reversements_pour(request.user).select_related("emis_par"), pk=pk)
    ouvert = ordre.statut in services.OUVERTS
    contexte = {
        "ordre": ordre,
        "remboursements": ordre.remboursements.select_related("enregistre_par"),
        "reste": services.reste_du(ordre),
        "peut_rembourser": ouvert and request.user.role in services.ROLES_REMBOURSEMENT,
        "peut_annuler": ordre.statut == StatutReversement.EMIS and request.user.role in services.ROLES_ANNULATION,
        "form_remboursement": RemboursementForm(),
        "form_annulation": MotifForm(),
        "lien_convention": lien_convention(ordre.convention),
        "fil": (
            [(f"Convention n° {ordre.convention.numero}", lien_convention(ordre.convention)), (str(ordre), "")]
            if request.user.role == Role.PORTEUR
            else fil((f"Ordre n° {ordre.pk} – convention {ordre.convention.numero}", ""))
        ),
    }
    contexte.update(extra)
    return contexte


@role_required(*AGENT_ROLES, Role.PORTEUR)
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    contexte = _contexte(request, pk)
    audit.log_access(request.user, contexte["ordre"])
    return render(request, "versements/reversement.html", contexte)


@require_POST
@role_required(*services.ROLES_REMBOURSEMENT)
def rembourser(request: HttpRequest, pk: int) -> HttpResponse:
    contexte = _contexte(request, pk)
    form = RemboursementForm(request.POST)
    if form.is_valid():
        try:
            services.enregistrer_remboursement(
                contexte["ordre"],
                request.user,
                montant=form.cleaned_data["montant"],
                recu_le=form.cleaned_data["recu_le"],
            )
        except VersementImpossible as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Remboursement enregistré.")
            return redirect("versements:reversement", pk=pk)
    contexte["form_remboursement"] = form
    return render(request, "versements/reversement.html", contexte, status=400)


@require_POST
@role_required(*services.ROLES_ANNULATION)
def annuler(request: HttpRequest, pk: int) -> HttpResponse:
    contexte = _contexte(request, pk)
    form = MotifForm(request.POST)
    if form.is_valid():
        try:
            services.annuler_reversement(contexte["ordre"], request.user, form.cleaned_data["motif"])
        except VersementImpossible as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Ordre de reversement annulé.")
            return redirect("versements:reversement", pk=pk)
    contexte["form_annulation"] = form
    return render(request, "versements/reversement.html", contexte, status=400)
