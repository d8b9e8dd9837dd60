from __future__ import annotations

from django import forms
from django.db.models import Q, QuerySet

from aap.catalogue.models import Dispositif, Edition
from aap.commission.models import Decision, Elu, GroupePolitique, Mandat, SeanceCP, StatutPresence
from aap.commission.services import CHAMPS_SEANCE
from aap.core.models import Territoire
from aap.instruction.models import Proposition
from aap.structures.models import Structure


def _date() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class SeanceForm(forms.ModelForm):
    class Meta:
        model = SeanceCP
        fields = list(CHAMPS_SEANCE)
        widgets = {"date": _date(), "date_cloture_depot": _date(), "date_avis_commissions": _date()}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        elus = Elu.objects.filter(actif=True)
        self.fields["president_seance"].queryset = elus
        self.fields["secretaire"].queryset = elus
        self.fields["edition"].empty_label = None
        self.fields["president_seance"].help_text = "Vide : le Président du Conseil départemental."


class FiltrePropositionsForm(forms.Form):
    q = forms.CharField(label="Structure, SIRET ou référence", required=False)
    dispositif = forms.ModelChoiceField(label="Dispositif", queryset=Dispositif.objects.none(), required=False)
    territoire = forms.ModelChoiceField(
        label="Territoire de l'annexe", queryset=Territoire.objects.all(), required=False
    )

    def __init__(self, *args, edition: Edition, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["dispositif"].queryset = Dispositif.objects.filter(edition=edition).order_by(
            "axe__numero", "ordre"
        )
        self.fields["dispositif"].label_from_instance = lambda d: f"{d.code} {d.titre[:70]}"

    @property
    def actifs(self) -> bool:
        return self.is_bound and self.is_valid() and any(self.cleaned_data.values())

    def filtrer(self, propositions: QuerySet[Proposition]) -> QuerySet[Proposition]:
        if not self.is_valid():
            return propositions
        donnees = self.cleaned_data
        if donnees.get("q"):
            q = donnees["q"].strip()
            propositions = propositions.filter(
                Q(demande__structure__raison_sociale__icontains=q)
                | Q(demande__structure__siret__startswith=q.replace(" ", ""))
                | Q(demande__reference__icontains=q)
            )
        if donnees.get("dispositif"):
            propositions = propositions.filter(demande__dispositif=donnees["dispositif"])
        if donnees.get("territoire"):
            propositions = propositions.filter(territoire=donnees["territoire"])
        return propositions


class EluForm(forms.ModelForm):
    class Meta:
        model = Elu
        fields = ["civilite", "prenom", "nom", "groupe", "fonction", "est_president", "voix_deliberative", "actif"]


class RechercheStructureForm(forms.Form):
    q = forms.CharField(label="Rechercher une structure (raison sociale ou SIRET)", required=False, min_length=2)


class MandatForm(forms.ModelForm):
    class Meta:
        model = Mandat
        fields = ["structure", "fonction", "debut", "fin"]
        widgets = {"debut": _date(), "fin": _date(), "structure": forms.RadioSelect}
        help_texts = {"fonction": "Ex. « Membre du conseil d'administration », « Président du CCAS »."}

    def __init__(self, *args, recherche: str = "", **kwargs) -> None:
        super().__init__(*args, **kwargs)
        structures = Structure.objects.all()
        recherche = recherche.strip()
        if recherche:
            trouvees = Q(raison_sociale__icontains=recherche) | Q(siret__startswith=recherche.replace(" ", ""))
            if self.instance.pk:  # modification : la structure actuelle reste proposée
                trouvees |= Q(pk=self.instance.structure_id)
            structures = structures.filter(trouvees)
        elif self.instance.pk:
            structures = structures.filter(pk=self.instance.structure_id)
        if not self.is_bound:
            structures = structures[:20]
        self.fields["structure"].queryset = structures
        self.fields["structure"].empty_label = None
        self.fields["structure"].label_from_instance = lambda s: f"{s.raison_sociale} — SIRET {s.siret}, {s.commune}"

    def clean(self) -> dict:
        donnees = super().clean()
        if donnees.get("debut") and donnees.get("fin") and donnees["fin"] < donnees["debut"]:
            self.add_error("fin", "La fin du mandat précède son début.")
        return donnees


class PresenceForm(forms.Form):
    elu = forms.ModelChoiceField(queryset=Elu.objects.all(), widget=forms.HiddenInput)
    statut = forms.ChoiceField(label="Présence", choices=StatutPresence.choices)
    delegation_a = forms.ModelChoiceField(
        label="Délégation de vote à", queryset=Elu.objects.filter(actif=True), required=False, empty_label="—"
    )

    def clean(self) -> dict:
        donnees = super().clean()
        if donnees.get("delegation_a") and donnees.get("statut") == StatutPresence.PRESENT:
            self.add_error("delegation_a", "Un élu présent ne donne pas de délégation.")
        return donnees


PresenceFormSet = forms.formset_factory(PresenceForm, extra=0)


class VoteForm(forms.Form):
    pour = forms.IntegerField(label="Pour", min_value=0)
    contre = forms.IntegerField(label="Contre", min_value=0)
    abstention = forms.IntegerField(label="Abstention", min_value=0, help_text="Intéressés à l'affaire compris.")
    absents_sans_delegation = forms.IntegerField(label="Absents sans délégation de vote", min_value=0, initial=0)
    groupes_pour = forms.MultipleChoiceField(
        label="Groupes (pour)", choices=GroupePolitique.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    groupes_contre = forms.MultipleChoiceField(
        label="Groupes (contre)", choices=GroupePolitique.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    groupes_abstention = forms.MultipleChoiceField(
        label="Groupes (abstention)",
        choices=GroupePolitique.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    groupes_absents = forms.MultipleChoiceField(
        label="Groupes (absents sans délégation)",
        choices=GroupePolitique.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    non_participants = forms.ModelMultipleChoiceField(
        label="N'ont pas pris part au vote",
        queryset=Elu.objects.filter(actif=True),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Pré-rempli avec les élus intéressés à l'affaire.",
    )
    adopte = forms.BooleanField(label="Rapport adopté", required=False, initial=True)


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(label="Décision", choices=Decision.choices, widget=forms.RadioSelect)
    montant = forms.DecimalField(
        label="Montant voté (€)",
        max_digits=14,
        decimal_places=2,
        min_value=0,
        required=False,
        localize=True,
        help_text="Par défaut le montant proposé ; jamais davantage.",
    )
    motif = forms.CharField(
        label="Motif",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Obligatoire pour un rejet ou un ajournement ; communiqué à la structure.",
    )

    def clean(self) -> dict:
        donnees = super().clean()
        if donnees.get("decision") in (Decision.REJETEE, Decision.AJOURNEE) and not donnees.get("motif", "").strip():
            self.add_error("motif", "Motivez le rejet ou l'ajournement.")
        return donnees
