"""Pages des porteurs (« Mes conventions ») et des avenants : demande (porteur ou agent), fiche de l'avenant avec
ses différences, décision de l'instructeur, rattachement à la CP, signature, téléchargement."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from aap.conventions import avenants as services_avenants
from aap.conventions import selectors
from aap.conventions.forms import AvenantForm, DecisionAvenantForm, RattachementCPForm
from aap.conventions.models import Avenant, Convention
from aap.conventions.services import ConventionImpossible
from aap.conventions.views import convention_de, fil, servir
from aap.core import audit
from aap.core.models import DPID_ROLES, Role, User
from aap.core.permissions import role_required


@role_required(Role.PORTEUR)
def mes_conventions(request: HttpRequest) -> HttpResponse:
    conventions = list(
        selectors.pour_liste(Convention.objects.for_user(request.user)).order_by("structure__raison_sociale", "-annee")
    )
    contexte = {
        "conventions": conventions,
        "a_signer": [c for c in conventions if c.statut == "envoyee"],
        "fil": [("Mes conventions", "")],
    }
    return render(request, "conventions/mes_conventions.html", contexte)


# --- Avenants ----------------------------------------------------------------------------------------------


@role_required(Role.PORTEUR, *DPID_ROLES)
def avenant_demander(request: HttpRequest, pk: int) -> HttpResponse:
    convention = convention_de(request.user, pk)
    if not services_avenants.peut_demander(request.user, convention):
        raise PermissionDenied("Votre rôle dans la structure est « lecture seule » : vous consultez ses conventions.")
    form = AvenantForm(request.POST or None, convention=convention)
    if request.method == "POST" and form.is_valid():
        donnees = form.cleaned_data
        try:
            avenant = services_avenants.demander_avenant(
                convention,
                request.user,
                type=donnees["type"],
                motif=donnees["motif"],
                montants=form.montants(),
                date_fin=donnees.get("date_fin"),
                evenement_exceptionnel=donnees.get("evenement_exceptionnel", ""),
            )
        except ConventionImpossible as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, f"Demande d'avenant n° {avenant.numero} enregistrée.")
            return redirect("conventions:avenant", pk=avenant.pk)
    contexte = {
        "convention": convention,
        "form": form,
        "fil": fil(
            request.user,
            (f"Convention n° {convention.numero}", reverse("conventions:detail", args=[convention.pk])),
            ("Demander un avenant", ""),
        ),
    }
    return render(request, "conventions/avenant_demande.html", contexte, status=400 if form.errors else 200)


def avenant_de(user: User, pk: int) -> Avenant:
    return get_object_or_404(
        Avenant.objects.filter(convention__in=Convention.objects.for_user(user).values("pk")).select_related(
            "convention__structure", "convention__edition", "demande_par", "decide_par", "seance"
        ),
        pk=pk,
    )


def afficher_avenant(request: HttpRequest, avenant: Avenant, status: int = 200, **formulaires: object) -> HttpResponse:
    convention = avenant.convention
    contexte = {
        "convention": convention,
        "vue": selectors.vue_avenant(avenant, request.user),
        "avenant": avenant,
        "form_decision": DecisionAvenantForm(),
        "form_cp": RattachementCPForm(),
        "fil": fil(
            request.user,
            (f"Convention n° {convention.numero}", reverse("conventions:detail", args=[convention.pk])),
            (f"Avenant n° {avenant.numero}", ""),
        ),
        **formulaires,
    }
    return render(request, "conventions/avenant.html", contexte, status=status)


@login_required
def avenant(request: HttpRequest, pk: int) -> HttpResponse:
    objet = avenant_de(request.user, pk)
    audit.log_access(request.user, objet)
    return afficher_avenant(request, objet)


@require_POST
@role_required(*services_avenants.ROLES_DECISION)
def avenant_decider(request: HttpRequest, pk: int) -> HttpResponse:
    avenant = avenant_de(request.user, pk)
    form = DecisionAvenantForm(request.POST)
    if form.is_valid():
        try:
            avenant = services_avenants.decider(
                avenant,
                request.user,
                accepte=form.cleaned_data["decision"] == "accepter",
                motif=form.cleaned_data["motif"],
            )
        except ConventionImpossible as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, f"Décision enregistrée : {avenant.get_statut_display().lower()}.")
            return redirect("conventions:avenant", pk=avenant.pk)
    return afficher_avenant(request, avenant, status=400, form_decision=form)


@require_POST
@role_required(*DPID_ROLES)
def avenant_rattacher_cp(request: HttpRequest, pk: int) -> HttpResponse:
    avenant = avenant_de(request.user, pk)
    form = RattachementCPForm(request.POST)
    if form.is_valid():
        try:
            services_avenants.rattacher_decision_cp(avenant, request.user, form.cleaned_data["seance"])
        except ConventionImpossible as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "Décision de la Commission permanente rattachée : l'avenant peut être signé.")
            return redirect("conventions:avenant", pk=avenant.pk)
    return afficher_avenant(request, avenant, status=400, form_cp=form)


@require_POST
@role_required(*DPID_ROLES)
def avenant_signer(request: HttpRequest, pk: int) -> HttpResponse:
    avenant = avenant_de(request.user, pk)
    try:
        avenant = services_avenants.signer_avenant(avenant, request.user)
    except ConventionImpossible as exc:
        return afficher_avenant(request, avenant, status=400, erreur_action=exc.message)
    messages.success(
        request, f"Avenant signé : la version {avenant.convention.version} de la convention est en vigueur."
    )
    return redirect("conventions:avenant", pk=avenant.pk)


@login_required
def telecharger_avenant(request: HttpRequest, pk: int) -> FileResponse:
    avenant = avenant_de(request.user, pk)
    return servir(avenant.fichier, f"avenant-{avenant.numero}-convention-{avenant.convention.numero}.docx")
