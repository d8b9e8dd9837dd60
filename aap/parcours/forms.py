"""Formulaires des pages des parcours : filtres de la liste, orientation, entrées et sorties du comité.

Les formulaires ne portent aucune règle métier : ils mettent en forme la saisie ; les services
(`aap.parcours.services`) vérifient et enregistrent, et leurs `ValidationError` reviennent en ligne.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet

from aap.catalogue.models import Dispositif
from aap.core.models import Role, Territoire, User
from aap.parcours import choices as c
from aap.parcours.models import Personne
from aap.structures.models import Structure


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


def dispositifs_a_parcours() -> QuerySet[Dispositif]:
    """Les dispositifs dont la fiche a une section `parcours:` (les plus récentes éditions d'abord)."""
    return (
        Dispositif.objects.filter(regles__has_key="parcours")
        .exclude(regles__parcours=[])
        .select_related("edition")
        .order_by("-edition__annee", "axe__numero", "ordre")
    )


def parcours_du_dispositif(dispositif: Dispositif | None) -> list[tuple[str, str]]:
    """Les (code, libellé) des parcours de la fiche du dispositif, lus dans le catalogue."""
    if dispositif is None:
        return []
    return [(p["code"], p["libelle"]) for p in (dispositif.regles or {}).get("parcours", [])]


def choix_parcours(dispositifs: QuerySet[Dispositif] | None = None) -> list:
    """Choix groupés par dispositif (<optgroup>) : code du parcours, libellé ; un code n'apparaît qu'une fois par
    groupe, et la cohérence avec le dispositif choisi est vérifiée par le formulaire."""
    groupes = []
    for d in dispositifs if dispositifs is not None else dispositifs_a_parcours():
        options = parcours_du_dispositif(d)
        if options:
            groupes.append((f"{d.code} {d.titre[:60]} ({d.edition.annee})", options))
    return groupes


def libelle_parcours(dispositif: Dispositif, code: str) -> str:
    return dict(parcours_du_dispositif(dispositif)).get(code, code)


class ChoixParcoursMixin:
    """Champs `dispositif` + `parcours` : le parcours doit être un code de la fiche du dispositif."""

    def _init_parcours(self, dispositif_requis: bool = True) -> None:
        self.fields["dispositif"].queryset = dispositifs_a_parcours()
        self.fields["dispositif"].required = dispositif_requis
        self.fields["parcours"].required = dispositif_requis
        dispositif = None
        if self.is_bound and self.data.get(self.add_prefix("dispositif")):
            try:
                dispositif = (
                    self.fields["dispositif"].queryset.filter(pk=int(self.data[self.add_prefix("dispositif")])).first()
                )
            except (TypeError, ValueError):
                dispositif = None
        vide = [("", "— Choisir un parcours —")]
        self.fields["parcours"].choices = vide + (
            parcours_du_dispositif(dispositif) if dispositif else choix_parcours(self.fields["dispositif"].queryset)
        )

    def _verifier_parcours(self, donnees: dict) -> None:
        dispositif, code = donnees.get("dispositif"), donnees.get("parcours")
        if dispositif and code and code not in dict(parcours_du_dispositif(dispositif)):
            self.add_error("parcours", f"Ce parcours n'existe pas dans la fiche du dispositif {dispositif.code}.")


class FiltrePersonnesForm(forms.Form):
    q = forms.CharField(
        label="Nom ou n° allocataire", required=False, max_length=60, widget=forms.TextInput(attrs={"type": "search"})
    )
    statut = forms.ChoiceField(
        label="Statut",
        required=False,
        choices=[("", "En cours et sortis"), ("en_cours", "En cours"), ("sortis", "Sortis")],
    )
    dispositif = forms.ModelChoiceField(
        label="Dispositif", required=False, queryset=Dispositif.objects.none(), empty_label="Tous les dispositifs"
    )
    parcours = forms.ChoiceField(label="Parcours", required=False)
    structure = forms.ModelChoiceField(
        label="Structure", required=False, queryset=Structure.objects.none(), empty_label="Toutes les structures"
    )

    def __init__(self, *args: Any, structures: QuerySet[Structure] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["dispositif"].queryset = dispositifs_a_parcours()
        self.fields["parcours"].choices = [("", "Tous les parcours"), *choix_parcours()]
        if structures is None:
            del self.fields["structure"]
        else:
            self.fields["structure"].queryset = structures

    @property
    def actifs(self) -> bool:
        return self.is_bound and any(self.data.get(nom) for nom in self.fields)


class OrienterForm(ChoixParcoursMixin, forms.Form):
    """Orientation décidée par le Département : une personne déjà connue (retrouvée par son numéro
    d'allocataire) ou une nouvelle personne, vers une structure, un dispositif et un parcours de sa fiche."""

    organisme = forms.ChoiceField(label="Organisme payeur", choices=c.Organisme.choices, initial=c.Organisme.CAF)
    numero_allocataire = forms.CharField(
        label="N° allocataire CAF/MSA",
        max_length=20,
        required=False,
        help_text="Si la personne est déjà connue, ce numéro suffit : son identité est reprise.",
    )
    nom = forms.CharField(label="Nom", max_length=120, required=False)
    prenom = forms.CharField(label="Prénom", max_length=120, required=False)
    date_naissance = forms.DateField(label="Date de naissance", required=False, widget=DateInput())
    categorie = forms.ChoiceField(
        label="Catégorie de public", required=False, choices=[("", "— Choisir —"), *c.CategoriePublic.choices]
    )
    territoire = forms.ModelChoiceField(
        label="Territoire", required=False, queryset=Territoire.objects.filter(est_departement=False)
    )
    structure = forms.ModelChoiceField(label="Structure d'accompagnement", queryset=Structure.objects.none())
    dispositif = forms.ModelChoiceField(label="Dispositif", queryset=Dispositif.objects.none())
    parcours = forms.ChoiceField(label="Parcours", help_text="Les parcours prévus par la fiche du dispositif.")
    date_orientation = forms.DateField(label="Date d'orientation", widget=DateInput())

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.personne: Personne | None = None
        self.fields["structure"].queryset = Structure.objects.order_by("raison_sociale")
        if user.role == Role.SLAI:  # un agent SLAI n'enregistre que des personnes de son territoire
            self.fields["territoire"].queryset = Territoire.objects.filter(pk=user.territoire_id)
            self.fields["territoire"].initial = user.territoire_id
        self._init_parcours()
        self.fields["dispositif"].widget.attrs.update(
            {"hx-target": "#id_parcours", "hx-select": "#id_parcours", "hx-swap": "outerHTML"}
        )

    def clean(self) -> dict:
        donnees = super().clean()
        self._verifier_parcours(donnees)
        numero = (donnees.get("numero_allocataire") or "").strip()
        if numero:
            self.personne = (
                Personne.objects.for_user(self.user)
                .filter(organisme=donnees.get("organisme"), numero_allocataire=numero)
                .first()
            )
        if self.personne is None:
            for champ in ("nom", "prenom", "categorie", "territoire"):
                if not donnees.get(champ):
                    self.add_error(champ, "Personne inconnue : ce champ est obligatoire pour la créer.")
        return donnees


class EntreesSortiesForm(forms.Form):
    """Liste des entrées et sorties à transmettre à la MDS : par défaut les 8 jours avant la date du comité."""

    structure = forms.ModelChoiceField(label="Structure", queryset=Structure.objects.none(), empty_label=None)
    date_comite = forms.DateField(
        label="Date du comité de pilotage",
        required=False,
        widget=DateInput(),
        help_text="Sans dates : jusqu'à l'envoi, 8 jours avant.",
    )
    debut = forms.DateField(label="Du", required=False, widget=DateInput())
    fin = forms.DateField(label="Au", required=False, widget=DateInput())
    dispositif = forms.ModelChoiceField(
        label="Dispositif", required=False, queryset=Dispositif.objects.none(), empty_label="Tous les dispositifs"
    )

    def __init__(self, *args: Any, structures: QuerySet[Structure], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["structure"].queryset = structures
        self.fields["dispositif"].queryset = dispositifs_a_parcours()

    def clean(self) -> dict:
        """Une période (du … au …) ou la date du comité ; la vue demande alors au domaine la période à couvrir
        (`comite.periode_avant_comite`)."""
        donnees = super().clean()
        debut, fin, comite = donnees.get("debut"), donnees.get("fin"), donnees.get("date_comite")
        if not comite and (not debut or not fin):
            raise forms.ValidationError("Indiquez une période (du … au …) ou la date du comité.")
        if debut and fin and fin < debut:
            self.add_error("fin", "La fin de la période précède son début.")
        return donnees
