"""Suivi des conventions : liste des agents, fiche (agents et porteurs, dans leur périmètre), actions de signature
et de résiliation, téléchargements contrôlés. Les règles sont dans `services.py` ; un refus s'affiche sur place."""

from __future__ import annotations

from pathlib import PurePath

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import FileField
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from aap.conventions import selectors, services
from aap.conventions.forms import FiltreConventionsForm, ResiliationForm, SignatureStructureForm
from aap.conventions.models import Convention
from aap.core import audit
from aap.core.models import AGENT_ROLES, DPID_ROLES, Role, User
from aap.core.pagination import paginate, sort_queryset
from aap.core.permissions import role_required
from aap.structures.fichiers import mime_du_nom


PAR_PAGE = 25


def fil(user: User, *items: tuple[str, str]) -> list[tuple[str, str]]:
    if user.est_porteur:
        return [("Mes conventions", reverse("conventions:mes_conventions")), *items]
    return [("Conventions", reverse("conventions:liste")), *items]


def convention_de(user: User, pk: int) -> Convention:
    """La convention dans le périmètre de `user` (404 sinon)."""
    return get_object_or_404(
        Convention.objects.for_user(user).select_related(
            "structure", "seance", "edition", "generee_par", "signee_departement_par"
        ),
        pk=pk,
    )


@role_required(*AGENT_ROLES)
def liste(request: HttpRequest) -> HttpResponse:
    filtres = FiltreConventionsForm(request.GET or None)
    qs = filtres.filtrer(Convention.objects.for_user(request.user))
    page = paginate(request, sort_queryset(request, selectors.pour_liste(qs), selectors.TRIS, "-numero"), PAR_PAGE)
    contexte = {
        "filtres": filtres,
        "page": page,
        "totaux": selectors.totaux(qs),
        "a_signer": selectors.a_signer_par(request.user, qs).count() if request.user.est_dpid else None,
        "fil": [("Conventions", "")],
    }
    return render(request, "conventions/liste.html", contexte)


def afficher(request: HttpRequest, convention: Convention, status: int = 200, **formulaires: object) -> HttpResponse:
    """La fiche, avec les formulaires d'action (liés et en erreur quand une action vient d'échouer)."""
    contexte = selectors.fiche(convention, request.user)
    contexte.update(
        {
            "form_signature": SignatureStructureForm(),
            "form_resiliation": ResiliationForm(),
            "fil": fil(request.user, (f"Convention n° {convention.numero}", "")),
            **formulaires,
        }
    )
    return render(request, "conventions/detail.html", contexte, status=status)


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    convention = convention_de(request.user, pk)
    audit.log_access(request.user, convention)
    return afficher(request, convention)


def _action(request: HttpRequest, pk: int, faire, succes: str) -> HttpResponse:  # noqa: ANN001
    convention = convention_de(request.user, pk)
    try:
        faire(convention)
    except services.ConventionImpossible as exc:
        return afficher(request, convention, status=400, erreur_action=exc.message)
    messages.success(request, succes)
    return redirect("conventions:detail", pk=convention.pk)


@require_POST
@role_required(*DPID_ROLES)
def envoyer(request: HttpRequest, pk: int) -> HttpResponse:
    return _action(
        request,
        pk,
        lambda c: services.envoyer(c, request.user),
        "Convention envoyée : les membres de la structure ont reçu le lien pour la télécharger.",
    )


@require_POST
@role_required(*DPID_ROLES)
def signer_departement(request: HttpRequest, pk: int) -> HttpResponse:
    return _action(
        request,
        pk,
        lambda c: services.signer_departement(c, request.user),
        "Convention signée pour le Département : elle est en vigueur et l'avance est exigible.",
    )


@require_POST
@role_required(*DPID_ROLES)
def resilier(request: HttpRequest, pk: int) -> HttpResponse:
    convention = convention_de(request.user, pk)
    form = ResiliationForm(request.POST)
    if form.is_valid():
        try:
            services.resilier(convention, request.user, form.cleaned_data["motif"])
        except services.ConventionImpossible as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, f"Convention n° {convention.numero} résiliée ; la structure est informée.")
            return redirect("conventions:detail", pk=convention.pk)
    return afficher(request, convention, status=400, form_resiliation=form, resiliation_ouverte=True)


@require_POST
@role_required(Role.PORTEUR)
def deposer_signature(request: HttpRequest, pk: int) -> HttpResponse:
    convention = convention_de(request.user, pk)
    form = SignatureStructureForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.deposer_signature_structure(convention, request.user, form.cleaned_data["fichier"])
        except services.ConventionImpossible as exc:
            form.add_error("fichier", exc.message)
        else:
            messages.success(request, "Convention signée déposée : le Département va la signer à son tour.")
            return redirect("conventions:detail", pk=convention.pk)
    return afficher(request, convention, status=400, form_signature=form)


# --- Téléchargements ---------------------------------------------------------------------------------------


def servir(fichier: FileField, nom: str) -> FileResponse:
    """Un fichier privé : jamais par une URL publique de médias, pas de cache partagé."""
    if not fichier:
        raise Http404("Ce document n'est pas disponible.")
    try:
        flux = fichier.open("rb")
    except FileNotFoundError as exc:
        raise Http404("Ce document n'est pas disponible.") from exc
    reponse = FileResponse(flux, as_attachment=True, filename=nom, content_type=mime_du_nom(nom))
    reponse["Cache-Control"] = "private, no-store"
    return reponse


@login_required
def telecharger_convention(request: HttpRequest, pk: int) -> FileResponse:
    convention = convention_de(request.user, pk)
    extension = PurePath(convention.fichier.name).suffix or ".docx"
    return servir(convention.fichier, f"convention-{convention.numero}{extension}")


@login_required
def telecharger_signee(request: HttpRequest, pk: int) -> FileResponse:
    convention = convention_de(request.user, pk)
    return servir(convention.fichier_signe_structure, f"convention-{convention.numero}-signee.pdf")
