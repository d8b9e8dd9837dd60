"""Formulaire de filtre (GET) de la page des appels ouverts."""

from __future__ import annotations

from django import forms

from aap.catalogue.models import Axe
from aap.core.models import Territoire


class FiltreAppelsForm(forms.Form):
    axe = forms.TypedChoiceField(label="Axe", required=False, coerce=int, empty_value=None)
    territoire = forms.ModelChoiceField(
        label="Territoire",
        required=False,
        queryset=Territoire.objects.filter(est_departement=False),
        to_field_name="code",
        empty_label="Tous les territoires",
        help_text="Les dispositifs couvrant tout le département apparaissent pour chaque territoire.",
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        axes: dict[int, str] = {}
        for numero, libelle in Axe.objects.order_by("-edition__annee", "numero").values_list("numero", "libelle"):
            axes.setdefault(numero, libelle)
        self.fields["axe"].choices = [("", "Tous les axes")] + [
            (numero, f"Axe {numero} : {libelle}") for numero, libelle in sorted(axes.items())
        ]
