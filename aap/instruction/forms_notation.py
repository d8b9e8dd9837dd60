"""Formulaire de la grille de notation : par critère, une note du barème (boutons radio) et un commentaire."""

from __future__ import annotations

from typing import Any

from django import forms

from aap.instruction.notation import GrilleDemande, erreurs_notes


class NotationForm(forms.Form):
    """Un couple de champs `note_<code>` / `commentaire_<code>` par critère de la grille de la demande."""

    def __init__(self, *args: Any, grille: GrilleDemande, notes: dict[str, tuple[int, str]] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.grille = grille
        bareme = grille.bareme
        choix = [(n.note, f"{n.note} – {n.libelle}") for n in bareme.niveaux]
        notes_motivees = [str(n) for n in bareme.commentaire_obligatoire_pour]
        obligatoires = " et ".join(
            [", ".join(notes_motivees[:-1]), notes_motivees[-1]] if len(notes_motivees) > 1 else notes_motivees
        )
        for critere in grille.criteres:
            note, commentaire = (notes or {}).get(critere.code, (None, ""))
            self.fields[f"note_{critere.code}"] = forms.TypedChoiceField(
                label=f"Note : {critere.intitule}",
                choices=choix,
                coerce=int,
                widget=forms.RadioSelect,
                initial=note,
                error_messages={"required": "Choisissez une note pour ce critère."},
            )
            self.fields[f"commentaire_{critere.code}"] = forms.CharField(
                label=f"Commentaire : {critere.intitule}",
                required=False,
                initial=commentaire,
                widget=forms.Textarea(attrs={"rows": 2}),
                help_text=f"Obligatoire pour les notes {obligatoires}." if obligatoires else "",
            )

    def paires(self) -> list[tuple[Any, forms.BoundField, forms.BoundField]]:
        """(critère, champ de note, champ de commentaire) dans l'ordre de la grille, pour le gabarit."""
        return [(c, self[f"note_{c.code}"], self[f"commentaire_{c.code}"]) for c in self.grille.criteres]

    def notes(self) -> dict[str, tuple[int, str]]:
        return {
            c.code: (self.cleaned_data[f"note_{c.code}"], self.cleaned_data.get(f"commentaire_{c.code}", ""))
            for c in self.grille.criteres
            if self.cleaned_data.get(f"note_{c.code}") is not None
        }

    def clean(self) -> dict[str, Any]:
        donnees = super().clean()
        for code, message in erreurs_notes(self.notes(), self.grille).items():
            if not code:
                self.add_error(None, message)
            elif f"note_{code}" not in self.errors:  # note absente : l'erreur est déjà sur la note
                self.add_error(f"commentaire_{code}", message)
        return donnees
