"""Après la réunion : vote du rapport, décisions par demande, notifications, courrier de décision."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from aap.commission.conflits import elus_interesses
from aap.commission.forms import DecisionForm, VoteForm
from aap.commission.models import Decision, Inscription, SeanceCP, StatutSeance
from aap.commission.selectors import inscriptions_de, par_thematique
from aap.commission.services import CommissionImpossible
from aap.commission.services_decisions import (
    SaisieVote,
    ajourner,
    approuver,
    approuver_tout,
    enregistrer_vote,
    interesses_votants_presents,
    notifier,
    rejeter,
    votants,
)
from aap.commission.views import fil_seance
from aap.core.models import AGENT_ROLES, DPID_ROLES
from aap.core.permissions import role_required
from aap.demandes.models import Demande


@role_required(*DPID_ROLES)
def vote(request: HttpRequest, pk: int) -> HttpResponse:
    seance = get_object_or_404(SeanceCP, pk=pk)
    if seance.statut != StatutSeance.PREPARATION:
        messages.info(request, "Le vote de cette séance est déjà enregistré.")
        return redirect("commission:seance", pk=seance.pk)
    interesses = elus_interesses(seance)
    membres = votants()
    presents_interesses = interesses_votants_presents(seance)
    initial = {
        "non_participants": [i.elu.pk for i in interesses],
        "abstention": len(presents_interesses),
        "pour": len(membres) - len(presents_interesses),
        "contre": 0,
    }
    form = VoteForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        saisie = SaisieVote(
            pour=d["pour"],
            contre=d["contre"],
            abstention=d["abstention"],
            absents_sans_delegation=d["absents_sans_delegation"],
            adopte=d["adopte"],
            non_participants=tuple(d["non_participants"]),
            groupes={sens: d[f"groupes_{sens}"] for sens in ("pour", "contre", "abstention", "absents")},
        )
        try:
            enregistrer_vote(seance, request.user, saisie)
        except CommissionImpossible as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Vote enregistré : la séance est votée, les décisions peuvent être saisies.")
            return redirect("commission:decisions", pk=seance.pk)
    contexte = {
        "seance": seance,
        "form": form,
        "membres": len(membres),
        "interesses": interesses,
        "nb_interesses_presents": len(presents_interesses),
        "fil": fil_seance(seance, ("Vote", "")),
    }
    return render(request, "commission/vote.html", contexte)


@role_required(*AGENT_ROLES)
def decisions(request: HttpRequest, pk: int) -> HttpResponse:
    seance = get_object_or_404(SeanceCP.objects.select_related("vote"), pk=pk)
    if seance.statut == StatutSeance.PREPARATION:
        messages.info(request, "Les décisions se saisissent après l'enregistrement du vote.")
        return redirect("commission:seance", pk=seance.pk)
    inscriptions = list(inscriptions_de(seance))
    peut_ecrire = request.user.est_dpid and seance.statut == StatutSeance.VOTEE
    for inscription in inscriptions:
        inscription.form = (
            DecisionForm(
                prefix=f"d{inscription.pk}",
                initial={"decision": Decision.APPROUVEE, "montant": inscription.proposition.montant},
            )
            if peut_ecrire and not inscription.decision
            else None
        )
    contexte = {
        "seance": seance,
        "vote": seance.vote,
        "thematiques": par_thematique(inscriptions),
        "restantes": sum(1 for i in inscriptions if not i.decision),
        "a_notifier": sum(1 for i in inscriptions if i.decision and not i.notifiee_le),
        "peut_ecrire": peut_ecrire,
        "fil": fil_seance(seance, ("Décisions", "")),
    }
    return render(request, "commission/decisions.html", contexte)


@require_POST
@role_required(*DPID_ROLES)
def decider(request: HttpRequest, pk: int) -> HttpResponse:
    inscription = get_object_or_404(
        Inscription.objects.for_user(request.user).select_related("proposition__demande"), pk=pk
    )
    form = DecisionForm(request.POST, prefix=f"d{inscription.pk}")
    reference = inscription.proposition.demande.reference
    if not form.is_valid():
        erreurs = "; ".join(e for liste in form.errors.values() for e in liste)
        messages.error(request, f"{reference} : {erreurs}")
    else:
        d = form.cleaned_data
        try:
            if d["decision"] == Decision.APPROUVEE:
                approuver(inscription, request.user, d["montant"])
            elif d["decision"] == Decision.REJETEE:
                rejeter(inscription, request.user, d["motif"])
            else:
                ajourner(inscription, request.user, d["motif"])
        except CommissionImpossible as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, f"{reference} : décision enregistrée.")
    return redirect(f"{reverse('commission:decisions', args=[inscription.seance_id])}#inscription-{inscription.pk}")


@require_POST
@role_required(*DPID_ROLES)
def tout_approuver(request: HttpRequest, pk: int) -> HttpResponse:
    seance = get_object_or_404(SeanceCP, pk=pk)
    try:
        nombre = approuver_tout(seance, request.user)
    except CommissionImpossible as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            f"{nombre} demande{'s' if nombre > 1 else ''} approuvée{'s' if nombre > 1 else ''} au montant proposé.",
        )
    return redirect("commission:decisions", pk=seance.pk)


@require_POST
@role_required(*DPID_ROLES)
def notifier_decisions(request: HttpRequest, pk: int) -> HttpResponse:
    seance = get_object_or_404(SeanceCP, pk=pk)
    try:
        nombre = notifier(seance, request.user)
    except CommissionImpossible as exc:
        messages.error(request, str(exc))
    else:
        seance.refresh_from_db()
        suite = " La séance est clôturée." if seance.statut == StatutSeance.CLOTUREE else ""
        messages.success(
            request, f"{nombre} décision{'s' if nombre > 1 else ''} notifiée{'s' if nombre > 1 else ''}.{suite}"
        )
    return redirect("commission:decisions", pk=seance.pk)


def courrier(request: HttpRequest, pk: int) -> FileResponse:
    """Le courrier de décision : tout agent, ou un membre actif de la structure une fois la décision notifiée."""
    if not request.user.is_authenticated:
        from django.contrib.auth.views import redirect_to_login

        return redirect_to_login(request.get_full_path())
    if request.user.role in AGENT_ROLES:
        inscriptions = Inscription.objects.for_user(request.user)
    else:
        inscriptions = Inscription.objects.filter(
            Q(proposition__demande__in=Demande.objects.for_user(request.user)), notifiee_le__isnull=False
        )
    inscription = get_object_or_404(inscriptions.select_related("proposition__demande"), pk=pk)
    if not inscription.courrier:
        raise Http404
    return FileResponse(
        inscription.courrier.open("rb"),
        as_attachment=True,
        filename=f"decision-{inscription.proposition.demande.reference}.pdf",
    )
