"""Pilotage des parcours : alertes du compte (référent, SLAI, DPID) et liste des entrées et sorties à transmettre
à la MDS avant un comité de pilotage (tableau HTML et XLSX)."""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from aap.core.permissions import role_required
from aap.parcours import comite
from aap.parcours.alertes import alertes as alertes_du_compte
from aap.parcours.forms import EntreesSortiesForm
from aap.parcours.views import ROLES_PARCOURS, fil, structures_visibles


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ORDRE_GRAVITE = {"erreur": 0, "haute": 0, "alerte": 1, "moyenne": 1, "info": 2, "basse": 2}


def ton_gravite(gravite: Any) -> str:
    texte = str(getattr(gravite, "value", gravite) or "").lower()
    return {"haute": "erreur", "erreur": "erreur", "moyenne": "alerte", "alerte": "alerte"}.get(texte, "info")


@role_required(*ROLES_PARCOURS)
def alertes(request: HttpRequest) -> HttpResponse:
    """Les alertes du compte, groupées par nature (les plus graves d'abord), chacune avec son lien."""
    jour = timezone.localdate()
    liste = list(alertes_du_compte(request.user, le=jour))
    liste.sort(key=lambda a: (ORDRE_GRAVITE.get(ton_gravite(a.gravite), 3), a.libelle, a.echeance or jour))
    groupes: OrderedDict[str, list] = OrderedDict()
    for alerte in liste:
        groupes.setdefault(alerte.libelle, []).append(alerte)
    contexte = {
        "groupes": [(libelle, ton_gravite(items[0].gravite), items) for libelle, items in groupes.items()],
        "total": len(liste),
        "jour": jour,
        "fil": fil(("Alertes", ""), user=request.user),
    }
    return render(request, "parcours/alertes.html", contexte)


@role_required(*ROLES_PARCOURS)
def entrees_sorties(request: HttpRequest) -> HttpResponse:
    """Entrées et sorties d'une structure sur une période (par défaut les 8 jours avant le comité)."""
    structures = structures_visibles(request.user)
    donnees = request.GET if request.GET else None
    form = EntreesSortiesForm(donnees, structures=structures)
    resultat = None
    if form.is_valid():
        d = form.cleaned_data
        if not (d.get("debut") and d.get("fin")):
            d["debut"], d["fin"] = comite.periode_avant_comite(d["date_comite"])
        if request.GET.get("format") == "xlsx":
            contenu = comite.xlsx_entrees_sorties(d["structure"], d["debut"], d["fin"], dispositif=d["dispositif"])
            nom = f"entrees-sorties-{d['structure'].pk}-{d['debut']:%Y%m%d}-{d['fin']:%Y%m%d}.xlsx"
            return HttpResponse(
                contenu, content_type=XLSX, headers={"Content-Disposition": f'attachment; filename="{nom}"'}
            )
        resultat = comite.entrees_sorties(d["structure"], d["debut"], d["fin"], dispositif=d["dispositif"])
    contexte = {
        "form": form,
        "resultat": resultat,
        "donnees": form.cleaned_data if resultat is not None else None,
        "requete_xlsx": _avec_format(request),
        "fil": fil(("Entrées et sorties", ""), user=request.user),
    }
    return render(request, "parcours/entrees_sorties.html", contexte, status=400 if form.errors else 200)


def _avec_format(request: HttpRequest) -> str:
    params = request.GET.copy()
    params["format"] = "xlsx"
    return params.urlencode()
