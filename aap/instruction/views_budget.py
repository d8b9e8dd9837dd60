"""Budget retenu : la page des agents de la DPID (montants retenus et motifs, plan retenu, équilibre) et ce que
la fiche de la demande en montre (synthèse pour les agents, dépenses écartées ou réduites pour la structure)."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.forms import BoundField
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from aap.core.models import DPID_ROLES
from aap.core.permissions import role_required
from aap.demandes.choix import STATUTS_EN_INSTRUCTION
from aap.demandes.financement import LigneCalculee, PlanAnnee
from aap.demandes.models import Demande, LigneDepense, LigneRessource
from aap.demandes.views.commun import fil_ariane
from aap.instruction.budget import (
    BudgetRetenu,
    budget_retenu,
    equilibrer_part_departement,
    proposer_equilibre,
    retenir_lignes,
    retenue_de,
)
from aap.instruction.forms_budget import BudgetRetenuForm
from aap.instruction.services import InstructionImpossible


# --- Page du budget retenu ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Rangee:
    ligne: LigneDepense | LigneRessource
    montant: BoundField
    motif: BoundField

    @property
    def etat(self) -> str:
        retenue = retenue_de(self.ligne)
        if retenue is None:
            return ""
        return "Écartée" if retenue.montant_retenu == 0 else "Réduite"


@dataclass(frozen=True)
class AnneeBudget:
    annee: int
    depenses: list[Rangee]
    derivees: list[tuple[LigneCalculee | None, LigneCalculee | None]]  # (demandée, retenue)
    ressources: list[Rangee]
    demande: PlanAnnee | None
    retenu: PlanAnnee | None


def _annees(budget: BudgetRetenu, form: BudgetRetenuForm) -> list[AnneeBudget]:
    plans_d = {p.annee: p for p in budget.demande_plan.annees}
    plans_r = {p.annee: p for p in budget.retenu.annees}
    annees = []
    for annee in sorted(set(plans_d) | set(plans_r)):
        derivees_d = [x for x in plans_d[annee].lignes if x.derivee] if annee in plans_d else []
        derivees_r = {x.categorie: x for x in plans_r[annee].lignes if x.derivee} if annee in plans_r else {}
        annees.append(
            AnneeBudget(
                annee=annee,
                depenses=[Rangee(x, *form.rangee(x)) for x in budget.depenses if x.annee == annee],
                derivees=[(x, derivees_r.get(x.categorie)) for x in derivees_d],
                ressources=[Rangee(x, *form.rangee(x)) for x in budget.ressources if x.annee == annee],
                demande=plans_d.get(annee),
                retenu=plans_r.get(annee),
            )
        )
    return annees


def _demande(request: HttpRequest, pk: int) -> Demande:
    demande = get_object_or_404(
        Demande.objects.for_user(request.user).select_related("structure", "dispositif__edition"), pk=pk
    )
    if demande.dispositif.fiche is None:
        raise Http404("Ce dispositif n'a pas de fiche détaillée : pas de plan de financement à instruire.")
    return demande


@role_required(*DPID_ROLES)
def budget_retenu_page(request: HttpRequest, pk: int) -> HttpResponse:
    demande = _demande(request, pk)
    modifiable = demande.statut in STATUTS_EN_INSTRUCTION
    budget = budget_retenu(demande)
    form = BudgetRetenuForm(
        budget.depenses, budget.ressources, request.POST if request.method == "POST" else None, modifiable=modifiable
    )
    if request.method == "POST":
        if not modifiable:
            raise PermissionDenied("Le budget retenu ne se modifie que sur une demande en instruction.")
        if form.is_valid():
            depenses, ressources = form.changements()
            try:
                nombre = retenir_lignes(request.user, depenses, ressources)
            except InstructionImpossible as exc:
                messages.error(request, str(exc))
            else:
                if nombre:
                    pluriel = "s" if nombre > 1 else ""
                    messages.success(request, f"Budget retenu enregistré : {nombre} ligne{pluriel} modifiée{pluriel}.")
                else:
                    messages.info(request, "Aucun changement à enregistrer.")
                return redirect("instruction:budget_retenu", pk=demande.pk)
    return render(
        request,
        "instruction/budget_retenu.html",
        {
            "demande": demande,
            "budget": budget,
            "form": form,
            "annees": _annees(budget, form),
            "equilibre": [] if budget.retenu.equilibre else proposer_equilibre(budget),
            "modifiable": modifiable,
            "fil": fil_ariane(request.user, demande, ("Budget retenu", "")),
        },
    )


@require_POST
@role_required(*DPID_ROLES)
def equilibrer(request: HttpRequest, pk: int) -> HttpResponse:
    demande = _demande(request, pk)
    try:
        propositions = equilibrer_part_departement(demande, request.user)
    except InstructionImpossible as exc:
        messages.error(request, str(exc))
    else:
        restes = [p.message for p in propositions if not p.equilibree]
        if restes:
            for message in restes:
                messages.warning(request, message)
        else:
            messages.success(request, "Part du Département ajustée : le plan retenu est équilibré chaque année.")
    return redirect("instruction:budget_retenu", pk=demande.pk)
