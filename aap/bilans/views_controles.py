"""Contrôles de service fait d'une opération (liste pour les agents, saisie par la DPID), constat d'un bilan
final absent, relances (journal et lancement en tâche de fond par un gestionnaire)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from aap.bilans import services_controles
from aap.bilans.forms import ControleForm
from aap.bilans.models import Relance
from aap.bilans.selectors import controles_de, operations_pour
from aap.conventions.models import Operation
from aap.core import audit, taches
from aap.core.models import AGENT_ROLES, DPID_ROLES, Role
from aap.core.pagination import paginate
from aap.core.permissions import role_required
from aap.core.templatetags.aap_ui import euros


def _operation(request: HttpRequest, pk: int) -> Operation:
    return get_object_or_404(operations_pour(request.user), pk=pk)


@role_required(*AGENT_ROLES)
def controles(request: HttpRequest, pk: int) -> HttpResponse:
    operation = _operation(request, pk)
    if request.method == "GET":
        audit.log_access(request.user, operation)
    peut_controler = request.user.est_dpid and operation.convention.statut in services_controles.STATUTS_CONTROLABLES
    form = None
    if peut_controler:
        form = ControleForm(
            request.POST or None,
            verifications=services_controles.verifications_proposees(operation),
            initial={"date_controle": timezone.localdate()},
        )
    if request.method == "POST":
        if not request.user.est_dpid:
            raise PermissionDenied("Le contrôle de service fait est consigné par un agent de la DPID.")
        if form is None:
            messages.error(request, "Le contrôle de service fait porte sur une convention signée.")
            return redirect("bilans:controles", pk=operation.pk)
        if form.is_valid():
            try:
                controle = services_controles.enregistrer_controle(operation, request.user, **form.parametres())
            except ValidationError as exc:
                form.add_error(None, exc)
            except services_controles.ControleImpossible as exc:
                form.add_error(None, str(exc))
            else:
                texte = f"Contrôle du {controle.date_controle:%d/%m/%Y} enregistré"
                if controle.reversement:
                    texte += f" ; ordre de reversement de {euros(controle.reversement.montant)} émis"
                messages.success(request, texte + ".")
                return redirect("bilans:controles", pk=operation.pk)
    jour = timezone.localdate()
    contexte = {
        "operation": operation,
        "convention": operation.convention,
        "controles": controles_de(operation),
        "form": form,
        "reclamable": services_controles.reclamable(operation),
        "bilan_final": services_controles.bilan_final(operation),
        "peut_constater": request.user.est_dpid and services_controles.peut_constater_absence(operation, jour),
        "fil": [
            ("Bilans", reverse("bilans:liste")),
            (f"Contrôles — {operation.convention.numero}, annexe {operation.rang}", ""),
        ],
    }
    status = 400 if form is not None and form.errors else 200
    return render(request, "bilans/controles.html", contexte, status=status)


@require_POST
@role_required(*DPID_ROLES)
def bilan_absent(request: HttpRequest, pk: int) -> HttpResponse:
    operation = _operation(request, pk)
    try:
        ordre = services_controles.constater_bilan_final_absent(operation, request.user)
    except services_controles.ControleImpossible as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request, f"Bilan final absent constaté : ordre de reversement de {euros(ordre.montant)} émis."
        )
    return redirect("bilans:controles", pk=operation.pk)


@role_required(Role.GESTIONNAIRE)
def relances(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        jour = timezone.localdate()
        tache = taches.lancer(
            "relances",
            f"Relances du {jour:%d/%m/%Y}",
            "aap.bilans.taches.relances_du_jour",
            request.user,
            jour=jour.isoformat(),
        )
        return redirect("core:tache", pk=tache.pk)
    contexte = {
        "page": paginate(request, Relance.objects.all(), per_page=50),
        "fil": [("Bilans", reverse("bilans:liste")), ("Relances", "")],
    }
    return render(request, "bilans/relances.html", contexte)
