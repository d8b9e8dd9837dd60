"""Proposition de financement d'une demande : résumé sur la fiche (agents), formulaire, retrait."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from aap.core.models import DPID_ROLES, User
from aap.core.permissions import role_required
from aap.demandes.choix import STATUTS_EN_INSTRUCTION
from aap.demandes.models import Demande
from aap.instruction.enveloppes import DepassementBudget, engagement
from aap.instruction.forms_propositions import PropositionForm
from aap.instruction.models import Proposition
from aap.instruction.propositions import (
    PropositionImpossible,
    figee,
    proposer,
    retirer_proposition,
    valeurs_par_defaut,
)


def contexte_proposition(demande: Demande, user: User) -> dict[str, Any]:
    """Pour les agents : la proposition (et ce qui reste sur son enveloppe) ; pour la DPID, si elle peut agir."""
    if not user.est_agent:
        return {}
    proposition = (
        Proposition.objects.filter(demande=demande)
        .select_related("territoire", "enveloppe__territoire", "enveloppe__dispositif", "ligne", "proposee_par")
        .first()
    )
    reste = None
    if proposition is not None and proposition.enveloppe is not None:
        reste = proposition.enveloppe.montant - engagement(enveloppe=proposition.enveloppe).total
    en_instruction = demande.statut in STATUTS_EN_INSTRUCTION
    return {
        "proposition": proposition,
        "proposition_reste_enveloppe": reste,
        "proposition_modifiable": user.est_dpid
        and en_instruction
        and (proposition is None or figee(proposition) is None),
        "proposition_retirable": user.est_dpid and proposition is not None and not proposition.inscriptions.exists(),
    }


def _fil(demande: Demande) -> list[tuple[str, str]]:
    return [
        ("Demandes", reverse("demandes:agent_liste")),
        (demande.reference, reverse("demandes:detail", args=[demande.pk])),
        ("Proposition de financement", ""),
    ]


@role_required(*DPID_ROLES)
def proposition(request: HttpRequest, pk: int) -> HttpResponse:
    demande = get_object_or_404(
        Demande.objects.for_user(request.user).select_related("structure", "dispositif__ligne_budgetaire"), pk=pk
    )
    existante = Proposition.objects.filter(demande=demande).first()
    depassements = []
    if request.method == "POST":
        form = PropositionForm(request.POST, instance=existante)
        if form.is_valid():
            try:
                proposer(demande, request.user, form.cleaned_data)
            except DepassementBudget as exc:
                depassements = exc.depassements
                form.add_error(None, "La proposition est bloquée : elle dépasserait le budget disponible.")
            except PropositionImpossible as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, f"Proposition de financement de la demande {demande.reference} enregistrée.")
                return redirect("demandes:detail", pk=demande.pk)
    elif existante is not None:
        form = PropositionForm(instance=existante)
    else:
        form = PropositionForm(initial=valeurs_par_defaut(demande))
    contexte = contexte_proposition(demande, request.user)
    return render(
        request,
        "instruction/proposition.html",
        {"demande": demande, "form": form, "depassements": depassements, "fil": _fil(demande), **contexte},
    )


@require_POST
@role_required(*DPID_ROLES)
def retirer(request: HttpRequest, pk: int) -> HttpResponse:
    demande = get_object_or_404(Demande.objects.for_user(request.user), pk=pk)
    try:
        retirer_proposition(demande, request.user)
    except PropositionImpossible as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "Proposition de financement retirée.")
    return redirect("demandes:detail", pk=demande.pk)
