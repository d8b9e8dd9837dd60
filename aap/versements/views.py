"""Versements : liste des agents (filtres, tri, totaux, blocages), fiche d'un versement (calcul ligne par ligne,
blocages, actions) pour les agents et le porteur, et les actions des agents DPID (valider, recalculer, annuler)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, QuerySet, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from aap.core import audit
from aap.core.models import AGENT_ROLES, Role
from aap.core.pagination import paginate, sort_queryset
from aap.core.permissions import role_required
from aap.versements import selectors, services
from aap.versements.blocages import blocages
from aap.versements.forms import FiltreVersementsForm, MotifForm
from aap.versements.models import StatutVersement, Versement
from aap.versements.services import ROLES_VALIDATION, VersementImpossible


TRIS = {
    "convention": "convention__numero",
    "structure": "convention__structure__raison_sociale",
    "dispositif": "echeance__operation__dispositif__code",
    "type": "echeance__rang",
    "montant": "montant",
    "statut": "statut",
    "propose": "propose_le",
}


def fil(*items: tuple[str, str]) -> list[tuple[str, str]]:
    return [("Versements", reverse("versements:liste")), *items]


@role_required(*AGENT_ROLES)
def liste(request: HttpRequest) -> HttpResponse:
    jour = timezone.localdate()
    filtres = FiltreVersementsForm(request.GET or None)
    qs = filtres.filtrer(selectors.versements_pour(request.user))
    bloques = selectors.bloques(qs, jour)
    if filtres.is_valid() and filtres.cleaned_data["bloques"]:
        qs = qs.filter(statut=StatutVersement.PROPOSE, convention_id__in=list(bloques))
    page = paginate(request, sort_queryset(request, qs, TRIS, "-propose"))
    contexte = {
        "filtres": filtres,
        "page": page,
        "total": selectors.totaux(qs),
        "par_statut": _par_statut(qs),
        "bloques": bloques,
        "fil": [("Versements", "")],
    }
    return render(request, "versements/liste.html", contexte)


def _par_statut(qs: QuerySet[Versement]) -> list[tuple[str, dict]]:
    """(libellé du statut, {nombre, montant}) dans l'ordre du cycle de vie, statuts présents seulement."""
    sommes = {
        s["statut"]: s for s in qs.order_by().values("statut").annotate(nombre=Count("pk"), montant=Sum("montant"))
    }
    return [(libelle, sommes[code]) for code, libelle in StatutVersement.choices if code in sommes]


@role_required(*AGENT_ROLES, Role.PORTEUR)
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    versement = get_object_or_404(
        selectors.versements_pour(request.user).select_related("valide_par", "convention__seance"), pk=pk
    )
    operation = versement.echeance.operation
    audit.log_access(request.user, versement)
    peut_agir = request.user.role in ROLES_VALIDATION
    contexte = {
        "versement": versement,
        "echeance": versement.echeance,
        "operation": operation,
        "convention": versement.convention,
        "calcul": versement.calcul,
        "blocages": blocages(versement, timezone.localdate()) if versement.statut == StatutVersement.PROPOSE else [],
        "peut_valider": peut_agir and versement.statut == StatutVersement.PROPOSE,
        "peut_annuler": peut_agir and versement.statut in (StatutVersement.PROPOSE, StatutVersement.VALIDE),
        "form_annulation": MotifForm(),
        "lien_convention": lien_convention(versement.convention),
        "fil": _fil_versement(request, versement),
    }
    return render(request, "versements/detail.html", contexte)


def _fil_versement(request: HttpRequest, versement: Versement) -> list[tuple[str, str]]:
    libelle = f"{versement.echeance.get_type_display()} – convention {versement.convention.numero}"
    if request.user.role == Role.PORTEUR:
        return [(f"Convention n° {versement.convention.numero}", lien_convention(versement.convention)), (libelle, "")]
    return fil((libelle, ""))


def lien_convention(convention) -> str:  # noqa: ANN001 — Convention
    """La fiche de la convention (application des conventions), si sa page existe."""
    try:
        return reverse("conventions:detail", args=[convention.pk])
    except NoReverseMatch:
        return ""


def _versement_action(request: HttpRequest, pk: int) -> Versement:
    if request.user.role not in ROLES_VALIDATION:
        raise PermissionDenied("Action réservée aux agents de la DPID.")
    return get_object_or_404(selectors.versements_pour(request.user), pk=pk)


def _erreur(request: HttpRequest, exc: VersementImpossible) -> None:
    messages.error(request, " ".join([str(exc), *exc.raisons]))


@require_POST
@role_required(*ROLES_VALIDATION)
def valider(request: HttpRequest, pk: int) -> HttpResponse:
    versement = _versement_action(request, pk)
    try:
        services.valider_versement(versement, request.user)
    except VersementImpossible as exc:
        _erreur(request, exc)
    else:
        messages.success(request, "Versement validé : il sera transmis aux finances au prochain export.")
    return redirect("versements:detail", pk=pk)


@require_POST
@role_required(*ROLES_VALIDATION)
def recalculer(request: HttpRequest, pk: int) -> HttpResponse:
    versement = _versement_action(request, pk)
    try:
        services.recalculer(versement, request.user)
    except VersementImpossible as exc:
        _erreur(request, exc)
    else:
        messages.success(request, "Versement recalculé d'après le bilan et les engagements en vigueur.")
    return redirect("versements:detail", pk=pk)


@require_POST
@role_required(*ROLES_VALIDATION)
def annuler(request: HttpRequest, pk: int) -> HttpResponse:
    versement = _versement_action(request, pk)
    form = MotifForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Indiquez le motif de l'annulation.")
        return redirect("versements:detail", pk=pk)
    try:
        services.annuler_versement(versement, request.user, form.cleaned_data["motif"])
    except VersementImpossible as exc:
        _erreur(request, exc)
    else:
        messages.success(request, "Versement annulé ; l'échéance suivante reprendra le droit cumulé.")
    return redirect("versements:detail", pk=pk)
