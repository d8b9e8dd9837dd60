"""Suivi d'une tâche de fond : page, panneau rafraîchi par htmx et téléchargement des fichiers produits.

Une tâche n'est visible que de l'utilisateur qui l'a lancée (et de l'administrateur) : 404 sinon."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from aap.core.models import Role, TacheFond


def _tache(request: HttpRequest, pk: int) -> TacheFond:
    qs = TacheFond.objects.select_related("demandee_par")
    if request.user.role != Role.ADMIN:
        qs = qs.filter(demandee_par=request.user)
    return get_object_or_404(qs, pk=pk)


@login_required
def tache(request: HttpRequest, pk: int) -> HttpResponse:
    tache = _tache(request, pk)
    gabarit = "core/_tache.html" if request.headers.get("HX-Request") else "core/tache.html"
    return render(request, gabarit, {"tache": tache})


@login_required
def tache_fichier(request: HttpRequest, pk: int, index: int) -> FileResponse:
    tache = _tache(request, pk)
    fichiers = tache.resultat.get("fichiers", [])
    if not 0 <= index < len(fichiers):
        raise Http404
    racine = Path(settings.MEDIA_ROOT).resolve()
    chemin = (racine / fichiers[index]["chemin"]).resolve()
    if racine not in chemin.parents or not chemin.is_file():
        raise Http404
    return FileResponse(chemin.open("rb"), as_attachment=True, filename=fichiers[index]["nom"])
