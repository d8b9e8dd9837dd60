"""Vue « nue » de santé : aucune requête en base, aucun gabarit. Sert de référence au banc d'essai."""

from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_GET


@require_GET
def sante(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"statut": "ok"})
