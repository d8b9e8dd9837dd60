"""Liste des demandes transmises, pour les agents : filtres, tris, pagination, synthèses calculées en SQL.

Nombre de requêtes constant quel que soit le volume : totaux (1), page (1), territoires de la page (1),
synthèse par dispositif (1) et par territoire (1), listes des filtres (3).
"""

from __future__ import annotations

from django.core.paginator import Paginator
from django.db.models import Count, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from aap.core.models import AGENT_ROLES
from aap.core.pagination import sort_queryset
from aap.core.permissions import role_required
from aap.demandes.forms import FiltreDemandesForm
from aap.demandes.models import Demande


PAR_PAGE = 25

TRIS = {
    "reference": "reference",
    "structure": "structure__raison_sociale",
    "dispositif": "dispositif__code",
    "statut": "statut",
    "montant": "montant_demande",
    "cout": "cout_total",
    "depot": "deposee_le",
}


def syntheses(qs: object) -> dict:
    """Nombre, montants demandés et coûts, au total, par dispositif et par territoire (agrégats SQL)."""
    ids = qs.order_by().values("pk")
    total = qs.order_by().aggregate(nombre=Count("pk"), montant=Sum("montant_demande"), cout=Sum("cout_total"))
    par_dispositif = (
        Demande.objects.filter(pk__in=ids)
        .values("dispositif_id", "dispositif__code", "dispositif__titre", "dispositif__edition__annee")
        .annotate(nombre=Count("pk"), montant=Sum("montant_demande"), cout=Sum("cout_total"))
        .order_by("dispositif__edition__annee", "dispositif__axe__numero", "dispositif__ordre", "dispositif_id")
    )
    par_territoire = (
        Demande.territoires.through.objects.filter(demande_id__in=ids)
        .values("territoire_id", "territoire__nom")
        .annotate(nombre=Count("demande_id"), montant=Sum("demande__montant_demande"))
        .order_by("territoire__ordre", "territoire__nom")
    )
    return {"total": total, "par_dispositif": list(par_dispositif), "par_territoire": list(par_territoire)}


@role_required(*AGENT_ROLES)
def liste(request: HttpRequest) -> HttpResponse:
    filtres = FiltreDemandesForm(request.GET or None)
    qs = filtres.filtrer(Demande.objects.for_user(request.user))
    donnees = syntheses(qs)
    page_qs = sort_queryset(
        request,
        qs.select_related("structure", "dispositif__edition").prefetch_related("territoires"),
        TRIS,
        "-depot",
    )
    paginator = Paginator(page_qs, PAR_PAGE)
    paginator.count = donnees["total"]["nombre"]  # déjà compté par les synthèses : une requête de moins
    page = paginator.get_page(request.GET.get("page"))
    return render(
        request, "demandes/agent_liste.html", {"filtres": filtres, "page": page, "fil": [("Demandes", "")], **donnees}
    )
