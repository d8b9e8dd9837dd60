"""Formulaires des documents des conventions : téléversement d'un modèle Word, export SCDL."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils import timezone

from aap.catalogue.models import Edition
from aap.conventions.models import TypeModele
from aap.core.templatetags.aap_ui import euros


TAILLE_MAX = 10 * 1024 * 1024


class ModeleForm(forms.Form):
    type = forms.ChoiceField(label="Type de document", choices=TypeModele.choices)
    fichier = forms.FileField(
        label="Modèle Word (.docx)",
        help_text="Document Word dont les champs de fusion sont ceux du tableau ci-dessous ; 10 Mo au plus.",
        widget=forms.ClearableFileInput(
            attrs={"accept": ".docx,application/vnd.openxmlformats-officedocument.wordprocessingml.document"}
        ),
    )

    def clean_fichier(self):
        fichier = self.cleaned_data["fichier"]
        if not fichier.name.lower().endswith(".docx"):
            raise forms.ValidationError("Le modèle doit être un document Word au format .docx.")
        if fichier.size > TAILLE_MAX:
            raise forms.ValidationError("Le modèle dépasse 10 Mo.")
        return fichier


class ExportScdlForm(forms.Form):
    annee = forms.IntegerField(
        label="Année de signature",
        min_value=2000,
        max_value=2100,
        help_text="Conventions signées par le Département pendant cette année civile.",
    )
    tous = forms.BooleanField(
        label="Inclure les conventions sous le seuil de publication",
        required=False,
        help_text="Par défaut, seules les conventions soumises à publication (au-delà du seuil) sont exportées.",
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["annee"].initial = timezone.localdate().year
        edition = Edition.objects.exclude(conventionnement={}).order_by("-annee").first()
        if edition is not None:
            seuil = euros(Decimal(str(edition.conventionnement["seuil_publication"])))
            self.fields["tous"].label = f"Inclure les conventions de {seuil} ou moins"
