"""Pages des parcours : liste des personnes accompagnées, fiche d'une personne (suivi du parcours en cours),
droit d'accès (PDF et JSON des données d'une personne).

Portée : référent → les personnes orientées vers ses structures ; SLAI → son territoire ; DPID → tout
(`for_user`, 404 hors portée) ; tout autre rôle → 403. Chaque ouverture d'une fiche est journalisée.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone

from aap.core.models import DPID_ROLES, Role, User
from aap.core.pagination import paginate, sort_queryset
from aap.core.permissions import role_required
from aap.parcours import alertes, confidentialite
from aap.parcours import choices as c
from aap.parcours.forms import FiltrePersonnesForm, libelle_parcours
from aap.parcours.models import ContratEngagement, Orientation, Personne, RendezVous
from aap.parcours.views_fiche import etat_orientation, fiche_personne
from aap.structures.models import Structure


#: Rôles qui ont des pages de parcours (les autres : 403).
ROLES_PARCOURS = (Role.REFERENT, Role.SLAI, *sorted(DPID_ROLES))
ROLES_AGENTS = (Role.SLAI, *sorted(DPID_ROLES))


def fil(*items: tuple[str, str], user: User | None = None) -> list[tuple[str, str]]:
    libelle = "Personnes accompagnées" if user is not None and user.role == Role.REFERENT else "Parcours"
    return [(libelle, reverse("parcours:liste")), *items]


def structures_visibles(user: User):  # noqa: ANN201 - QuerySet[Structure]
    """Structures d'accompagnement que le compte peut choisir : les siennes (référent) ou celles qui ont des
    orientations dans sa portée (agents)."""
    if user.role == Role.REFERENT:
        return Structure.objects.filter(membres__user=user, membres__actif=True).distinct().order_by("raison_sociale")
    orientees = Orientation.objects.for_user(user).values("structure_id")
    return Structure.objects.filter(pk__in=orientees).order_by("raison_sociale")


TRIS = {
    "nom": "personne__nom",
    "orientation": "date_orientation",
    "structure": "structure__raison_sociale",
    "dispositif": "dispositif__code",
    "parcours": "parcours",
    "sortie": "sortie__date_sortie",
}


@role_required(*ROLES_PARCOURS)
def liste(request: HttpRequest) -> HttpResponse:
    """Une ligne par orientation dans la portée du compte (une personne réorientée apparaît pour chacune)."""
    user = request.user
    est_agent = user.role != Role.REFERENT
    filtres = FiltrePersonnesForm(request.GET or None, structures=structures_visibles(user) if est_agent else None)
    jour = timezone.localdate()
    qs = (
        Orientation.objects.for_user(user)
        .select_related("personne", "structure", "dispositif", "dispositif__edition", "sortie")
        .annotate(
            a_rdv=Exists(RendezVous.objects.filter(orientation=OuterRef("pk"), presence=c.Presence.HONORE)),
            a_contrat=Exists(ContratEngagement.objects.filter(orientation=OuterRef("pk"))),
        )
    )
    if filtres.is_valid():
        d = filtres.cleaned_data
        if d.get("q"):
            terme = d["q"].strip()
            qs = qs.filter(
                Q(personne__nom__icontains=terme)
                | Q(personne__prenom__icontains=terme)
                | Q(personne__numero_allocataire=terme)
            )
        if d.get("statut") == "en_cours":
            qs = qs.exclude(sortie__date_sortie__lte=jour)
        elif d.get("statut") == "sortis":
            qs = qs.filter(sortie__date_sortie__lte=jour)
        if d.get("dispositif"):
            qs = qs.filter(dispositif=d["dispositif"])
        if d.get("parcours"):
            qs = qs.filter(parcours=d["parcours"])
        if d.get("structure"):
            qs = qs.filter(structure=d["structure"])
    page = paginate(request, sort_queryset(request, qs, TRIS, "-orientation"))
    lignes = [(o, etat_orientation(o, jour), libelle_parcours(o.dispositif, o.parcours)) for o in page]
    contexte = {
        "page": page,
        "lignes": lignes,
        "filtres": filtres,
        "est_agent": est_agent,
        "peut_orienter": est_agent,
        "nb_alertes": alertes.compter_alertes(user, jour),
        "fil": [(fil(user=user)[0][0], "")],
    }
    return render(request, "parcours/liste.html", contexte)


@role_required(*ROLES_PARCOURS)
def personne(request: HttpRequest, pk: int) -> HttpResponse:
    """Fiche d'une personne : identité, justificatifs, orientations et suivi de l'orientation choisie
    (`?orientation=`, par défaut la plus récente en cours)."""
    p = get_object_or_404(Personne.objects.for_user(request.user).select_related("territoire"), pk=pk)
    confidentialite.journaliser_consultation(request.user, p)
    contexte = fiche_personne(p, request.user, request.GET.get("orientation"), timezone.localdate())
    contexte["fil"] = fil((str(p), ""), user=request.user)
    return render(request, "parcours/personne.html", contexte)


@role_required(Role.REFERENT, *sorted(DPID_ROLES))
def droit_acces(request: HttpRequest, pk: int) -> HttpResponse:
    """Droit d'accès : toutes les données de la personne, en PDF (par défaut) ou en JSON (`?format=json`)."""
    p = get_object_or_404(Personne.objects.for_user(request.user), pk=pk)
    confidentialite.journaliser_consultation(request.user, p)
    if request.GET.get("format") == "json":
        reponse = HttpResponse(confidentialite.json_droit_acces(p), content_type="application/json; charset=utf-8")
        reponse["Content-Disposition"] = f'attachment; filename="donnees-personne-{p.pk}.json"'
        return reponse
    reponse = HttpResponse(confidentialite.pdf_droit_acces(p), content_type="application/pdf")
    reponse["Content-Disposition"] = f'attachment; filename="donnees-personne-{p.pk}.pdf"'
    return reponse
