"""Exports vers les finances : liste et lancement (tâche de fond), fiche d'un export avec l'enregistrement des
paiements (n° de mandat et date par ligne, ou pour tout l'export), téléchargement des fichiers."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from aap.core.pagination import paginate
from aap.core.permissions import role_required
from aap.versements import selectors, services
from aap.versements.exports import ROLES_EXPORT, a_exporter
from aap.versements.forms import PaiementForm
from aap.versements.models import StatutVersement, Versement
from aap.versements.services import ROLES_FINANCES, VersementImpossible
from aap.versements.taches import lancer_export


def fil(*items: tuple[str, str]) -> list[tuple[str, str]]:
    return [("Exports vers les finances", reverse("versements:exports")), *items]


@role_required(*selectors.ROLES_EXPORTS)
def exports(request: HttpRequest) -> HttpResponse:
    attente = selectors.totaux(a_exporter())
    contexte = {
        "page": paginate(request, selectors.exports_pour(request.user)),
        "attente": attente,
        "peut_exporter": request.user.role in ROLES_EXPORT,
        "fil": [("Exports vers les finances", "")],
    }
    return render(request, "versements/exports.html", contexte)


@require_POST
@role_required(*ROLES_EXPORT)
def exporter(request: HttpRequest) -> HttpResponse:
    tache = lancer_export(request.user)
    return redirect("core:tache", pk=tache.pk)


@role_required(*selectors.ROLES_EXPORTS)
def export(request: HttpRequest, pk: int) -> HttpResponse:
    export = get_object_or_404(selectors.exports_pour(request.user), pk=pk)
    versements = list(
        export.versements.select_related("convention__structure", "echeance__operation__dispositif").order_by(
            "convention__annee", "convention__sequence", "echeance__operation__rang", "echeance__rang"
        )
    )
    peut_payer = request.user.role in ROLES_FINANCES
    global_form = PaiementForm(prefix="tout")
    if request.method == "POST":
        if not peut_payer:
            raise PermissionDenied("Seul un agent des finances enregistre les paiements.")
        if "tout" in request.POST:
            global_form = PaiementForm(request.POST, prefix="tout")
            if global_form.is_valid():
                a_payer = [v for v in versements if v.statut == StatutVersement.EXPORTE]
                _payer(request, a_payer, lambda v: global_form.cleaned_data)
                return redirect("versements:export", pk=export.pk)
        else:
            remplis = [
                v
                for v in versements
                if v.statut == StatutVersement.EXPORTE and request.POST.get(f"{v.pk}-reference", "").strip()
            ]
            for v in remplis:
                v.form_paiement = PaiementForm(request.POST, prefix=str(v.pk))
            if not remplis:
                messages.error(request, "Saisissez au moins un n° de mandat.")
            elif all([v.form_paiement.is_valid() for v in remplis]):  # noqa: C419 — valider chaque ligne
                _payer(request, remplis, lambda v: v.form_paiement.cleaned_data)
                return redirect("versements:export", pk=export.pk)
    for v in versements:
        if not hasattr(v, "form_paiement"):
            v.form_paiement = PaiementForm(prefix=str(v.pk))
    contexte = {
        "export": export,
        "versements": versements,
        "a_payer": sum(1 for v in versements if v.statut == StatutVersement.EXPORTE),
        "peut_payer": peut_payer,
        "form_tout": global_form,
        "fil": fil((str(export), "")),
    }
    return render(request, "versements/export.html", contexte)


def _payer(request: HttpRequest, versements: list, donnees: Callable[[Versement], dict]) -> None:
    payes = 0
    for versement in versements:
        saisie = donnees(versement)
        try:
            services.enregistrer_paiement(versement, request.user, date=saisie["date"], reference=saisie["reference"])
        except VersementImpossible as exc:
            messages.error(request, f"{versement} : {exc}")
        else:
            payes += 1
    if payes:
        messages.success(request, f"{payes} paiement{'s' if payes > 1 else ''} enregistré{'s' if payes > 1 else ''}.")
    elif not versements:
        messages.info(request, "Aucun versement de cet export n'attend son paiement.")


@role_required(*selectors.ROLES_EXPORTS)
def fichier(request: HttpRequest, pk: int, format: str) -> FileResponse:
    export = get_object_or_404(selectors.exports_pour(request.user), pk=pk)
    champ = {"xlsx": export.fichier_xlsx, "csv": export.fichier_csv}.get(format)
    if not champ:
        raise Http404("Fichier inconnu.")
    try:
        contenu = champ.open("rb")
    except FileNotFoundError as exc:
        raise Http404("Fichier absent.") from exc
    return FileResponse(contenu, as_attachment=True, filename=champ.name.rsplit("/", 1)[-1])
