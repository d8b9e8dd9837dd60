"""Formulaires du suivi d'un parcours (fiche d'une personne) : rendez-vous, présence, diagnostic, contrat
d'engagement et ses actions, heures, revue SLAI, clôture, demandes et décisions, phase DSP, sortie, justificatif.

Chaque formulaire rend, par `arguments()`, les paramètres nommés du service correspondant."""

from __future__ import annotations

import datetime
import zoneinfo
from typing import Any

from django import forms
from django.utils import timezone

from aap.catalogue.models import Dispositif
from aap.parcours import choices as c
from aap.parcours.forms import ChoixParcoursMixin, DateInput
from aap.parcours.models import ContratEngagement, Orientation, RendezVous
from aap.structures.models import Structure


PARIS = zoneinfo.ZoneInfo("Europe/Paris")
DECISION = [("oui", "Acceptée"), ("non", "Refusée")]


def aujourdhui() -> datetime.date:
    return timezone.localdate()


class SuiviForm(forms.Form):
    def arguments(self) -> dict[str, Any]:
        return dict(self.cleaned_data)


class RendezVousForm(SuiviForm):
    jour = forms.DateField(label="Date", widget=DateInput(), initial=aujourdhui)
    heure = forms.TimeField(label="Heure", widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
    mode = forms.ChoiceField(label="Mode", choices=c.ModeRendezVous.choices, widget=forms.RadioSelect)
    presence = forms.ChoiceField(
        label="Présence",
        choices=c.Presence.choices,
        initial=c.Presence.PREVU,
        widget=forms.RadioSelect,
        help_text="Pour un rendez-vous déjà passé, sa présence peut être notée tout de suite.",
    )

    def arguments(self) -> dict[str, Any]:
        d = self.cleaned_data
        debut = datetime.datetime.combine(d["jour"], d["heure"], tzinfo=PARIS)
        return {"debut": debut, "mode": d["mode"], "presence": d["presence"]}


class PresenceForm(SuiviForm):
    presence = forms.ChoiceField(
        label="Présence", choices=[p for p in c.Presence.choices if p[0] != c.Presence.PREVU], widget=forms.RadioSelect
    )


class DiagnosticForm(SuiviForm):
    moment = forms.ChoiceField(label="Moment", choices=c.MomentDiagnostic.choices)
    date = forms.DateField(label="Date", widget=DateInput(), initial=aujourdhui)
    freins = forms.MultipleChoiceField(
        label="Freins relevés", required=False, choices=c.Frein.choices, widget=forms.CheckboxSelectMultiple
    )
    contrat = forms.ModelChoiceField(
        label="Contrat d'engagement concerné",
        required=False,
        queryset=ContratEngagement.objects.none(),
        empty_label="Aucun",
    )

    def __init__(self, *args: Any, orientation: Orientation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["contrat"].queryset = orientation.contrats.all()


class ContratForm(SuiviForm):
    date_signature = forms.DateField(label="Signé le", widget=DateInput(), initial=aujourdhui)
    date_debut = forms.DateField(label="Début", widget=DateInput(), initial=aujourdhui)
    heures_hebdo_prevues = forms.DecimalField(
        label="Heures d'activité par semaine (SIA)", max_digits=4, decimal_places=1, min_value=0, required=False
    )
    observations = forms.CharField(
        label="Lien entre le diagnostic et les actions",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Remarque courte, sans donnée de santé.",
    )

    def __init__(self, *args: Any, regle: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if regle is not None and regle.heures_hebdo_min is not None:
            bornes = (
                f"entre {regle.heures_hebdo_min} et {regle.heures_hebdo_max} h"
                if regle.heures_hebdo_max
                else (f"au moins {regle.heures_hebdo_min} h")
            )
            self.fields["heures_hebdo_prevues"].help_text = f"La fiche du dispositif prévoit {bornes} par semaine."


class ActionForm(forms.Form):
    libelle = forms.CharField(label="Action", max_length=255)
    #: Valeur initiale : une ligne laissée vide (catégorie par défaut) reste « inchangée », donc ignorée.
    categorie = forms.ChoiceField(
        label="Catégorie", choices=c.CategorieAction.choices, initial=c.CategorieAction.SOCIALE
    )
    date_debut = forms.DateField(label="Début", widget=DateInput())
    date_fin = forms.DateField(label="Fin", widget=DateInput())
    detail = forms.CharField(label="Détail", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    dispositif_departemental = forms.BooleanField(label="Dispositif départemental (Néoinsertion)", required=False)


class BaseActionFormSet(forms.BaseFormSet):
    default_error_messages = {"too_few_forms": "Saisissez au moins une action.", "too_many_forms": "Trop d'actions."}

    def resume_des_erreurs(self) -> list[str]:
        """Erreurs du formset, à reprendre dans le récapitulatif en tête du formulaire."""
        erreurs = [str(e) for e in self.non_form_errors()]
        erreurs += [
            f"Action {i} : vérifiez les champs signalés." for i, f in enumerate(self.forms, start=1) if f.errors
        ]
        return erreurs

    def actions(self) -> list[dict[str, Any]]:
        return [f.cleaned_data for f in self.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")]


def action_formset(minimum: int) -> type[forms.BaseFormSet]:
    """Formset des actions : autant de lignes vides que le minimum de la fiche (3 par défaut à l'affichage)."""
    return forms.formset_factory(
        ActionForm, formset=BaseActionFormSet, extra=max(minimum - 1, 0), min_num=1, validate_min=True, max_num=30
    )


class HeuresForm(SuiviForm):
    semaine = forms.DateField(
        label="Semaine du", widget=DateInput(), help_text="Le lundi de la semaine (un autre jour est ramené au lundi)."
    )
    heures = forms.DecimalField(label="Heures d'activité", max_digits=4, decimal_places=1, min_value=0, max_value=80)

    def clean_semaine(self) -> datetime.date:
        jour = self.cleaned_data["semaine"]
        return jour - datetime.timedelta(days=jour.weekday())


class RevueSlaiForm(SuiviForm):
    date = forms.DateField(label="Revue SLAI le", widget=DateInput(), initial=aujourdhui)


class ClotureForm(SuiviForm):
    date_cloture = forms.DateField(label="Clos le", widget=DateInput(), initial=aujourdhui)
    rompu = forms.BooleanField(label="Contrat rompu avant son terme", required=False)


class SuspensionForm(SuiviForm):
    date_demande = forms.DateField(label="Demandée le", widget=DateInput(), initial=aujourdhui)
    motif = forms.CharField(label="Motif", max_length=255)
    rendez_vous = forms.ModelChoiceField(
        label="Rendez-vous manqué (absence injustifiée)",
        required=False,
        queryset=RendezVous.objects.none(),
        empty_label="Aucun",
    )

    def __init__(self, *args: Any, orientation: Orientation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["rendez_vous"].queryset = orientation.rendez_vous.filter(
            presence=c.Presence.ABSENCE_INJUSTIFIEE, demande_suspension__isnull=True
        )


class DecisionForm(SuiviForm):
    acceptee = forms.ChoiceField(label="Décision", choices=DECISION, widget=forms.RadioSelect)
    date = forms.DateField(label="Décidée le", widget=DateInput(), initial=aujourdhui)

    def arguments(self) -> dict[str, Any]:
        return {"acceptee": self.cleaned_data["acceptee"] == "oui", "date": self.cleaned_data["date"]}


class ReorientationForm(SuiviForm):
    sphere = forms.ChoiceField(label="Orientation demandée", choices=c.Sphere.choices)
    argumentaire = forms.CharField(label="Argumentaire", widget=forms.Textarea(attrs={"rows": 4}))
    date_demande = forms.DateField(label="Demandée le", widget=DateInput(), initial=aujourdhui)


class NouvelleOrientationMixin(ChoixParcoursMixin):
    """Structure, dispositif et parcours d'une orientation décidée (réorientation, fin de la phase DSP)."""

    def _init_orientation(self, requis: bool) -> None:
        self.fields["structure"].queryset = Structure.objects.order_by("raison_sociale")
        self.fields["structure"].required = requis
        self._init_parcours(dispositif_requis=requis)


class DecisionReorientationForm(NouvelleOrientationMixin, DecisionForm):
    structure = forms.ModelChoiceField(
        label="Nouvelle structure", queryset=Structure.objects.none(), required=False, empty_label="— Aucune —"
    )
    dispositif = forms.ModelChoiceField(
        label="Nouveau dispositif", queryset=Dispositif.objects.none(), required=False, empty_label="— Aucun —"
    )
    parcours = forms.ChoiceField(label="Nouveau parcours", required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._init_orientation(requis=False)
        self.fields["structure"].help_text = "Si la demande est acceptée vers une structure du catalogue."

    def clean(self) -> dict:
        donnees = super().clean()
        self._verifier_parcours(donnees)
        return donnees

    def arguments(self) -> dict[str, Any]:
        d = self.cleaned_data
        return super().arguments() | {
            "structure": d.get("structure"),
            "dispositif": d.get("dispositif"),
            "parcours": d.get("parcours") or None,
        }


class DspForm(SuiviForm):
    date_dsp = forms.DateField(label="DSP réalisée le", widget=DateInput(), initial=aujourdhui)
    sphere_preconisee = forms.ChoiceField(label="Orientation préconisée", choices=c.Sphere.choices)
    preconisee_le = forms.DateField(label="Préconisation transmise le", widget=DateInput(), initial=aujourdhui)


class DecisionDspForm(NouvelleOrientationMixin, SuiviForm):
    structure = forms.ModelChoiceField(label="Structure", queryset=Structure.objects.none())
    dispositif = forms.ModelChoiceField(label="Dispositif", queryset=Dispositif.objects.none())
    parcours = forms.ChoiceField(label="Parcours")
    date = forms.DateField(label="Décidée le", widget=DateInput(), initial=aujourdhui)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._init_orientation(requis=True)

    def clean(self) -> dict:
        donnees = super().clean()
        self._verifier_parcours(donnees)
        return donnees


def choix_sorties() -> list:
    """Types de sortie groupés par famille (<optgroup>), dans l'ordre des familles ; sans la réorientation, qui
    ne vient que d'une décision du Département sur une demande (`decider_reorientation`)."""
    groupes = []
    for famille, libelle in c.FamilleSortie.choices:
        if famille == c.FamilleSortie.REORIENTATION:
            continue
        types = [(t, lib) for t, lib in c.TypeSortie.choices if c.FAMILLE_DE_SORTIE[t] == famille]
        groupes.append((libelle, types))
    return [("", "— Choisir le type de sortie —"), *groupes]


class SortieForm(SuiviForm):
    date_sortie = forms.DateField(label="Date de sortie", widget=DateInput(), initial=aujourdhui)
    type = forms.ChoiceField(label="Type de sortie", choices=choix_sorties)


class JustificatifForm(SuiviForm):
    nature = forms.ChoiceField(label="Justificatif", choices=c.NatureJustificatif.choices)
    verifie_le = forms.DateField(label="Vérifié le", widget=DateInput(), initial=aujourdhui)
