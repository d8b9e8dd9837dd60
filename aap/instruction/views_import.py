"""Page d'import d'un tableau de propositions (agents DPID) : dépôt et simulation en tâche de fond, résultat
en tableaux, import réel lancé depuis le résultat. La logique est dans `aap.instruction.importation.taches`."""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from aap.core.models import DPID_ROLES, Role, StatutTache, TacheFond
from aap.core.permissions import role_required
from aap.instruction.forms_import import ImportPropositionsForm
from aap.instruction.importation import taches as import_taches
from aap.instruction.importation.resume import A_CREER, DEJA, ECHEC, IMPORTEE, REJETEE
from aap.instruction.importation.service import ImportImpossible


PAR_PAGE = 50

#: Filtres du tableau des lignes : code → (libellé, états retenus).
FILTRES = {
    "": ("Toutes", None),
    "a_importer": ("À créer ou créées", {A_CREER, IMPORTEE}),
    "deja": ("Déjà importées", {DEJA}),
    "rejetees": ("Rejetées ou en échec", {REJETEE, ECHEC}),
}
ETATS = {
    A_CREER: ("À créer", "info"),
    IMPORTEE: ("Importée", "succes"),
    DEJA: ("Déjà importée", "neutre"),
    REJETEE: ("Rejetée", "erreur"),
    ECHEC: ("En échec", "erreur"),
}


def _fil(*items: tuple[str, str]) -> list[tuple[str, str]]:
    return [("Enveloppes et lignes budgétaires", reverse("instruction:enveloppes")), *items]


def _taches(request: HttpRequest):  # noqa: ANN202 - QuerySet[TacheFond]
    """Les imports visibles : ceux de l'agent (tous pour l'administrateur), comme la page `core:tache`."""
    qs = TacheFond.objects.filter(type__in=import_taches.TYPES).select_related("demandee_par")
    return qs if request.user.role == Role.ADMIN else qs.filter(demandee_par=request.user)


@role_required(*DPID_ROLES)
def importer(request: HttpRequest) -> HttpResponse:
    form = ImportPropositionsForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        chemin = import_taches.enregistrer_fichier(form.cleaned_data["fichier"].chunks(), form.extension)
        tache = import_taches.lancer_simulation(
            request.user,
            chemin=chemin,
            nom=form.nom_fichier,
            annee=form.cleaned_data["annee"],
            date_cp=form.cleaned_data["cp"],
        )
        return redirect("core:tache", tache.pk)
    return render(
        request,
        "instruction/import.html",
        {
            "form": form,
            "recents": _taches(request)[:10],
            "fil": _fil(("Importer un tableau de propositions", "")),
        },
    )


def _lignes(request: HttpRequest, lignes: list[dict]) -> tuple[str, dict[str, int], Paginator]:
    filtre = request.GET.get("lignes", "")
    if filtre not in FILTRES:
        filtre = ""
    nombres = {
        code: sum(1 for ligne in lignes if etats is None or ligne["etat"] in etats)
        for code, (_, etats) in FILTRES.items()
    }
    etats = FILTRES[filtre][1]
    retenues = []
    for ligne in lignes:
        if etats is not None and ligne["etat"] not in etats:
            continue
        libelle, ton = ETATS.get(ligne["etat"], (ligne["etat"], "neutre"))
        retenues.append(
            {
                **ligne,
                "etat_libelle": libelle,
                "etat_ton": ton,
                "montant": Decimal(ligne["montant"]) if ligne["montant"] else None,
            }
        )
    return filtre, nombres, Paginator(retenues, PAR_PAGE).get_page(request.GET.get("page"))


@role_required(*DPID_ROLES)
def resultat(request: HttpRequest, pk: int) -> HttpResponse:
    tache = get_object_or_404(_taches(request), pk=pk)
    resultat = tache.resultat if tache.statut == StatutTache.TERMINEE else {}
    filtre, nombres, page = _lignes(request, resultat.get("lignes", []))
    simulation = tache.type == import_taches.TYPE_SIMULATION
    contexte = {
        "tache": tache,
        "resultat": resultat,
        "simulation": simulation,
        "importable": simulation and import_taches.importable(tache),
        "imports": _taches(request).filter(parametres__simulation_id=tache.pk) if simulation else [],
        "origine": _taches(request).filter(pk=resultat.get("simulation")).first() if not simulation else None,
        "filtres": [(code, libelle, nombres[code]) for code, (libelle, _) in FILTRES.items()],
        "filtre": filtre,
        "page": page,
        "fil": _fil(
            ("Importer un tableau de propositions", reverse("instruction:import_propositions")),
            (tache.libelle, ""),
        ),
    }
    return render(request, "instruction/import_resultat.html", contexte)


@require_POST
@role_required(*DPID_ROLES)
def executer(request: HttpRequest, pk: int) -> HttpResponse:
    simulation = get_object_or_404(_taches(request).filter(type=import_taches.TYPE_SIMULATION), pk=pk)
    try:
        tache = import_taches.lancer_import(request.user, simulation)
    except ImportImpossible as exc:
        messages.error(request, str(exc))
        return redirect("instruction:import_resultat", simulation.pk)
    return redirect("core:tache", tache.pk)
