"""Formulaire de la page d'import : nature (selon le rôle) et fichier CSV (taille, contenu texte, en-tête lu)."""

from __future__ import annotations

from pathlib import PurePath

from django import forms
from django.conf import settings

from aap.core.models import Role, User
from aap.parcours.imports.colonnes import EVENEMENTS, NATURES, OBLIGATOIRES, ORIENTATIONS, noms
from aap.parcours.imports.lecture import FichierIllisible, lire_csv
from aap.structures.fichiers import detecter_format, taille_lisible


def natures_permises(user: User) -> list[str]:
    if user.role == Role.REFERENT:
        return [EVENEMENTS]
    if user.role == Role.SLAI or user.est_dpid:
        return [ORIENTATIONS]
    return []


class ImportParcoursForm(forms.Form):
    nature = forms.ChoiceField(label="Contenu du fichier", widget=forms.RadioSelect)
    fichier = forms.FileField(label="Fichier CSV", widget=forms.ClearableFileInput(attrs={"accept": ".csv"}))

    def __init__(self, *args, user: User, **kwargs) -> None:  # noqa: ANN002, ANN003
        super().__init__(*args, **kwargs)
        permises = natures_permises(user)
        self.fields["nature"].choices = [(n, NATURES[n]) for n in permises]
        self.fields["nature"].initial = permises[0] if permises else None
        self.fields["fichier"].help_text = (
            "CSV séparé par «\u00a0;\u00a0» ou «\u00a0,\u00a0», en UTF-8 ou Windows-1252, "
            f"{taille_lisible(settings.UPLOAD_MAX_BYTES)} au plus ; ligne 1 : l'en-tête."
        )
        self.lignes = 0

    def clean(self) -> dict:
        donnees = super().clean()
        fichier, nature = donnees.get("fichier"), donnees.get("nature")
        if fichier is None or nature is None:
            return donnees
        if fichier.size > settings.UPLOAD_MAX_BYTES:
            self.add_error(
                "fichier",
                f"Le fichier pèse {taille_lisible(fichier.size)} : "
                f"{taille_lisible(settings.UPLOAD_MAX_BYTES)} au plus.",
            )
            return donnees
        if PurePath(fichier.name).suffix.lower() != ".csv" or detecter_format(fichier) is not None:
            self.add_error("fichier", "Déposez un fichier texte CSV (extension .csv).")
            return donnees
        fichier.seek(0)
        contenu = fichier.read()
        fichier.seek(0)
        try:
            lus = lire_csv(contenu, noms(nature), OBLIGATOIRES[nature])
        except FichierIllisible as exc:
            self.add_error("fichier", str(exc))
            return donnees
        if not lus.lignes:
            self.add_error("fichier", "Le fichier n'a aucune ligne sous l'en-tête.")
        self.lignes = len(lus.lignes)
        return donnees

    @property
    def nom_fichier(self) -> str:
        return PurePath(self.cleaned_data["fichier"].name).name[:255]
