"""Formulaires du suivi des conventions : filtres de la liste, dépôt de l'exemplaire signé, résiliation,
demande et décision d'avenant, rattachement à une séance de la CP. Les règles sont dans les services."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import Q, QuerySet

from aap.catalogue.models import Dispositif
from aap.commission.models import SeanceCP
from aap.conventions.avenants import seances_votees
from aap.conventions.models import Convention, Operation, StatutConvention, TypeAvenant
from aap.core.models import Territoire
from aap.core.templatetags.aap_ui import euros
from aap.demandes.models import Demande


class FiltreConventionsForm(forms.Form):
    q = forms.CharField(
        label="Recherche",
        required=False,
        max_length=120,
        help_text="Numéro de convention, nom ou sigle de la structure, SIRET",
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    statut = forms.ChoiceField(label="Statut", required=False, choices=[("", "Tous"), *StatutConvention.choices])
    dispositif = forms.ModelChoiceField(
        label="Dispositif", queryset=Dispositif.objects.none(), required=False, empty_label="Tous"
    )
    territoire = forms.ModelChoiceField(
        label="Territoire", queryset=Territoire.objects.all(), required=False, empty_label="Tous"
    )
    seance = forms.ModelChoiceField(
        label="Séance de la CP", queryset=SeanceCP.objects.none(), required=False, empty_label="Toutes"
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Seuls les dispositifs et séances qui ont des conventions : des listes courtes et utiles.
        self.fields["dispositif"].queryset = (
            Dispositif.objects.filter(pk__in=Operation.objects.values("dispositif_id"))
            .select_related("edition")
            .order_by("edition__annee", "code")
        )
        self.fields["dispositif"].label_from_instance = lambda d: f"{d.code} {d.titre} ({d.edition.annee})"
        self.fields["seance"].queryset = SeanceCP.objects.filter(
            pk__in=Convention.objects.values("seance_id")
        ).order_by("-date")
        self.fields["seance"].label_from_instance = lambda s: f"CP du {s.date:%d/%m/%Y}"

    def filtrer(self, qs: QuerySet[Convention]) -> QuerySet[Convention]:
        if not self.is_valid():
            return qs
        donnees = self.cleaned_data
        if donnees.get("statut"):
            qs = qs.filter(statut=donnees["statut"])
        if donnees.get("dispositif"):
            qs = qs.filter(pk__in=Operation.objects.filter(dispositif=donnees["dispositif"]).values("convention_id"))
        if donnees.get("territoire"):
            demandes = Demande.objects.touchant(donnees["territoire"].pk).values("pk")
            qs = qs.filter(pk__in=Operation.objects.filter(demande_id__in=demandes).values("convention_id"))
        if donnees.get("seance"):
            qs = qs.filter(seance=donnees["seance"])
        texte = (donnees.get("q") or "").strip()
        if texte:
            critere = (
                Q(numero__icontains=texte)
                | Q(structure__raison_sociale__icontains=texte)
                | Q(structure__sigle__icontains=texte)
            )
            compact = texte.replace(" ", "")
            if compact.isdigit():
                critere |= Q(structure__siret__startswith=compact)
            qs = qs.filter(critere)
        return qs

    def actifs(self) -> bool:
        return self.is_valid() and any(self.cleaned_data.values())


class SignatureStructureForm(forms.Form):
    fichier = forms.FileField(
        label="Convention signée (PDF)",
        help_text="L'exemplaire signé par le représentant légal, numérisé en PDF (10 Mo au plus).",
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,application/pdf"}),
    )


class ResiliationForm(forms.Form):
    motif = forms.CharField(
        label="Motif de la résiliation",
        help_text="Article 10 : mission non exécutée, fonds détournés de leur objet, refus des contrôles…",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )


class AvenantForm(forms.Form):
    type = forms.ChoiceField(label="Type d'avenant", choices=TypeAvenant.choices, widget=forms.RadioSelect)
    motif = forms.CharField(label="Motif de la demande", widget=forms.Textarea(attrs={"rows": 4}), max_length=4000)
    date_fin = forms.DateField(
        label="Nouvelle date de fin",
        required=False,
        help_text="Avenant de période seulement.",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    evenement_exceptionnel = forms.CharField(
        label="Événement majeur et exceptionnel justifiant le report",
        required=False,
        help_text="Avenant de période : un report n'est accepté qu'en cas d'aléa majeur et exceptionnel, décrit "
        "précisément.",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
    )

    def __init__(self, *args: Any, convention: Convention, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.operations = list(convention.operations.order_by("rang"))
        for op in self.operations:
            self.fields[f"montant_{op.pk}"] = forms.DecimalField(
                label=f"Annexe {op.rang} – {op.intitule} : nouveau montant (€)",
                required=False,
                min_value=Decimal(0),
                max_digits=14,
                decimal_places=2,
                localize=True,
                help_text=f"En vigueur : {euros(op.montant)}. Laissez vide pour ne pas le changer.",
            )

    def champs_montants(self) -> list[forms.BoundField]:
        return [self[f"montant_{op.pk}"] for op in self.operations]

    def montants(self) -> dict[int, Decimal]:
        return {
            op.pk: self.cleaned_data[f"montant_{op.pk}"]
            for op in self.operations
            if self.cleaned_data.get(f"montant_{op.pk}") is not None
        }


class DecisionAvenantForm(forms.Form):
    decision = forms.ChoiceField(
        label="Décision",
        choices=[("accepter", "Accepter l'avenant"), ("refuser", "Refuser l'avenant")],
        widget=forms.RadioSelect,
    )
    motif = forms.CharField(
        label="Motif",
        required=False,
        help_text="Obligatoire en cas de refus ; il est communiqué à la structure.",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
    )


class RattachementCPForm(forms.Form):
    seance = forms.ModelChoiceField(
        label="Séance de la Commission permanente qui a approuvé l'avenant",
        queryset=SeanceCP.objects.none(),
        empty_label="Choisir une séance",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["seance"].queryset = seances_votees().order_by("-date")
        self.fields["seance"].label_from_instance = lambda s: (
            f"CP du {s.date:%d/%m/%Y}{f' – délibération n° {s.numero_deliberation}' if s.numero_deliberation else ''}"
        )
