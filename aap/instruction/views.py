from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_POST

from aap.core.models import Role
from aap.core.permissions import role_required
from aap.demandes.models import Demande
from aap.instruction.forms import AvisSlaiForm
from aap.instruction.services import AvisImpossible, donner_avis_slai


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
    except AvisImpossible as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"Avis du SLAI {request.user.territoire} enregistré.")
    return redirect("demandes:detail", pk=pk)
