"""Formulaires des propositions, des enveloppes et de la répartition simulée (la validation métier est dans les
services : `aap.instruction.propositions`)."""

from __future__ import annotations

from decimal import Decimal

from django import forms

from aap.catalogue.models import Dispositif, Edition, LigneBudgetaire
from aap.core.models import Territoire
from aap.instruction.models import Proposition
from aap.instruction.propositions import CHAMPS
from aap.instruction.simulation import STRATEGIES


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self) -> None:
        super().__init__(format="%Y-%m-%d")


class PropositionForm(forms.ModelForm):
    class Meta:
        model = Proposition
        fields = list(CHAMPS)
        widgets = {
            "date_debut": DateInput(),
            "date_fin": DateInput(),
            "complement": forms.TextInput(),
            "motivation": forms.Textarea(attrs={"rows": 4}),
        }
        help_texts = {
            "montant": "Ne peut dépasser le montant demandé ; bloqué s'il fait dépasser l'enveloppe ou l'AE.",
            "territoire": "Territoire sous lequel la demande figure dans l'annexe de la délibération.",
            "motivation": "Pourquoi ce montant : budget retenu, avis des SLAI, notation, enveloppe…",
        }

    def __init__(self, *args, **kwargs) -> None:  # noqa: ANN002, ANN003
        super().__init__(*args, **kwargs)
        self.fields["territoire"].queryset = Territoire.objects.order_by("ordre")
        self.fields["montant"].min_value = Decimal("0")

    def clean(self) -> dict:
        donnees = super().clean()
        if donnees.get("hors_budget") and donnees.get("montant"):
            self.add_error("montant", "Une opération hors budget départemental est proposée à 0,00 €.")
        return donnees

    def _post_clean(self) -> None:
        """Pas de validation du modèle ici : la proposition n'existe peut-être pas encore ; le service valide."""


class EnveloppeForm(forms.Form):
    dispositif = forms.ModelChoiceField(label="Dispositif", queryset=Dispositif.objects.none())
    territoire = forms.ModelChoiceField(
        label="Territoire",
        queryset=Territoire.objects.order_by("ordre"),
        required=False,
        empty_label="Tous les territoires du dispositif",
        help_text="Une enveloppe territoriale passe avant l'enveloppe « tous territoires » du même dispositif.",
    )
    ligne = forms.ModelChoiceField(label="Ligne budgétaire", queryset=LigneBudgetaire.objects.none())
    montant = forms.DecimalField(label="Montant de l'enveloppe (€)", min_value=0, max_digits=14, decimal_places=2)

    def __init__(self, *args, edition: Edition, modification: bool = False, **kwargs) -> None:  # noqa: ANN002, ANN003
        super().__init__(*args, **kwargs)
        self.fields["dispositif"].queryset = Dispositif.objects.filter(edition=edition).select_related("axe")
        self.fields["ligne"].queryset = LigneBudgetaire.objects.filter(edition=edition)
        if modification:
            del self.fields["dispositif"]
            del self.fields["territoire"]


class EditionForm(forms.Form):
    edition = forms.ModelChoiceField(
        label="Édition", queryset=Edition.objects.order_by("-annee"), to_field_name="annee", empty_label=None
    )


class SimulationForm(forms.Form):
    score_minimum = forms.DecimalField(
        label="Note minimale (stratégie proportionnelle)",
        min_value=0,
        max_value=100,
        decimal_places=2,
        required=False,
        help_text="Sur 100. Vide : toutes les demandes notées sont retenues.",
    )


class AppliquerForm(SimulationForm):
    strategie = forms.ChoiceField(label="Stratégie", choices=list(STRATEGIES.items()))
