"""Formulaires de la charte qualité : filtres de la liste, calcul de toutes les structures, note d'un critère,
réponse de la structure, suite donnée par l'agent."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.core.validators import MaxValueValidator

from aap.catalogue.models import Dispositif
from aap.core.templatetags.aap_ui import nombre
from aap.qualite.models import StatutCharte


def _date(label: str, **kwargs: Any) -> forms.DateField:
    return forms.DateField(label=label, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"), **kwargs)


class FiltreChartesForm(forms.Form):
    dispositif = forms.ModelChoiceField(
        label="Dispositif", required=False, queryset=Dispositif.objects.none(), empty_label="Tous les dispositifs"
    )
    statut = forms.ChoiceField(
        label="Statut", required=False, choices=[("", "Tous les statuts"), *StatutCharte.choices]
    )
    structure = forms.CharField(label="Structure (nom ou SIRET)", required=False, max_length=120)
    du = _date("Période à partir du", required=False)
    au = _date("Période jusqu'au", required=False)

    def __init__(self, *args: Any, dispositifs: list[Dispositif], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["dispositif"].queryset = Dispositif.objects.filter(pk__in=[d.pk for d in dispositifs])

    @property
    def actifs(self) -> bool:
        return self.is_bound and any(self.data.get(nom) for nom in self.fields)


class CalculForm(forms.Form):
    """Calculer la charte de toutes les structures d'un dispositif sur une période (tâche de fond)."""

    dispositif = forms.ModelChoiceField(label="Dispositif", queryset=Dispositif.objects.none())
    debut = _date("Début de la période")
    fin = _date("Fin de la période (incluse)")

    def __init__(self, *args: Any, dispositifs: list[Dispositif], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["dispositif"].queryset = Dispositif.objects.filter(pk__in=[d.pk for d in dispositifs])
        if dispositifs and not self.is_bound:
            annee = dispositifs[0].edition.annee
            self.initial = {
                "dispositif": dispositifs[0].pk,
                "debut": datetime.date(annee, 1, 1),
                "fin": datetime.date(annee, 12, 31),
                **self.initial,
            }

    def clean(self) -> dict[str, Any]:
        donnees = super().clean()
        if donnees.get("debut") and donnees.get("fin") and donnees["fin"] < donnees["debut"]:
            self.add_error("fin", "La fin de la période est avant son début.")
        return donnees


class NoteForm(forms.Form):
    points = forms.DecimalField(label="Points", min_value=0, max_digits=5, decimal_places=2, localize=True)
    commentaire = forms.CharField(
        label="Commentaire (lu par la structure)", widget=forms.Textarea(attrs={"rows": 2}), max_length=4000
    )

    def __init__(self, *args: Any, poids: Any, code: str, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", f"note-{code}")
        super().__init__(*args, **kwargs)
        self.fields["points"].validators.append(MaxValueValidator(poids))
        self.fields["points"].label = f"Points (0 à {nombre(poids)})"
        self.fields["points"].widget.attrs.update({"inputmode": "decimal"})


class ReponseForm(forms.Form):
    critere = forms.ChoiceField(label="Critère concerné", required=False)
    texte = forms.CharField(label="Votre observation", widget=forms.Textarea(attrs={"rows": 5}), max_length=8000)

    def __init__(self, *args: Any, criteres: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["critere"].choices = [("", "Observation générale"), *criteres]


class SuiteForm(forms.Form):
    suite = forms.CharField(
        label="Suite donnée (lue par la structure)", widget=forms.Textarea(attrs={"rows": 3}), max_length=8000
    )

    def __init__(self, *args: Any, reponse_pk: int, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", f"suite-{reponse_pk}")
        super().__init__(*args, **kwargs)
