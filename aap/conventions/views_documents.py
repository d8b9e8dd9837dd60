"""Documents des conventions : génération par séance de CP (tâche de fond), modèles Word (administrateur),
export SCDL des données essentielles. Les règles sont dans `generation.py`, `documents.py` et `scdl.py`."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Count, Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from aap.commission.models import Decision, SeanceCP, StatutSeance
from aap.conventions import documents, generation
from aap.conventions.champs import champs_disponibles
from aap.conventions.forms_documents import ExportScdlForm, ModeleForm
from aap.conventions.models import Convention, ModeleDocument, TypeModele
from aap.core import taches
from aap.core.models import DPID_ROLES, Role
from aap.core.permissions import role_required
from aap.instruction.models import ModeleConvention


DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _fil(*items: tuple[str, str]) -> list[tuple[str, str]]:
    return [("Conventions", reverse("conventions:liste")), *items]


@role_required(*DPID_ROLES, Role.FINANCES)
def accueil(request: HttpRequest) -> HttpResponse:
    """Séances votées et leurs conventions, export SCDL, accès aux modèles (administrateur)."""
    seances = (
        SeanceCP.objects.filter(statut__in=(StatutSeance.VOTEE, StatutSeance.CLOTUREE))
        .annotate(
            approuvees=Count(
                "inscriptions", filter=Q(inscriptions__decision=Decision.APPROUVEE, inscriptions__montant_vote__gt=0)
            ),
            conventionnees=Count("inscriptions", filter=Q(inscriptions__operation__isnull=False)),
        )
        .annotate(nb_conventions=Count("conventions", distinct=True))
        .order_by("-date")
    )
    return render(
        request,
        "conventions/documents/accueil.html",
        {"seances": seances, "form_scdl": ExportScdlForm(), "fil": _fil(("Documents des conventions", ""))},
    )


@require_POST
@role_required(*DPID_ROLES, Role.FINANCES)
def exporter_scdl(request: HttpRequest) -> HttpResponse:
    form = ExportScdlForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Indiquez une année valide pour l'export SCDL.")
        return redirect("conventions:documents")
    annee, tous = form.cleaned_data["annee"], form.cleaned_data["tous"]
    tache = taches.lancer(
        "conventions.scdl",
        f"Export SCDL des conventions signées en {annee}",
        "aap.conventions.taches.exporter_scdl",
        request.user,
        annee=annee,
        tous=tous,
    )
    return redirect("core:tache", tache.pk)


def _seance(pk: int) -> SeanceCP:
    return get_object_or_404(SeanceCP.objects.select_related("edition"), pk=pk)


@role_required(*DPID_ROLES)
def seance(request: HttpRequest, pk: int) -> HttpResponse:
    """« Conventions de la CP du … » : inscriptions approuvées, leurs conventions, génération."""
    seance = _seance(pk)
    inscriptions = list(
        generation.inscriptions_approuvees(seance).select_related(
            "proposition__demande__structure", "operation__convention"
        )
    )
    conventions = list(
        Convention.objects.filter(seance=seance)
        .select_related("structure", "modele")
        .annotate(nb_operations=Count("operations"))
        .order_by("sequence")
    )
    try:
        generation.verifier_seance(seance)
        bloque = ""
    except generation.GenerationImpossible as exc:
        bloque = str(exc)
    a_generer = [
        i
        for i in inscriptions
        if not hasattr(i, "operation") and i.proposition.modele_convention != ModeleConvention.AVENANT
    ]
    contexte = {
        "seance": seance,
        "inscriptions": inscriptions,
        "conventions": conventions,
        "total": sum((c.montant for c in conventions), 0),
        "a_generer": a_generer,
        "par_avenant": [i for i in inscriptions if i.proposition.modele_convention == ModeleConvention.AVENANT],
        "bloque": bloque,
        "fil": _fil(
            ("Documents des conventions", reverse("conventions:documents")), (f"CP du {seance.date:%d/%m/%Y}", "")
        ),
    }
    return render(request, "conventions/documents/seance.html", contexte)


@require_POST
@role_required(*DPID_ROLES)
def generer(request: HttpRequest, pk: int) -> HttpResponse:
    seance = _seance(pk)
    try:
        generation.verifier_seance(seance)
    except generation.GenerationImpossible as exc:
        messages.error(request, str(exc))
        return redirect("conventions:seance", seance.pk)
    tache = taches.lancer(
        "conventions.generation",
        f"Génération des conventions de la CP du {seance.date:%d/%m/%Y}",
        "aap.conventions.taches.generer_pour_seance",
        request.user,
        seance_id=seance.pk,
    )
    return redirect("core:tache", tache.pk)


@require_POST
@role_required(*DPID_ROLES)
def regenerer(request: HttpRequest, pk: int) -> HttpResponse:
    convention = get_object_or_404(Convention.objects.for_user(request.user), pk=pk)
    try:
        generation.regenerer_document(convention, request.user)
    except generation.GenerationImpossible as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"Le document de la convention {convention.numero} a été refait.")
    return redirect("conventions:seance", convention.seance_id)


@role_required(Role.ADMIN)
def modeles(request: HttpRequest) -> HttpResponse:
    """Modèles Word par type : en service, historique, téléversement, champs de fusion."""
    form = ModeleForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            fichier = form.cleaned_data["fichier"]
            try:
                modele = documents.televerser_modele(
                    form.cleaned_data["type"], fichier.read(), fichier.name, request.user
                )
            except documents.ModeleInvalide as exc:
                form.add_error("fichier", str(exc))
            else:
                messages.success(request, f"{modele} est désormais en service.")
                return redirect("conventions:modeles")
        status = 400
    types = []
    for valeur, libelle in TypeModele.choices:
        historique = list(ModeleDocument.objects.filter(type=valeur).select_related("televerse_par"))
        types.append(
            {
                "valeur": valeur,
                "libelle": libelle,
                "actif": next((m for m in historique if m.actif), None),
                "historique": historique,
                "champs": champs_disponibles(valeur),
            }
        )
    contexte = {"form": form, "types": types, "fil": _fil(("Modèles de documents", ""))}
    return render(request, "conventions/documents/modeles.html", contexte, status=status)


@require_POST
@role_required(Role.ADMIN)
def modele_activer(request: HttpRequest, pk: int) -> HttpResponse:
    modele = get_object_or_404(ModeleDocument, pk=pk)
    documents.activer_modele(modele, request.user)
    messages.success(request, f"{modele} est de nouveau en service.")
    return redirect("conventions:modeles")


@require_POST
@role_required(Role.ADMIN)
def modele_livre(request: HttpRequest, type_modele: str) -> HttpResponse:
    if type_modele not in TypeModele.values:
        raise Http404
    documents.revenir_au_modele_livre(type_modele, request.user)
    messages.success(request, "Le modèle livré avec l'application est de nouveau en service.")
    return redirect("conventions:modeles")


@role_required(Role.ADMIN)
def modele_telecharger(request: HttpRequest, pk: int) -> FileResponse:
    modele = get_object_or_404(ModeleDocument, pk=pk)
    return FileResponse(modele.fichier.open("rb"), as_attachment=True, filename=modele.nom_original, content_type=DOCX)


@role_required(Role.ADMIN)
def modele_defaut(request: HttpRequest, type_modele: str) -> FileResponse:
    if type_modele not in TypeModele.values:
        raise Http404
    chemin = documents.chemin_defaut(type_modele)
    return FileResponse(
        chemin.open("rb"), as_attachment=True, filename=f"modele-{type_modele}.docx", content_type=DOCX
    )
