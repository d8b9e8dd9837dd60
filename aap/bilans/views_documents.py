"""Documents annuels (article 6-2) : page d'une structure (dépôt par ses membres, examen par la DPID),
téléchargement, liste des structures en retard pour les agents."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Case, DateField, IntegerField, Value, When
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from aap.bilans import services_documents
from aap.bilans.forms import DocumentAnnuelForm, FiltreRetardsForm, RefusDocumentForm
from aap.bilans.models import DocumentAnnuel
from aap.bilans.rules import regles_documents
from aap.bilans.selectors import EtatDocuments, etat_documents, structures_en_retard
from aap.core import audit
from aap.core.dates import MOIS
from aap.core.models import AGENT_ROLES, DPID_ROLES, Role, Territoire
from aap.core.pagination import paginate, sort_queryset
from aap.core.permissions import role_required
from aap.structures.droits import peut_ecrire
from aap.structures.fichiers import mime_du_nom
from aap.structures.models import Structure


def _fil(request: HttpRequest, structure: Structure) -> list[tuple[str, str]]:
    if request.user.est_agent:
        return [
            ("Documents annuels en retard", reverse("bilans:documents_en_retard")),
            (f"{structure.raison_sociale} — documents annuels", ""),
        ]
    return [("Mes bilans", reverse("bilans:mes_bilans")), (f"Documents annuels de {structure.raison_sociale}", "")]


def _contexte(request: HttpRequest, structure: Structure, erreurs: dict | None = None) -> dict:
    etat = etat_documents(structure, timezone.localdate())
    membre = request.user.role == Role.PORTEUR and peut_ecrire(request.user, structure)
    formulaires = {}
    if membre:
        for piece in etat.pieces:
            if piece.document is None or piece.document.statut != "accepte":
                cle = (piece.exercice, piece.code)
                formulaires[cle] = (erreurs or {}).get(cle) or DocumentAnnuelForm(
                    formats=piece.formats, libelle=piece.libelle, prefix=f"p{piece.exercice}_{piece.code}"
                )
    exercices = [
        (exercice, echeance, [(p, formulaires.get((p.exercice, p.code))) for p in pieces])
        for exercice, echeance, pieces in etat.par_exercice
    ]
    return {
        "structure": structure,
        "etat": etat,
        "exercices": exercices,
        "peut_deposer": membre,
        "peut_examiner": request.user.est_dpid,
        "form_refus": RefusDocumentForm(),
        "regle": _regle(etat),
        "mois_cloture": MOIS[structure.mois_cloture_exercice - 1],
        "fil": _fil(request, structure),
    }


def _regle(etat: EtatDocuments) -> str:
    regles = regles_documents(etat.structure)
    return regles.get("regle", "") if regles else ""


@role_required(Role.PORTEUR, *AGENT_ROLES)
def documents_annuels(request: HttpRequest, pk: int) -> HttpResponse:
    structure = get_object_or_404(Structure.objects.for_user(request.user), pk=pk)
    if request.user.est_agent:
        audit.log_access(request.user, structure)
    return render(request, "bilans/documents_annuels.html", _contexte(request, structure))


@require_POST
@role_required(Role.PORTEUR)
def deposer(request: HttpRequest, pk: int, exercice: int, code: str) -> HttpResponse:
    structure = get_object_or_404(Structure.objects.for_user(request.user), pk=pk)
    try:
        piece = services_documents.piece_due(structure, exercice, code)
    except services_documents.DocumentImpossible as exc:
        messages.error(request, str(exc))
        return redirect("bilans:documents_annuels", pk=structure.pk)
    form = DocumentAnnuelForm(
        request.POST, request.FILES, formats=piece.formats, libelle=piece.libelle, prefix=f"p{exercice}_{code}"
    )
    if form.is_valid():
        try:
            services_documents.deposer_document(
                structure, request.user, exercice=exercice, code=code, fichier=form.cleaned_data["fichier"]
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        except services_documents.DocumentImpossible as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"« {piece.libelle} » ({exercice}) déposé.")
            return redirect("bilans:documents_annuels", pk=structure.pk)
    contexte = _contexte(request, structure, {(exercice, code): form})
    return render(request, "bilans/documents_annuels.html", contexte, status=400)


def _document(request: HttpRequest, pk: int) -> DocumentAnnuel:
    return get_object_or_404(DocumentAnnuel.objects.for_user(request.user).select_related("structure"), pk=pk)


@role_required(Role.PORTEUR, *AGENT_ROLES)
def fichier(request: HttpRequest, pk: int) -> FileResponse:
    document = _document(request, pk)
    if request.user.est_agent:
        audit.log_access(request.user, document)
    return FileResponse(
        document.fichier.open("rb"),
        as_attachment=True,
        filename=document.nom_original,
        content_type=mime_du_nom(document.nom_original),
    )


@require_POST
@role_required(*DPID_ROLES)
def accepter(request: HttpRequest, pk: int) -> HttpResponse:
    document = _document(request, pk)
    try:
        services_documents.accepter_document(document, request.user)
    except services_documents.DocumentImpossible as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "Document accepté.")
    return redirect("bilans:documents_annuels", pk=document.structure_id)


@require_POST
@role_required(*DPID_ROLES)
def refuser(request: HttpRequest, pk: int) -> HttpResponse:
    document = _document(request, pk)
    form = RefusDocumentForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Indiquez le motif du refus : il est communiqué à la structure.")
        return redirect("bilans:documents_annuels", pk=document.structure_id)
    try:
        services_documents.refuser_document(document, request.user, form.cleaned_data["motif"])
    except (ValidationError, services_documents.DocumentImpossible) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
    else:
        messages.success(request, "Document refusé : la pièce est de nouveau attendue de la structure.")
    return redirect("bilans:documents_annuels", pk=document.structure_id)


TRI_RETARDS = {
    "raison_sociale": "raison_sociale",
    "territoire": "territoire__ordre",
    "pieces": "nb_pieces",
    "echeance": "plus_ancienne",
}


@role_required(*AGENT_ROLES)
def en_retard(request: HttpRequest) -> HttpResponse:
    agent = request.user
    territoires = Territoire.objects.filter(pk=agent.territoire_id) if agent.role == Role.SLAI else None
    form = FiltreRetardsForm(request.GET or None)
    if territoires is not None:
        form.fields["territoire"].queryset = territoires
    form.is_valid()
    retards = structures_en_retard(agent, timezone.localdate())
    qs = Structure.objects.filter(pk__in=retards).select_related("territoire")
    if retards:
        qs = qs.annotate(
            nb_pieces=Case(*(When(pk=k, then=Value(n)) for k, (n, _) in retards.items()), output_field=IntegerField()),
            plus_ancienne=Case(
                *(When(pk=k, then=Value(d)) for k, (_, d) in retards.items()), output_field=DateField()
            ),
        )
    if (getattr(form, "cleaned_data", None) or {}).get("territoire"):
        qs = qs.filter(territoire=form.cleaned_data["territoire"])
    qs = sort_queryset(request, qs, TRI_RETARDS, "echeance") if retards else qs
    contexte = {"form": form, "page": paginate(request, qs), "fil": [("Documents annuels en retard", "")]}
    return render(request, "bilans/documents_en_retard.html", contexte)
