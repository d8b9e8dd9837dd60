"""Plan de financement : saisie par année, totaux recalculés en direct (htmx) et règles expliquées."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from aap.core.models import Role
from aap.core.permissions import role_required
from aap.demandes import services
from aap.demandes.forms.budget import BudgetFormulaire, ajouter_ligne
from aap.demandes.rules import ActionRefusee, message_hors_portail
from aap.demandes.views.commun import demande_pour, etat, fil_ariane, retour_hors_portail


@role_required(Role.PORTEUR)
def budget(request: HttpRequest, pk: int) -> HttpResponse:
    demande = demande_pour(request, pk)
    if retour := retour_hors_portail(request, demande, "budget"):
        return retour
    page = etat(demande, request.user)
    fiche = demande.dispositif.fiche
    formulaire = BudgetFormulaire(demande, fiche)
    plan = services.plan_de(demande)
    apercu = False
    if request.method == "POST":
        if not page.peut_ecrire:
            raise PermissionDenied("Votre rôle dans la structure ne permet pas de modifier ses demandes.")
        prefixe = request.POST.get("ajouter", "")
        if prefixe:
            formulaire = BudgetFormulaire(demande, fiche, ajouter_ligne(request.POST, prefixe))
            apercu = True
        else:
            formulaire = BudgetFormulaire(demande, fiche, request.POST)
            if formulaire.is_valid():
                try:
                    plan = services.enregistrer_budget(
                        demande, request.user, formulaire.depenses(), formulaire.ressources()
                    )
                except ActionRefusee as exc:
                    for message in exc.messages:
                        messages.error(request, message)
                else:
                    if plan.conforme:
                        messages.success(request, "Plan de financement enregistré : il est équilibré et conforme.")
                    else:
                        messages.warning(
                            request,
                            "Plan de financement enregistré, mais il ne respecte pas encore toutes les règles : "
                            "voir le détail.",
                        )
                    return redirect("demandes:budget", pk=demande.pk)
            apercu = True
        if apercu and formulaire.is_valid():
            plan = services.plan_de(demande, formulaire.depenses(), formulaire.ressources())
    if not page.editable:
        formulaire.desactiver()
    return render(
        request,
        "demandes/budget.html",
        {
            "demande": demande,
            "etat": page,
            "formulaire": formulaire,
            "plan": plan,
            "fiche": fiche,
            "apercu": apercu,
            "erreurs_saisie": formulaire.erreurs() if request.method == "POST" else [],
            "fil": fil_ariane(request.user, demande, ("Plan de financement", "")),
        },
    )


@role_required(Role.PORTEUR)
@require_POST
def apercu(request: HttpRequest, pk: int) -> HttpResponse:
    """Recalcule le plan à partir de la saisie en cours, sans l'enregistrer (htmx)."""
    demande = demande_pour(request, pk)
    formulaire = (
        None if demande.session_id is None else BudgetFormulaire(demande, demande.dispositif.fiche, request.POST)
    )
    if formulaire is None:  # demande importée (hors portail) : pas de plan saisi en ligne
        plan, erreurs = None, [message_hors_portail("budget")]
    elif formulaire.is_valid():
        plan = services.plan_de(demande, formulaire.depenses(), formulaire.ressources())
        erreurs = []
    else:
        plan = None
        erreurs = formulaire.erreurs()
    return render(
        request,
        "demandes/partials/budget_totaux.html",
        {"demande": demande, "plan": plan, "erreurs_saisie": erreurs, "apercu": True, "oob": True},
    )
