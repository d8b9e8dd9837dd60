"""Formulaires des versements : filtres de la liste, paiement (par ligne ou pour tout un export), remboursement,
annulations motivées."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone

from aap.catalogue.models import Dispositif
from aap.core.models import Territoire
from aap.demandes.models import Demande
from aap.versements.models import (
    OrigineReversement,
    StatutReversement,
    StatutVersement,
    TypeEcheance,
    Versement,
)


class FiltreVersementsForm(forms.Form):
    recherche = forms.CharField(
        label="Structure ou convention",
        required=False,
        max_length=120,
        help_text="Raison sociale, SIRET ou n° de convention",
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    statut = forms.ChoiceField(label="Statut", required=False, choices=[("", "Tous"), *StatutVersement.choices])
    type = forms.ChoiceField(label="Type d'échéance", required=False, choices=[("", "Tous"), *TypeEcheance.choices])
    dispositif = forms.ModelChoiceField(
        label="Dispositif", queryset=Dispositif.objects.none(), required=False, empty_label="Tous"
    )
    territoire = forms.ModelChoiceField(
        label="Territoire", queryset=Territoire.objects.all(), required=False, empty_label="Tous"
    )
    bloques = forms.BooleanField(
        label="Bloqués seulement",
        required=False,
        help_text="Versements proposés qu'un blocage empêche de valider.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        dispositifs = Dispositif.objects.filter(operations__isnull=False).distinct().select_related("edition")
        self.fields["dispositif"].queryset = dispositifs
        self.fields["dispositif"].label_from_instance = lambda d: f"{d.code} {d.titre[:60]} ({d.edition.annee})"

    @property
    def actifs(self) -> bool:
        return self.is_bound and self.is_valid() and any(self.cleaned_data.values())

    def filtrer(self, qs: QuerySet[Versement]) -> QuerySet[Versement]:
        if not self.is_valid():
            return qs
        donnees = self.cleaned_data
        if donnees["recherche"]:
            terme = donnees["recherche"].strip()
            qs = qs.filter(
                Q(convention__structure__raison_sociale__icontains=terme)
                | Q(convention__structure__siret__startswith=terme)
                | Q(convention__numero__icontains=terme)
            )
        if donnees["statut"]:
            qs = qs.filter(statut=donnees["statut"])
        if donnees["type"]:
            qs = qs.filter(echeance__type=donnees["type"])
        if donnees["dispositif"]:
            qs = qs.filter(echeance__operation__dispositif=donnees["dispositif"])
        if donnees["territoire"]:
            demandes = Demande.objects.touchant(donnees["territoire"].pk).values("pk")
            qs = qs.filter(echeance__operation__demande_id__in=demandes)
        return qs


class FiltreReversementsForm(forms.Form):
    statut = forms.ChoiceField(label="Statut", required=False, choices=[("", "Tous"), *StatutReversement.choices])
    origine = forms.ChoiceField(label="Origine", required=False, choices=[("", "Toutes"), *OrigineReversement.choices])

    def filtrer(self, qs: QuerySet) -> QuerySet:
        if not self.is_valid():
            return qs
        if self.cleaned_data["statut"]:
            qs = qs.filter(statut=self.cleaned_data["statut"])
        if self.cleaned_data["origine"]:
            qs = qs.filter(origine=self.cleaned_data["origine"])
        return qs


class MotifForm(forms.Form):
    motif = forms.CharField(label="Motif de l’annulation", max_length=1000, widget=forms.Textarea(attrs={"rows": 3}))


class PaiementForm(forms.Form):
    reference = forms.CharField(label="N° de mandat", max_length=40)
    date = forms.DateField(
        label="Date de paiement",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        initial=timezone.localdate,
    )

    def clean_date(self):  # noqa: ANN201
        date = self.cleaned_data["date"]
        if date > timezone.localdate():
            raise forms.ValidationError("La date de paiement ne peut pas être dans le futur.")
        return date


class RemboursementForm(forms.Form):
    montant = forms.DecimalField(label="Montant reçu (€)", max_digits=14, decimal_places=2, min_value=Decimal("0.01"))
    recu_le = forms.DateField(
        label="Reçu le",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        initial=timezone.localdate,
    )

    def clean_recu_le(self):  # noqa: ANN201
        date = self.cleaned_data["recu_le"]
        if date > timezone.localdate():
            raise forms.ValidationError("La date de réception ne peut pas être dans le futur.")
        return date
