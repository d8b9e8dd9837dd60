"""Page de notation d'une demande par un évaluateur (agent DPID ou SLAI d'un territoire concerné)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from aap.core.models import Role
from aap.core.permissions import role_required
from aap.demandes.models import Demande
from aap.demandes.views.commun import fil_ariane
from aap.instruction.forms_notation import NotationForm
from aap.instruction.notation import NotationInvalide, grille_de, noter, notes_de, raison_refus


@role_required(Role.INSTRUCTEUR, Role.GESTIONNAIRE, Role.SLAI)
def notation(request: HttpRequest, pk: int) -> HttpResponse:
    qs = Demande.objects.for_user(request.user).select_related("structure", "dispositif__edition")
    demande = get_object_or_404(qs, pk=pk)
    refus = raison_refus(demande, request.user)
    if refus:
        messages.error(request, refus)
        return redirect("demandes:detail", pk=pk)
    grille = grille_de(demande)
    assert grille is not None  # vérifié par raison_refus
    deja = notes_de(demande, request.user)
    form = NotationForm(request.POST if request.method == "POST" else None, grille=grille, notes=deja)
    if request.method == "POST" and form.is_valid():
        try:
            noter(demande, request.user, form.notes())
        except NotationInvalide as exc:
            for code, message in exc.erreurs.items():
                form.add_error(f"commentaire_{code}" if code in grille.codes else None, message)
        else:
            messages.success(request, "Votre notation est enregistrée.")
            return redirect(f"{reverse('demandes:detail', args=[pk])}#titre-notation")
    return render(
        request,
        "instruction/notation.html",
        {
            "demande": demande,
            "form": form,
            "grille": grille,
            "modification": bool(deja),
            "fil": fil_ariane(request.user, demande, ("Notation", "")),
        },
    )
