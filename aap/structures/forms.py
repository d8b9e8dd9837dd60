"""Formulaires du portail partenaires : ils contrôlent la saisie, les services appliquent les règles."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings

from aap.core.models import Territoire
from aap.structures import validators as v
from aap.structures.fichiers import ACCEPT, LIBELLE_FORMATS, FichierRefuse, taille_lisible, verifier_fichier
from aap.structures.models import (
    Civilite,
    DemandeCompte,
    FormeJuridique,
    RoleMembre,
    StatutDemandeCompte,
    Structure,
    TypeDocument,
)
from aap.structures.pieces import TYPES_AVEC_ECHEANCE
from aap.structures.services import MESSAGE_DEMANDE_EN_COURS


OUI_NON = [(True, "Oui"), (False, "Non")]
SIEGE_CHOICES = [(True, "Siège social"), (False, "Établissement secondaire (antenne) dans le Pas-de-Calais")]


def _bool(value: Any) -> bool:
    return value in (True, "True", "true", "1", "on")


def _choix_sans_tirets(form: forms.ModelForm) -> None:
    """Pas de « --------- » : une invite lisible pour la liste, aucune case vide pour les boutons radio."""
    form.fields["forme_juridique"].choices = [("", "— Choisir —"), *FormeJuridique.choices]
    form.fields["representant_civilite"].choices = Civilite.choices


class SiretField(forms.CharField):
    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 20)
        kwargs.setdefault(
            "help_text", "14 chiffres, figurant sur votre avis de situation INSEE (les espaces sont acceptés)."
        )
        super().__init__(**kwargs)
        self.widget.attrs.update({"inputmode": "numeric", "autocomplete": "off", "spellcheck": "false"})

    def clean(self, value: Any) -> str:
        value = v.compacter(super().clean(value))
        if value:
            v.valider_siret(value)
        return value


class CodePostal62Field(forms.CharField):
    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 6)
        kwargs.setdefault("help_text", "Le siège ou l'établissement doit être situé dans le Pas-de-Calais (62xxx).")
        super().__init__(**kwargs)
        self.widget.attrs.update({"inputmode": "numeric", "autocomplete": "postal-code"})

    def clean(self, value: Any) -> str:
        value = v.compacter(super().clean(value))
        if value:
            v.valider_code_postal_62(value)
        return value


class DemandeCompteForm(forms.ModelForm):
    """Formulaire public de demande d'ouverture de compte."""

    siret = SiretField(label="SIRET de la structure")
    code_postal = CodePostal62Field(label="Code postal")
    est_siege = forms.TypedChoiceField(
        label="Cette adresse est celle du…",
        choices=SIEGE_CHOICES,
        coerce=_bool,
        widget=forms.RadioSelect,
        initial=True,
    )
    demandeur_est_representant = forms.TypedChoiceField(
        label="Êtes-vous le représentant légal de la structure ?",
        choices=OUI_NON,
        coerce=_bool,
        widget=forms.RadioSelect,
        initial=True,
    )

    sections = [
        ("La structure", ["siret", "raison_sociale", "forme_juridique"]),
        ("Adresse dans le Pas-de-Calais", ["adresse", "code_postal", "commune", "est_siege"]),
        (
            "Représentant légal",
            ["representant_civilite", "representant_prenom", "representant_nom", "representant_fonction"],
        ),
        (
            "Vous, le demandeur",
            ["demandeur_prenom", "demandeur_nom", "email", "demandeur_est_representant", "telephone", "message"],
        ),
    ]

    class Meta:
        model = DemandeCompte
        fields = [
            "siret", "raison_sociale", "forme_juridique", "adresse", "code_postal", "commune", "est_siege",
            "representant_civilite", "representant_prenom", "representant_nom", "representant_fonction",
            "demandeur_prenom", "demandeur_nom", "email", "demandeur_est_representant", "telephone", "message",
        ]  # fmt: skip
        labels = {
            "adresse": "Numéro et voie",
            "representant_civilite": "Civilité",
            "representant_prenom": "Prénom",
            "representant_nom": "Nom",
            "representant_fonction": "Fonction (président·e, directeur·rice…)",
            "demandeur_prenom": "Votre prénom",
            "demandeur_nom": "Votre nom",
            "email": "Votre adresse électronique",
            "telephone": "Téléphone",
            "message": "Message au Département (facultatif)",
        }
        help_texts = {
            "email": "Elle servira d'identifiant de connexion ; l'accusé de réception et la réponse y seront envoyés.",
        }
        widgets = {
            "representant_civilite": forms.RadioSelect,
            "message": forms.Textarea(attrs={"rows": 4}),
            "email": forms.EmailInput(attrs={"autocomplete": "email"}),
            "telephone": forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
            "demandeur_prenom": forms.TextInput(attrs={"autocomplete": "given-name"}),
            "demandeur_nom": forms.TextInput(attrs={"autocomplete": "family-name"}),
            "adresse": forms.TextInput(attrs={"autocomplete": "street-address"}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choix_sans_tirets(self)
        self.fields["telephone"].validators.append(v.valider_telephone)

    def clean_siret(self) -> str:
        siret = self.cleaned_data["siret"]
        if DemandeCompte.objects.en_attente().filter(siret=siret).exists():
            raise forms.ValidationError(MESSAGE_DEMANDE_EN_COURS, code="demande_en_cours")
        return siret

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("demandeur_est_representant") and data.get("demandeur_nom") and data.get("representant_nom"):
            if data["demandeur_nom"].strip().casefold() != data["representant_nom"].strip().casefold():
                self.add_error(
                    "demandeur_est_representant",
                    "Vous indiquez être le représentant légal, mais votre nom diffère de celui du représentant "
                    "légal saisi plus haut : corrigez l'un des deux ou répondez « Non ».",
                )
        return data

    def section_fields(self) -> list[tuple[str, list[forms.BoundField]]]:
        return [(titre, [self[name] for name in noms]) for titre, noms in self.sections]


class StructureForm(forms.ModelForm):
    """Identité, adresse, territoire MDS, représentant légal et coordonnées bancaires."""

    code_postal = CodePostal62Field(label="Code postal")
    est_siege = forms.TypedChoiceField(
        label="Cette adresse est celle du…", choices=SIEGE_CHOICES, coerce=_bool, widget=forms.RadioSelect
    )
    territoire = forms.ModelChoiceField(
        label="Territoire MDS",
        queryset=Territoire.objects.filter(est_departement=False),
        empty_label="— Choisir —",
        help_text="Le territoire de la Maison du Département Solidarité où la structure agit principalement.",
    )
    iban = forms.CharField(
        label="IBAN",
        required=False,
        max_length=42,
        help_text="Recopiez-le depuis votre RIB (les espaces sont acceptés).",
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    site_web = forms.URLField(label="Site web", required=False, assume_scheme="https")
    bic = forms.CharField(
        label="BIC", required=False, max_length=14, widget=forms.TextInput(attrs={"spellcheck": "false"})
    )

    sections = [
        ("Identité", ["raison_sociale", "sigle", "forme_juridique", "rna", "soumise_cac"]),
        ("Adresse et territoire", ["adresse", "code_postal", "commune", "est_siege", "territoire"]),
        ("Contact", ["email", "telephone", "site_web"]),
        (
            "Représentant légal",
            ["representant_civilite", "representant_prenom", "representant_nom", "representant_fonction"],
        ),
        ("Coordonnées bancaires", ["iban", "bic"]),
    ]

    class Meta:
        model = Structure
        fields = [
            "raison_sociale", "sigle", "forme_juridique", "rna", "soumise_cac", "adresse", "code_postal", "commune",
            "est_siege", "territoire", "email", "telephone", "site_web", "representant_civilite",
            "representant_prenom", "representant_nom", "representant_fonction", "iban", "bic",
        ]  # fmt: skip
        labels = {
            "adresse": "Numéro et voie",
            "representant_civilite": "Civilité",
            "representant_prenom": "Prénom",
            "representant_nom": "Nom",
            "representant_fonction": "Fonction",
        }
        widgets = {
            "representant_civilite": forms.RadioSelect,
            "telephone": forms.TextInput(attrs={"type": "tel"}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choix_sans_tirets(self)
        self.fields["telephone"].validators.append(v.valider_telephone)
        self.fields["rna"].validators.append(v.valider_rna)
        iban_actuel = self.instance.iban if self.instance and self.instance.pk else ""
        self.initial["iban"] = ""  # jamais réaffiché en clair
        if iban_actuel:
            self.fields["iban"].help_text = (
                f"IBAN enregistré se terminant par {iban_actuel[-4:]}. Laissez vide pour le conserver, ou saisissez "
                "le nouvel IBAN en entier."
            )

    def clean_rna(self) -> str:
        return v.compacter(self.cleaned_data["rna"]).upper()

    def clean_iban(self) -> str:
        saisi = v.normaliser_iban(self.cleaned_data["iban"])
        if not saisi:
            return self.instance.iban if self.instance else ""
        v.valider_iban(saisi)
        return saisi

    def clean_bic(self) -> str:
        bic = v.normaliser_bic(self.cleaned_data["bic"])
        if bic:
            v.valider_bic(bic)
        return bic

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("iban") and not data.get("bic"):
            self.add_error("bic", "Indiquez le BIC qui accompagne l'IBAN sur votre RIB.")
        return data

    def section_fields(self) -> list[tuple[str, list[forms.BoundField]]]:
        return [(titre, [self[name] for name in noms]) for titre, noms in self.sections]


class AjoutMembreForm(forms.Form):
    email = forms.EmailField(label="Adresse électronique", widget=forms.EmailInput(attrs={"autocomplete": "off"}))
    prenom = forms.CharField(label="Prénom", max_length=120)
    nom = forms.CharField(label="Nom", max_length=120)
    role = forms.ChoiceField(
        label="Rôle",
        choices=[
            (RoleMembre.GESTIONNAIRE, RoleMembre.GESTIONNAIRE.label),
            (RoleMembre.LECTEUR, RoleMembre.LECTEUR.label),
        ],
        widget=forms.RadioSelect,
        initial=RoleMembre.GESTIONNAIRE,
        help_text="Un gestionnaire modifie le profil, les pièces et les demandes ; un lecteur les consulte.",
    )


class RoleMembreForm(forms.Form):
    role = forms.ChoiceField(label="Nouveau rôle", choices=RoleMembre.choices)


class PieceForm(forms.Form):
    type_piece = forms.ChoiceField(label="Type de pièce", choices=TypeDocument.choices)
    fichier = forms.FileField(
        label="Fichier",
        help_text=f"Formats acceptés : {LIBELLE_FORMATS}.",
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
    )
    valide_du = forms.DateField(
        label="Valable à partir du", required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    valide_jusquau = forms.DateField(
        label="Valable jusqu'au",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text="Obligatoire pour l'attestation d'assurance (fin de la période couverte) ; laissez vide si la pièce "
        "n'expire pas (statuts).",
    )

    def __init__(self, *args: Any, type_fixe: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields[
            "fichier"
        ].help_text = (
            f"Formats acceptés : {LIBELLE_FORMATS}. Taille maximale : {taille_lisible(settings.UPLOAD_MAX_BYTES)}."
        )
        if type_fixe:
            self.fields["type_piece"].initial = type_fixe
            self.fields["type_piece"].disabled = True

    def clean_fichier(self) -> Any:
        fichier = self.cleaned_data["fichier"]
        try:
            verifier_fichier(fichier, fichier.name, fichier.size)
        except FichierRefuse as exc:
            raise forms.ValidationError(exc.messages) from exc
        return fichier

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        du, au = data.get("valide_du"), data.get("valide_jusquau")
        if du and au and au < du:
            self.add_error("valide_jusquau", "La date de fin de validité précède la date de début.")
        if data.get("type_piece") in TYPES_AVEC_ECHEANCE and not au and "valide_jusquau" not in self.errors:
            self.add_error("valide_jusquau", "Indiquez la date de fin de la période couverte par l'attestation.")
        return data


class RefusForm(forms.Form):
    motif = forms.CharField(
        label="Motif du refus",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Il est envoyé tel quel au demandeur : soyez précis et courtois.",
    )


class LabelForm(forms.Form):
    label_referent_62 = forms.BooleanField(label="Structure labellisée Référent 62 (ou en moratoire)", required=False)


class FiltreDemandesCompteForm(forms.Form):
    statut = forms.ChoiceField(
        label="Statut", required=False, choices=[("", "Tous les statuts"), *StatutDemandeCompte.choices]
    )
    q = forms.CharField(label="Raison sociale, SIRET ou demandeur", required=False)
    rattachement = forms.BooleanField(label="Structures déjà inscrites seulement", required=False)


class FiltreStructuresForm(forms.Form):
    q = forms.CharField(label="Nom ou SIRET", required=False, widget=forms.TextInput(attrs={"type": "search"}))
    territoire = forms.ModelChoiceField(
        label="Territoire MDS", required=False, queryset=Territoire.objects.filter(est_departement=False),
        empty_label="Tous les territoires",
    )  # fmt: skip
    forme_juridique = forms.ChoiceField(
        label="Forme juridique", required=False, choices=[("", "Toutes les formes"), *FormeJuridique.choices]
    )

    def __init__(self, *args: Any, territoires: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if territoires is not None:
            self.fields["territoire"].queryset = territoires
