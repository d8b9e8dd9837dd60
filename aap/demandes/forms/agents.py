"""Filtres de la liste des demandes côté agents (paramètres GET)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q

from aap.catalogue.models import Dispositif, Edition
from aap.core.models import Role, Territoire, User
from aap.demandes.choix import StatutDemande
from aap.demandes.models import Demande, DemandeQuerySet


#: Statuts d'une demande encore entre les mains de son instructeur (reçue, compléments, ajournée).
STATUTS_A_INSTRUIRE = (StatutDemande.VALIDEE, StatutDemande.COMPLEMENTS, StatutDemande.AJOURNEE)


def a_instruire_par(qs: DemandeQuerySet, instructeur: User | None) -> DemandeQuerySet:
    """Les demandes de `qs` affectées à `instructeur` et encore en instruction (aucune sans instructeur)."""
    if instructeur is None:
        return qs.none()
    return qs.filter(affectation__instructeur=instructeur, statut__in=STATUTS_A_INSTRUIRE)


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

    a_instruire = forms.BooleanField(
        label="Mes demandes à instruire",
        required=False,
        help_text="Celles qui me sont affectées, reçues et pas encore décidées par la Commission permanente "
        "(compléments attendus et ajournées comprises).",
    )

    def __init__(self, *args: Any, user: User | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        if user is not None and user.is_authenticated and user.role == Role.INSTRUCTEUR:
            nombre = a_instruire_par(Demande.objects.for_user(user), user).count()
            self.fields["a_instruire"].label = f"Mes demandes à instruire ({nombre})"
        else:
            del self.fields["a_instruire"]
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
        if donnees.get("a_instruire"):
            qs = a_instruire_par(qs, self.user)
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

    def a_instruire_actif(self) -> bool:
        return self.is_valid() and bool(self.cleaned_data.get("a_instruire"))

    def actifs(self) -> bool:
        return self.is_valid() and any(self.cleaned_data.values())
