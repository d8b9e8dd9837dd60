"""Formulaires du circuit : contrôle de complétude et compléments (DPID), redépôt et retrait (structure)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms


class ControleCompletudeForm(forms.Form):
    """`detectes` : les points relevés par le logiciel, proposés cochés ; l'agent confirme ou complète."""

    complete = forms.TypedChoiceField(
        label="Le dossier est-il complet ?",
        choices=[("oui", "Complet : l'instruction peut se poursuivre"), ("non", "Incomplet : il manque des éléments")],
        coerce=lambda v: v == "oui",
        widget=forms.RadioSelect,
    )
    manques = forms.MultipleChoiceField(
        label="Points manquants relevés par le logiciel",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Décochez ce qui n'est pas à réclamer.",
    )
    autres = forms.CharField(
        label="Autres points manquants",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Un point par ligne (pièce justificative, précision sur le public, convention de partenariat…).",
    )
    commentaire = forms.CharField(label="Commentaire", required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, detectes: Sequence[str] = (), **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"complete": "non" if detectes else "oui", "manques": list(detectes)})
        super().__init__(*args, **kwargs)
        self.fields["manques"].choices = [(m, m) for m in detectes]
        if not detectes:
            del self.fields["manques"]

    def liste_manques(self) -> list[str]:
        coches = self.cleaned_data.get("manques") or []
        autres = [ligne.strip(" -•\t") for ligne in self.cleaned_data.get("autres", "").splitlines()]
        return [*coches, *(a for a in autres if a)]

    def clean(self) -> dict[str, Any]:
        donnees = super().clean()
        if (
            donnees.get("complete") is False
            and not self.liste_manques()
            and not donnees.get("commentaire", "").strip()
        ):
            self.add_error("autres", "Indiquez au moins un point manquant ou un commentaire.")
        return donnees


class DemandeComplementsForm(forms.Form):
    motif = forms.CharField(
        label="Compléments attendus",
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="Ce texte est envoyé aux membres de la structure et affiché sur la page de la demande.",
    )
    echeance = forms.DateField(
        label="À fournir avant le (facultatif)",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text="Au format jj/mm/aaaa si votre navigateur ne propose pas de calendrier.",
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
    )


class RedepotForm(forms.Form):
    reponse = forms.CharField(
        label="Votre réponse au Département",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="En quelques mots : ce que vous avez complété ou corrigé dans le dossier et le plan de financement.",
    )


class RetraitForm(forms.Form):
    motif = forms.CharField(
        label="Motif du retrait",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Transmis à l'instructeur de la demande et conservé dans son historique.",
    )
    confirmation = forms.BooleanField(
        label="Je confirme retirer cette demande : elle ne pourra plus être instruite ni financée.",
    )
