"""Liste des demandes transmises, pour les agents : filtres, tris, pagination, synthèses calculées en SQL.

Nombre de requêtes constant quel que soit le volume : page (1), territoires de la page (1), synthèse par
dispositif (1, elle donne aussi le total) et par territoire (1), listes des filtres (3).
"""

from __future__ import annotations

from decimal import Decimal

from django.core.paginator import Paginator
from django.db.models import Count, DecimalField, Q, Sum, Value
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from aap.core.models import AGENT_ROLES
from aap.core.pagination import sort_queryset
from aap.core.permissions import role_required
from aap.demandes.choix import StatutDemande
from aap.demandes.forms import FiltreDemandesForm
from aap.demandes.models import Demande
from aap.instruction.forms import AffectationForm


PAR_PAGE = 25

#: Les demandes retirées ne comptent pas dans les montants demandés des synthèses.
RETIREE = Q(statut=StatutDemande.RETIREE)
ZERO = Value(Decimal(0), output_field=DecimalField(max_digits=14, decimal_places=2))

TRIS = {
    "reference": "reference",
    "structure": "structure__raison_sociale",
    "dispositif": "dispositif__code",
    "statut": "statut",
    "montant": "montant_demande",
    "cout": "cout_total",
    "depot": "deposee_le",
}


#: Colonnes lues pour la page (les textes du dossier et les règles des fiches ne servent pas ici).
COLONNES = [
    "reference",
    "statut",
    "montant_demande",
    "cout_total",
    "deposee_le",
    "structure__raison_sociale",
    "structure__siret",
    "dispositif__code",
    "dispositif__titre",
]


class PaginatorCompact(Paginator):
    """Même rendu par `ui/pagination.html`, mais `page_range` ne contient que les numéros que le gabarit
    affiche (1, 2, autour de la page courante, les deux derniers) : 8 tours de boucle au lieu de 340."""

    numero: int = 1

    @property
    def page_range(self) -> list[int]:  # type: ignore[override]
        dernier = self.num_pages
        utiles = {1, 2, dernier - 1, dernier, *range(self.numero - 2, self.numero + 3)}
        return sorted(n for n in utiles if 1 <= n <= dernier)


def syntheses(qs: object) -> dict:
    """Nombre, montants demandés et coûts, par dispositif et par territoire (agrégats SQL), et le total.

    Les demandes retirées par leur structure restent comptées et listées, mais pas dans les montants.

    `qs` filtre par sous-requêtes (`for_user`, `touchant`) : pas de jointure qui doublerait les lignes, on
    agrège donc directement dessus. Le total est la somme des lignes par dispositif (une demande, un
    dispositif) : une requête de moins.
    """
    qs = qs.order_by()
    par_dispositif = list(
        qs.values("dispositif_id", "dispositif__code", "dispositif__titre", "dispositif__edition__annee")
        .annotate(
            nombre=Count("*"),
            retirees=Count("pk", filter=RETIREE),
            montant=Coalesce(Sum("montant_demande", filter=~RETIREE), ZERO),
            cout=Coalesce(Sum("cout_total", filter=~RETIREE), ZERO),
        )
        .order_by("dispositif__edition__annee", "dispositif__axe__numero", "dispositif__ordre", "dispositif_id")
    )
    par_territoire = [
        ligne
        for ligne in qs.values("territoires__id", "territoires__nom", "territoires__ordre")
        .annotate(nombre=Count("pk"), montant=Coalesce(Sum("montant_demande", filter=~RETIREE), ZERO))
        .order_by("territoires__ordre", "territoires__nom")
        if ligne["territoires__id"] is not None
    ]
    total = {
        "nombre": sum(s["nombre"] for s in par_dispositif),
        "montant": sum((s["montant"] for s in par_dispositif), Decimal(0)),
        "cout": sum((s["cout"] for s in par_dispositif), Decimal(0)),
    }
    retirees = sum(s["retirees"] for s in par_dispositif)
    return {"total": total, "retirees": retirees, "par_dispositif": par_dispositif, "par_territoire": par_territoire}


@role_required(*AGENT_ROLES)
def liste(request: HttpRequest) -> HttpResponse:
    filtres = FiltreDemandesForm(request.GET or None, user=request.user)
    qs = filtres.filtrer(Demande.objects.for_user(request.user))
    donnees = syntheses(qs)
    page_qs = sort_queryset(
        request,
        qs.select_related("structure", "dispositif").only(*COLONNES).prefetch_related("territoires"),
        TRIS,
        "-depot",
    )
    paginator = PaginatorCompact(page_qs, PAR_PAGE)
    paginator.count = donnees["total"]["nombre"]  # déjà compté par les synthèses : une requête de moins
    page = paginator.get_page(request.GET.get("page"))
    paginator.numero = page.number
    contexte = {"filtres": filtres, "page": page, "fil": [("Demandes", "")], **donnees}
    # Pas d'affectation en masse depuis « Mes demandes à instruire » : la sélection dépend de l'agent.
    if request.user.est_dpid and donnees["total"]["nombre"] and not filtres.a_instruire_actif():
        contexte["form_affectation"] = AffectationForm()
    return render(request, "demandes/agent_liste.html", contexte)
