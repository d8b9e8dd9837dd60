"""Filtres de la liste des demandes côté agents (paramètres GET)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q

from aap.catalogue.models import Dispositif, Edition
from aap.core.models import Territoire
from aap.demandes.choix import StatutDemande
from aap.demandes.models import DemandeQuerySet


class DispositifChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Dispositif) -> str:
        return f"{obj.code} {obj.titre} ({obj.edition.annee})"


class FiltreDemandesForm(forms.Form):
    structure = forms.CharField(
        label="Structure",
        required=False,
        max_length=120,
        help_text="Nom, sigle, SIRET ou référence",
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    edition = forms.ModelChoiceField(
        label="Édition", queryset=Edition.objects.all(), required=False, empty_label="Toutes"
    )
    dispositif = DispositifChoiceField(
        label="Dispositif",
        queryset=Dispositif.objects.detailles().select_related("edition").only("code", "titre", "edition__annee"),
        required=False,
        empty_label="Tous",
    )
    territoire = forms.ModelChoiceField(
        label="Territoire", queryset=Territoire.objects.all(), required=False, empty_label="Tous"
    )
    statut = forms.ChoiceField(
        label="Statut",
        required=False,
        choices=[("", "Tous")] + [c for c in StatutDemande.choices if c[0] != StatutDemande.BROUILLON],
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["edition"].label_from_instance = lambda e: str(e.annee)
        # Listes lues une fois et figées : pas de curseur serveur (3 allers-retours) par liste déroulante.
        for nom in ("edition", "dispositif", "territoire"):
            champ = self.fields[nom]
            champ.choices = [("", champ.empty_label)] + [
                (obj.pk, champ.label_from_instance(obj)) for obj in champ.queryset
            ]

    def filtrer(self, qs: DemandeQuerySet) -> DemandeQuerySet:
        if not self.is_valid():
            return qs
        donnees = self.cleaned_data
        if donnees.get("edition"):
            qs = qs.filter(dispositif__edition=donnees["edition"])
        if donnees.get("dispositif"):
            qs = qs.filter(dispositif=donnees["dispositif"])
        if donnees.get("territoire"):
            qs = qs.touchant(donnees["territoire"].pk)
        if donnees.get("statut"):
            qs = qs.filter(statut=donnees["statut"])
        texte = (donnees.get("structure") or "").strip()
        if texte:
            compact = texte.replace(" ", "")
            critere = (
                Q(structure__raison_sociale__icontains=texte)
                | Q(structure__sigle__icontains=texte)
                | Q(reference__icontains=texte)
            )
            if compact.isdigit():
                critere |= Q(structure__siret__startswith=compact)
            qs = qs.filter(critere)
        return qs

    def actifs(self) -> bool:
        return self.is_valid() and any(self.cleaned_data.values())
