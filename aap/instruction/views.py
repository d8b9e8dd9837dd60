from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from aap.core.models import DPID_ROLES, Role
from aap.core.permissions import role_required
from aap.demandes.forms import FiltreDemandesForm
from aap.demandes.models import Demande
from aap.instruction.forms import AffectationForm, AvisSlaiForm
from aap.instruction.services import InstructionImpossible, affecter, donner_avis_slai


@require_POST
@role_required(Role.SLAI)
def avis_slai(request: HttpRequest, pk: int) -> HttpResponse:
    demande = get_object_or_404(Demande.objects.for_user(request.user), pk=pk)
    form = AvisSlaiForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choisissez un avis et motivez-le dans le commentaire.")
        return redirect("demandes:detail", pk=pk)
    try:
        donner_avis_slai(demande, request.user, form.cleaned_data["avis"], form.cleaned_data["commentaire"])
    except InstructionImpossible as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"Avis du SLAI {request.user.territoire} enregistré.")
    return redirect("demandes:detail", pk=pk)


def _affecter(request: HttpRequest, demandes) -> int | None:  # noqa: ANN001 - QuerySet de demandes
    form = AffectationForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choisissez l'instructeur à qui affecter les demandes.")
        return None
    try:
        return affecter(demandes, form.cleaned_data["instructeur"], request.user)
    except InstructionImpossible as exc:
        messages.error(request, str(exc))
        return None


@require_POST
@role_required(*DPID_ROLES)
def affecter_demande(request: HttpRequest, pk: int) -> HttpResponse:
    demande = get_object_or_404(Demande.objects.for_user(request.user), pk=pk)
    if _affecter(request, Demande.objects.filter(pk=demande.pk)) is not None:
        messages.success(request, "Demande affectée.")
    return redirect("demandes:detail", pk=pk)


@require_POST
@role_required(*DPID_ROLES)
def affecter_selection(request: HttpRequest) -> HttpResponse:
    """Affecte toutes les demandes de la sélection filtrée (par dispositif, territoire…) de la liste des agents."""
    filtres = FiltreDemandesForm(request.POST)
    nombre = _affecter(request, filtres.filtrer(Demande.objects.for_user(request.user)))
    if nombre is not None:
        messages.success(request, f"{nombre} demande{'s' if nombre > 1 else ''} affectée{'s' if nombre > 1 else ''}.")
    criteres = {k: v for k, v in request.POST.items() if k in filtres.fields and v}
    return redirect(f"{reverse('demandes:agent_liste')}?{urlencode(criteres)}" if criteres else "demandes:agent_liste")
