"""Pages publiques du catalogue (sans connexion) : appels ouverts, édition, fiche d'un dispositif."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator

from aap.catalogue import presentation
from aap.catalogue.forms import FiltreAppelsForm
from aap.catalogue.models import Dispositif, Edition, StatutSession
from aap.catalogue.selection import dispositifs_par_axe, filtrer_sessions, grouper_par_axe, sessions_publiques


def appels_ouverts(request: HttpRequest) -> HttpResponse:
    form = FiltreAppelsForm(request.GET or None)
    axe = territoire = None
    if form.is_valid():
        axe, territoire = form.cleaned_data["axe"], form.cleaned_data["territoire"]
    sessions = filtrer_sessions(sessions_publiques(request.user), axe, territoire)
    ouvertes = grouper_par_axe(sessions.ouvertes())
    contexte = {
        "fil": [("Appels à projets", "")],
        "form": form,
        "filtre_actif": axe is not None or territoire is not None,
        "aujourd_hui": timezone.localdate(),
        "groupes": ouvertes,
        "nb_ouvertes": sum(len(g.sessions) for g in ouvertes),
        "a_venir": sessions.a_venir().order_by("ouverture", "dispositif__ordre", "numero")[:20],
        "recentes": [] if ouvertes else sessions.closes().order_by("-cloture", "dispositif__ordre", "numero")[:6],
        "editions": Edition.objects.order_by("-annee"),
    }
    return render(request, "catalogue/appels_ouverts.html", contexte)


def catalogue(request: HttpRequest, annee: int) -> HttpResponse:
    edition = get_object_or_404(Edition, annee=annee)
    axes = dispositifs_par_axe(edition, request.user)
    contexte = {
        "fil": [("Appels à projets", reverse("catalogue:appels_ouverts")), (f"Catalogue {edition.annee}", "")],
        "edition": edition,
        "axes": axes,
        "nb_dispositifs": sum(len(ds) for _, ds in axes),
        "nb_fiches": sum(1 for _, ds in axes for d in ds if d.est_detaille),
    }
    return render(request, "catalogue/catalogue.html", contexte)


def dispositif(request: HttpRequest, annee: int, slug: str) -> HttpResponse:
    d = get_object_or_404(
        Dispositif.objects.for_user(request.user).select_related("axe", "edition", "ligne_budgetaire"),
        edition__annee=annee,
        slug=slug,
    )
    fiche = d.fiche
    sessions = list(d.sessions.order_by("numero"))
    contexte = {
        "fil": [
            ("Appels à projets", reverse("catalogue:appels_ouverts")),
            (f"Catalogue {annee}", reverse("catalogue:catalogue", args=[annee])),
            (f"{d.code} {Truncator(d.titre).chars(60)}", ""),
        ],
        "d": d,
        "fiche": fiche,
        "territoires": list(d.territoires.all()),
        "sessions": sessions,
        "sessions_ouvertes": [s for s in sessions if s.statut() == StatutSession.OUVERTE],
        "precisions": presentation.precisions(d.choix, fiche.choix if fiche else []),
    }
    if fiche is not None:
        contexte |= {
            "parts_conditionnees": [
                (p, presentation.LIBELLES_BASES[p.base], presentation.formule_lisible(p.formule_cible))
                for p in fiche.financement.parts_conditionnees
            ],
            "ratios": [(r, presentation.formule_lisible(r.formule)) for r in fiche.ratios],
            "compteurs": [presentation.LIBELLES_COMPTEURS[c] for c in fiche.compteurs],
            "exemple_forfait": presentation.exemple_forfait(fiche),
            "exemple_plafond": presentation.exemple_plafond(fiche),
        }
    return render(request, "catalogue/dispositif.html", contexte)
