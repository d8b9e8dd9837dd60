"""Page d'import des parcours : dépôt et simulation en tâche de fond, rapport (comptes, lignes rejetées, CSV des
erreurs), application en tâche de fond. La logique est dans `aap.parcours.imports`."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from aap.core.models import DPID_ROLES, Role, StatutTache, TacheFond
from aap.core.permissions import role_required
from aap.parcours.imports import taches as import_taches
from aap.parcours.imports.colonnes import COLONNES_EVENEMENTS, COLONNES_ORIENTATIONS, NATURES
from aap.parcours.imports.communs import ETATS, REJETE, ImportImpossible
from aap.parcours.imports.formulaire import ImportParcoursForm, natures_permises
from aap.parcours.imports.moteur import csv_des_erreurs


ROLES = (Role.REFERENT, Role.SLAI, *DPID_ROLES)
PAR_PAGE = 50
TONS = {"cree": "info", "modifie": "info", "inchange": "neutre", REJETE: "erreur"}
FILTRES = {
    "": "Toutes",
    "rejete": "Rejetées",
    "cree": "À créer ou créées",
    "modifie": "Modifiées",
    "inchange": "Inchangées",
}


def _taches(request: HttpRequest):  # noqa: ANN202 - QuerySet[TacheFond]
    """Les imports de l'utilisateur (tous pour l'administrateur), comme la page `core:tache`."""
    qs = TacheFond.objects.filter(type__in=import_taches.TYPES).select_related("demandee_par")
    return qs if request.user.role == Role.ADMIN else qs.filter(demandee_par=request.user)


def _fil(*items: tuple[str, str]) -> list[tuple[str, str]]:
    return [("Accueil", reverse("core:accueil")), ("Importer des parcours", reverse("parcours_imports:index")), *items]


@role_required(*ROLES)
def index(request: HttpRequest) -> HttpResponse:
    form = ImportParcoursForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        chemin = import_taches.enregistrer_fichier(form.cleaned_data["fichier"].chunks())
        try:
            tache = import_taches.lancer_simulation(
                request.user, nature=form.cleaned_data["nature"], chemin=chemin, nom=form.nom_fichier
            )
        except ImportImpossible as exc:
            messages.error(request, str(exc))
            return redirect("parcours_imports:index")
        return redirect("core:tache", tache.pk)
    permises = natures_permises(request.user)
    return render(
        request,
        "parcours_imports/index.html",
        {
            "form": form,
            "colonnes": [
                (n, NATURES[n], COLONNES_ORIENTATIONS if n == "orientations" else COLONNES_EVENEMENTS)
                for n in permises
            ],
            "recents": _taches(request)[:10],
            "fil": [("Accueil", reverse("core:accueil")), ("Importer des parcours", "")],
        },
    )


@role_required(*ROLES)
def resultat(request: HttpRequest, pk: int) -> HttpResponse:
    tache = get_object_or_404(_taches(request), pk=pk)
    donnees = tache.resultat if tache.statut == StatutTache.TERMINEE else {}
    filtre = request.GET.get("lignes", "rejete" if donnees.get("compte", {}).get("rejete") else "")
    filtre = filtre if filtre in FILTRES else ""
    lignes = [
        {**ligne, "etat_libelle": ETATS[ligne["etat"]].capitalize(), "etat_ton": TONS[ligne["etat"]]}
        for ligne in donnees.get("lignes", [])
        if not filtre or ligne["etat"] == filtre
    ]
    simulation = tache.type == import_taches.TYPE_SIMULATION
    contexte = {
        "tache": tache,
        "resultat": donnees,
        "simulation": simulation,
        "nature": NATURES.get(tache.parametres.get("nature"), ""),
        "applicable": simulation and import_taches.applicable(tache),
        "imports": _taches(request).filter(parametres__simulation_id=tache.pk) if simulation else [],
        "origine": _taches(request).filter(pk=donnees.get("simulation")).first() if not simulation else None,
        "filtres": list(FILTRES.items()),
        "filtre": filtre,
        "page": Paginator(lignes, PAR_PAGE).get_page(request.GET.get("page")),
        "fil": _fil((tache.libelle, "")),
    }
    return render(request, "parcours_imports/resultat.html", contexte)


@role_required(*ROLES)
def erreurs(request: HttpRequest, pk: int) -> HttpResponse:
    tache = get_object_or_404(_taches(request).filter(statut=StatutTache.TERMINEE), pk=pk)
    reponse = HttpResponse(
        "\ufeff" + csv_des_erreurs(tache.resultat.get("lignes", [])), content_type="text/csv; charset=utf-8"
    )
    reponse["Content-Disposition"] = f'attachment; filename="erreurs-import-{tache.pk}.csv"'
    return reponse


@require_POST
@role_required(*ROLES)
def appliquer(request: HttpRequest, pk: int) -> HttpResponse:
    simulation = get_object_or_404(_taches(request).filter(type=import_taches.TYPE_SIMULATION), pk=pk)
    try:
        tache = import_taches.lancer_import(request.user, simulation)
    except ImportImpossible as exc:
        messages.error(request, str(exc))
        return redirect("parcours_imports:resultat", simulation.pk)
    return redirect("core:tache", tache.pk)
