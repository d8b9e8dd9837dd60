"""Écrans du circuit : contrôle de complétude et demande de compléments (DPID), redépôt et retrait (structure).

Les règles sont dans `aap.instruction.circuit` ; ici, le périmètre (404), le rôle (403) et les messages.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from aap.core.models import DPID_ROLES, Role, User
from aap.core.permissions import role_required
from aap.demandes.choix import StatutDemande
from aap.demandes.models import Demande
from aap.demandes.rules import ActionRefusee, DemandeIncomplete, controler_completude
from aap.demandes.views.commun import demande_pour, etat, fil_ariane
from aap.instruction import circuit
from aap.instruction.forms_circuit import ControleCompletudeForm, DemandeComplementsForm, RedepotForm, RetraitForm
from aap.instruction.models import DemandeComplements


def _demande_agent(user: User, pk: int) -> Demande:
    qs = Demande.objects.for_user(user).select_related("structure", "dispositif__edition", "session")
    return get_object_or_404(qs, pk=pk)


def _erreurs(form: object, exc: ActionRefusee) -> None:
    for message in exc.messages:
        form.add_error(None, message)


@role_required(*DPID_ROLES)
def completude(request: HttpRequest, pk: int) -> HttpResponse:
    demande = _demande_agent(request.user, pk)
    if demande.statut != StatutDemande.VALIDEE:
        messages.error(request, "Le contrôle de complétude se fait sur une demande reçue, en instruction.")
        return redirect("demandes:detail", pk=pk)
    detectes = circuit.manques_detectes(demande)
    form = ControleCompletudeForm(request.POST if request.method == "POST" else None, detectes=detectes)
    if request.method == "POST" and form.is_valid():
        donnees = form.cleaned_data
        try:
            controle = circuit.controler(
                demande, request.user, donnees["complete"], form.liste_manques(), donnees["commentaire"]
            )
        except ActionRefusee as exc:
            _erreurs(form, exc)
        else:
            if controle.complete:
                messages.success(request, "Contrôle de complétude enregistré : le dossier est complet.")
                return redirect("demandes:detail", pk=pk)
            messages.success(
                request, "Contrôle enregistré : le dossier est incomplet. Vous pouvez demander les compléments."
            )
            return redirect("instruction:complements", pk=pk)
    return render(
        request,
        "instruction/circuit_completude.html",
        {
            "demande": demande,
            "form": form,
            "detectes": detectes,
            "controles": list(demande.controles_completude.select_related("agent")),
            "fil": fil_ariane(request.user, demande, ("Contrôle de complétude", "")),
        },
    )


def _motif_propose(demande: Demande) -> str:
    """Le dernier contrôle, s'il a relevé des manques : sa liste et son commentaire, à reprendre tels quels."""
    dernier = demande.controles_completude.first()
    if dernier is None or dernier.complete:
        return ""
    lignes = [f"- {m}" for m in dernier.manques]
    if dernier.commentaire:
        lignes += ["", dernier.commentaire]
    return "\n".join(lignes)


@role_required(*DPID_ROLES)
def complements(request: HttpRequest, pk: int) -> HttpResponse:
    demande = _demande_agent(request.user, pk)
    if demande.statut != StatutDemande.VALIDEE:
        messages.error(request, "Des compléments se demandent sur une demande reçue, en instruction.")
        return redirect("demandes:detail", pk=pk)
    form = DemandeComplementsForm(
        request.POST if request.method == "POST" else None, initial={"motif": _motif_propose(demande)}
    )
    if request.method == "POST" and form.is_valid():
        try:
            tour = circuit.demander_complements(
                demande, request.user, form.cleaned_data["motif"], form.cleaned_data["echeance"]
            )
        except ActionRefusee as exc:
            _erreurs(form, exc)
        else:
            messages.success(
                request,
                f"Compléments demandés (tour {tour.numero}) : les membres de la structure sont prévenus par courriel.",
            )
            return redirect("demandes:detail", pk=pk)
    return render(
        request,
        "instruction/circuit_complements.html",
        {
            "demande": demande,
            "form": form,
            "tours": list(demande.tours_complements.select_related("demandee_par", "repondue_par")),
            "fil": fil_ariane(request.user, demande, ("Demande de compléments", "")),
        },
    )


@role_required(Role.PORTEUR)
def redeposer(request: HttpRequest, pk: int) -> HttpResponse:
    demande = demande_pour(request, pk)
    page = etat(demande, request.user)
    if not page.peut_ecrire:
        raise PermissionDenied("Votre rôle dans la structure ne permet pas de redéposer ses demandes.")
    if demande.statut != StatutDemande.COMPLEMENTS:
        messages.info(request, "Aucun complément n'est demandé sur cette demande.")
        return redirect("demandes:detail", pk=pk)
    form = RedepotForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            circuit.redeposer(demande, request.user, form.cleaned_data["reponse"])
        except DemandeIncomplete:
            form.add_error(None, "Le dossier n'est pas encore complet : voir les points à compléter.")
        except ActionRefusee as exc:
            _erreurs(form, exc)
        else:
            messages.success(request, "Demande redéposée : elle est de nouveau en instruction au Département.")
            return redirect("demandes:detail", pk=pk)
    tour = DemandeComplements.objects.filter(demande=demande, repondue_le__isnull=True).order_by("-numero").first()
    return render(
        request,
        "instruction/circuit_redepot.html",
        {
            "demande": demande,
            "etat": page,
            "form": form,
            "tour": tour,
            "manques": controler_completude(demande),
            "fil": fil_ariane(request.user, demande, ("Redéposer", "")),
        },
    )


@role_required(Role.PORTEUR)
def retirer(request: HttpRequest, pk: int) -> HttpResponse:
    demande = demande_pour(request, pk)
    page = etat(demande, request.user)
    if not page.peut_ecrire:
        raise PermissionDenied("Votre rôle dans la structure ne permet pas de retirer ses demandes.")
    if not page.retirable:
        messages.error(request, f"La demande est « {demande.get_statut_display()} » : elle ne peut pas être retirée.")
        return redirect("demandes:detail", pk=pk)
    form = RetraitForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            circuit.retirer(demande, request.user, form.cleaned_data["motif"])
        except ActionRefusee as exc:
            _erreurs(form, exc)
        else:
            messages.success(request, f"Demande {demande.reference} retirée.")
            return redirect("demandes:detail", pk=pk)
    return render(
        request,
        "instruction/circuit_retrait.html",
        {
            "demande": demande,
            "etat": page,
            "form": form,
            "fil": fil_ariane(request.user, demande, ("Retirer la demande", "")),
        },
    )
