"""Pages de l'observatoire des parcours : chiffres filtrés par période, dispositif, territoire et structure, par
l'axe choisi (tableaux, graphiques SVG, évolution mensuelle) et leur export XLSX. Les chiffres viennent de
`aap.qualite.observatoire` ; la portée est celle du compte (SLAI : son territoire ; structure : les siennes)."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from aap.catalogue.models import Edition
from aap.core import audit
from aap.core.models import Role, Territoire, User
from aap.core.permissions import role_required
from aap.parcours import choices as c
from aap.qualite import graphiques
from aap.qualite.exports_observatoire import classeur
from aap.qualite.observatoire import (
    ROLES_OBSERVATOIRE,
    Axe,
    Filtres,
    Observatoire,
    appliquer_secret,
    calculer,
    phrase_bilan,
)
from aap.qualite.observatoire_requetes import dispositifs_a_parcours, orientations_visibles
from aap.structures.models import Structure


DUREE_MAX = datetime.timedelta(days=366 * 5)
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class FiltresObservatoireForm(forms.Form):
    debut = forms.DateField(label="Du", required=False, widget=DATE)
    fin = forms.DateField(label="Au (inclus)", required=False, widget=DATE, help_text="En cours : à cette date.")
    axe = forms.ChoiceField(label="Détailler par", choices=Axe.choices, required=False)
    edition = forms.ModelChoiceField(
        label="Édition",
        queryset=Edition.objects.none(),
        required=False,
        empty_label="Toutes",
        help_text="Sans dates, la période est l'année de l'édition.",
    )
    dispositif = forms.ChoiceField(label="Dispositif", required=False)
    territoire = forms.ModelChoiceField(
        label="Territoire", queryset=Territoire.objects.all(), required=False, empty_label="Tous"
    )
    structure = forms.ModelChoiceField(
        label="Structure", queryset=Structure.objects.none(), required=False, empty_label="Toutes"
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        dispositifs = dispositifs_a_parcours()
        self.fields["dispositif"].choices = [("", "Tous")] + [
            (str(d.pk), f"{d.code} {d.titre} ({d.edition.annee})") for d in dispositifs
        ]
        self.fields["edition"].queryset = Edition.objects.filter(pk__in={d.edition_id for d in dispositifs})
        visibles = orientations_visibles(user)
        self.fields["structure"].queryset = Structure.objects.filter(pk__in=visibles.values("structure_id"))
        if user.role == Role.SLAI:
            self.fields["territoire"].queryset = Territoire.objects.filter(pk=user.territoire_id)

    def clean(self) -> dict[str, Any]:
        donnees = super().clean()
        debut, fin = donnees.get("debut"), donnees.get("fin")
        if debut and fin and fin < debut:
            self.add_error("fin", "La fin de la période précède son début.")
        elif debut and fin and fin - debut > DUREE_MAX:
            self.add_error("fin", "La période ne peut pas dépasser cinq ans.")
        return donnees

    def actifs(self) -> bool:
        return self.is_bound and self.is_valid() and any(self.cleaned_data.values())

    def filtres(self) -> Filtres:
        """Les filtres demandés, ou ceux par défaut (de l'année en cours à aujourd'hui, par dispositif)."""
        aujourdhui = timezone.localdate()
        donnees = self.cleaned_data if self.is_bound and self.is_valid() else {}
        edition = donnees.get("edition")
        if edition and not donnees.get("debut") and not donnees.get("fin"):
            debut, fin = datetime.date(edition.annee, 1, 1), datetime.date(edition.annee, 12, 31)
        else:
            fin = donnees.get("fin") or aujourdhui
            debut = donnees.get("debut") or datetime.date(fin.year, 1, 1)
            if debut > fin:
                debut = datetime.date(fin.year, 1, 1)
        return Filtres(
            debut=debut,
            fin=fin,
            axe=donnees.get("axe") or Axe.DISPOSITIF,
            edition_id=edition.pk if edition else None,
            dispositif_id=int(donnees["dispositif"]) if donnees.get("dispositif") else None,
            territoire_id=donnees["territoire"].pk if donnees.get("territoire") else None,
            structure_id=donnees["structure"].pk if donnees.get("structure") else None,
        )


def _observatoire(request: HttpRequest) -> tuple[FiltresObservatoireForm, Observatoire]:
    form = FiltresObservatoireForm(request.GET or None, user=request.user)
    return form, appliquer_secret(calculer(request.user, form.filtres()), request.user)


def _valeur(ligne: Any, nom: str) -> int | None:
    return None if ligne.masquee else getattr(ligne, nom)


def _graphiques(obs: Observatoire) -> dict[str, Any]:
    lignes = obs.lignes
    noms = [ligne.libelle for ligne in lignes]
    axe = Axe(obs.filtres.axe).label.lower()
    familles = [f for f in c.FamilleSortie if any(li.sorties_par_famille.get(f) for li in lignes)]
    mois = [f"{m.mois:%m/%Y}" for m in obs.mois]
    return {
        "barres": graphiques.barres(
            "g-orientations",
            f"Orientations et sorties par {axe}",
            f"Nombre d'orientations et de sorties de la période, par {axe} ; détail dans le tableau qui suit.",
            noms,
            [
                graphiques.Serie("Orientations", [_valeur(li, "orientations") for li in lignes]),
                graphiques.Serie("Sorties", [_valeur(li, "sorties") for li in lignes]),
            ],
        ),
        "empilees": graphiques.empilees(
            "g-sorties",
            f"Sorties par famille et par {axe}",
            f"Sorties de la période par famille, empilées, par {axe} ; détail dans le tableau qui suit.",
            noms,
            [
                graphiques.Serie(f.label, [None if li.masquee else li.sorties_par_famille.get(f, 0) for li in lignes])
                for f in familles
            ],
        )
        if familles
        else None,
        "mensuel": graphiques.colonnes(
            "g-mois",
            "Évolution mensuelle",
            "Orientations, sorties et entretiens honorés de chaque mois de la période ; détail dans le tableau "
            "qui suit.",
            mois,
            [
                graphiques.Serie("Orientations", [m.orientations for m in obs.mois]),
                graphiques.Serie("Sorties", [m.sorties for m in obs.mois]),
                graphiques.Serie("Entretiens", [m.entretiens for m in obs.mois]),
            ],
        ),
    }


@role_required(*ROLES_OBSERVATOIRE)
def index(request: HttpRequest) -> HttpResponse:
    form, obs = _observatoire(request)
    f = obs.filtres
    familles = [famille for famille in c.FamilleSortie if obs.total.sorties_par_famille.get(famille)]
    return render(
        request,
        "observatoire/index.html",
        {
            "fil": [("Accueil", reverse("catalogue:appels_ouverts")), ("Observatoire des parcours", "")],
            "filtres": form,
            "obs": obs,
            "axe_libelle": Axe(f.axe).label,
            "phrase": None if obs.total.masquee else phrase_bilan(obs.total, f.fin),
            "familles": [famille.label for famille in familles],
            "par_famille": [(li, [li.sorties_par_famille.get(fa, 0) for fa in familles]) for li in obs.lignes],
            "total_famille": [obs.total.sorties_par_famille.get(fa, 0) for fa in familles],
            "modes": [libelle for _, libelle in c.ModeRendezVous.choices],
            "par_mode": [(li, [li.entretiens_par_mode.get(m, 0) for m in c.ModeRendezVous]) for li in obs.lignes],
            "total_mode": [obs.total.entretiens_par_mode.get(m, 0) for m in c.ModeRendezVous],
            "graphiques": _graphiques(obs),
            "secret_applique": obs.masquees > 0 or obs.total.masquee,
            "export_url": reverse("observatoire:export_xlsx") + (f"?{request.GET.urlencode()}" if request.GET else ""),
        },
    )


@role_required(*ROLES_OBSERVATOIRE)
def export_xlsx(request: HttpRequest) -> HttpResponse:
    _form, obs = _observatoire(request)
    f = obs.filtres
    audit.log(request.user, "observatoire.exporter", None, debut=f.debut, fin=f.fin, axe=f.axe)
    reponse = HttpResponse(
        classeur(obs), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    nom = f"observatoire-parcours-{f.debut:%Y%m%d}-{f.fin:%Y%m%d}-{f.axe}.xlsx"
    reponse["Content-Disposition"] = f'attachment; filename="{nom}"'
    return reponse
