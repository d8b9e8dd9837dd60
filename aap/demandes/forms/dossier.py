"""Création d'une demande, dossier (sections rédigées, moyens, territoires) et attestation de validation."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.validators import MinValueValidator
from django.db.models import QuerySet
from django.forms.models import fields_for_model

from aap.catalogue.schema import Fiche
from aap.core.models import Territoire
from aap.demandes.choix import PrioriteTransversale
from aap.demandes.models import Demande
from aap.structures.models import Structure


class TerritoiresField(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, obj: Territoire) -> str:
        return f"{obj.nom} (bassin minier)" if obj.bassin_minier else obj.nom


class NouvelleDemandeForm(forms.Form):
    structure = forms.ModelChoiceField(
        label="Structure porteuse", queryset=Structure.objects.none(), empty_label="Choisissez une structure"
    )
    intitule = forms.CharField(label="Intitulé de l'opération", max_length=255)
    territoires = TerritoiresField(
        label="Territoires concernés",
        queryset=Territoire.objects.none(),
        help_text="Un ou plusieurs territoires MDS du dispositif.",
    )

    def __init__(self, *args: Any, structures: QuerySet[Structure], territoires: QuerySet[Territoire], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["structure"].queryset = structures
        self.fields["territoires"].queryset = territoires
        if len(structures) == 1:
            self.fields["structure"].initial = structures[0]
            self.fields["structure"].empty_label = None


#: Sections du dossier : (identifiant d'ancre, titre, champs).
SECTIONS = [
    ("description", "Description de l'opération", ["intitule", "description", "date_debut", "date_fin"]),
    ("objectifs", "Objectifs et résultats attendus", ["objectifs", "resultats_attendus"]),
    (
        "moyens",
        "Moyens humains et matériels",
        ["moyens_humains", "moyens_materiels", "etp", "places", "dsp", "participants", "postes_insertion"],
    ),
    ("territoires", "Territoires concernés", ["territoires"]),
    ("partenariats", "Partenariats", ["partenariats"]),
    (
        "priorites",
        "Priorités transversales",
        ["priorites_transversales", "priorites_commentaire"],
    ),
    ("indicateurs", "Indicateurs supplémentaires", ["indicateurs_proposes"]),
]

COMPTEURS = ("etp", "places", "dsp", "participants", "postes_insertion")
#: Libellés des champs qui diffèrent du titre de leur section (pas deux fois le même intitulé).
LIBELLES = {
    "partenariats": "Partenaires mobilisés et rôle de chacun",
    "indicateurs_proposes": "Indicateurs proposés par la structure",
    "priorites_commentaire": "Comment l'opération les prend en compte",
    "moyens_humains": "Moyens humains",
    "moyens_materiels": "Moyens matériels",
}

AIDES = {
    "description": "Public visé, contenu de l'accompagnement, déroulement, outils pédagogiques.",
    "objectifs": "Ce que l'opération cherche à atteindre pour les participants.",
    "resultats_attendus": "Résultats quantitatifs et qualitatifs, nature des sorties visées.",
    "moyens_humains": "Postes, profils, qualifications, encadrement.",
    "moyens_materiels": "Locaux (accessibilité, transports), équipements, outils de suivi.",
    "partenariats": "SLAI, MDS, France Travail, Mission Locale, entreprises, autres structures…",
    "priorites_commentaire": "Actions concrètes pour chacune des priorités cochées.",
    "indicateurs_proposes": "Indicateurs que la structure propose en plus de ceux de la fiche.",
    "etp": "Équivalents temps plein affectés à l'opération.",
}


class DossierForm(forms.Form):
    """Champs du dossier ; seuls les compteurs que la fiche demande sont proposés."""

    def __init__(self, *args: Any, fiche: Fiche, territoires: QuerySet[Territoire], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        champs = [c for _, _, noms in SECTIONS for c in noms if c not in ("territoires", "priorites_transversales")]
        compteurs = {str(c) for c in fiche.compteurs}
        champs = [c for c in champs if c not in COMPTEURS or c in compteurs]
        for nom, champ in fields_for_model(Demande, fields=champs).items():
            champ.required = False
            if nom in AIDES:
                champ.help_text = AIDES[nom]
            if nom in LIBELLES:
                champ.label = LIBELLES[nom]
            self.fields[nom] = champ
        self.fields["intitule"].required = True
        for nom in ("date_debut", "date_fin"):
            self.fields[nom].widget = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
        if "etp" in self.fields:
            self.fields["etp"].validators.append(MinValueValidator(0))
            self.fields["etp"].widget.attrs.update(min="0", step="0.01")
        self.fields["territoires"] = TerritoiresField(
            label="Territoires concernés", queryset=territoires, required=False
        )
        self.fields["priorites_transversales"] = forms.MultipleChoiceField(
            label="Priorités transversales prises en compte",
            choices=PrioriteTransversale.choices,
            widget=forms.CheckboxSelectMultiple,
            required=False,
        )
        self.order_fields([c for _, _, noms in SECTIONS for c in noms])

    def sections(self) -> list[tuple[str, str, list[forms.BoundField]]]:
        return [(ancre, titre, [self[c] for c in noms if c in self.fields]) for ancre, titre, noms in SECTIONS]

    def clean(self) -> dict[str, Any]:
        donnees = super().clean()
        debut, fin = donnees.get("date_debut"), donnees.get("date_fin")
        if debut and fin and fin < debut:
            self.add_error("date_fin", "La date de fin précède la date de début.")
        return donnees

    def donnees(self) -> dict[str, Any]:
        """Valeurs pour `services.mettre_a_jour` (sans les territoires, passés à part)."""
        valeurs = {k: v for k, v in self.cleaned_data.items() if k != "territoires"}
        for nom, valeur in list(valeurs.items()):
            if valeur is None and isinstance(self.fields[nom], forms.CharField):
                valeurs[nom] = ""
        return valeurs

    def desactiver(self) -> None:
        for champ in self.fields.values():
            champ.disabled = True


class AttestationForm(forms.Form):
    attestation_honneur = forms.BooleanField(
        label="J'atteste sur l'honneur l'exactitude des informations ci-dessus et je valide la demande.",
        required=True,
        error_messages={"required": "Cochez l'attestation sur l'honneur pour valider la demande."},
    )
