"""Formulaire de la page d'import d'un tableau de propositions : fichier (taille, type réel, en-tête lu),
édition du catalogue, date facultative de la séance de la CP."""

from __future__ import annotations

import tempfile
from pathlib import Path, PurePath

from django import forms
from django.conf import settings

from aap.catalogue.models import Edition
from aap.instruction.forms_propositions import DateInput
from aap.instruction.importation.lecture import COLONNES, FichierIllisible, Tableau, lire_tableau
from aap.instruction.importation.service import ImportImpossible, edition_cible, seance_existante
from aap.structures.fichiers import XLSX, FichierRefuse, detecter_format, taille_lisible


EXTENSIONS = ("csv", "xlsx")


def verifier_tableau(fichier, nom: str, taille: int) -> str:  # noqa: ANN001 - UploadedFile
    """Taille, extension, contenu reconnu (classeur XLSX sans macros, ou texte CSV) ; rend l'extension."""
    maximum = settings.UPLOAD_MAX_BYTES
    if taille <= 0:
        raise FichierRefuse("Le fichier est vide.", code="vide")
    if taille > maximum:
        raise FichierRefuse(
            "Le fichier pèse %(taille)s : la taille maximale est de %(max)s.",
            code="taille",
            params={"taille": taille_lisible(taille), "max": taille_lisible(maximum)},
        )
    extension = PurePath(nom).suffix.lower().lstrip(".")
    if extension not in EXTENSIONS:
        raise FichierRefuse(
            "Les fichiers « .%(ext)s » ne sont pas acceptés : déposez un tableau CSV ou XLSX.",
            code="extension",
            params={"ext": extension or "sans extension"},
        )
    detecte = detecter_format(fichier)  # refuse exécutables et scripts
    fichier.seek(0)
    tete = fichier.read(8192)
    fichier.seek(0)
    if extension == "xlsx" and detecte is not XLSX:
        raise FichierRefuse(
            "Ce fichier n'est pas un classeur Excel XLSX (contenu non reconnu ou endommagé).", code="contenu"
        )
    if extension == "csv" and (detecte is not None or b"\x00" in tete):
        libelle = detecte.libelle if detecte else "fichier binaire"
        raise FichierRefuse(
            "Le nom du fichier se termine par « .csv » mais son contenu est un %(format)s : déposez le tableau "
            "enregistré au format CSV ou XLSX.",
            code="extension_incoherente",
            params={"format": libelle},
        )
    return extension


def lire_televersement(fichier, extension: str) -> Tableau:  # noqa: ANN001 - UploadedFile
    """Lit le tableau déposé (copie temporaire) : l'en-tête faux ou le fichier illisible est refusé ici."""
    with tempfile.TemporaryDirectory() as dossier:
        chemin = Path(dossier) / f"tableau.{extension}"
        with chemin.open("wb") as copie:
            for morceau in fichier.chunks():
                copie.write(morceau)
        fichier.seek(0)
        return lire_tableau(chemin)


class ImportPropositionsForm(forms.Form):
    fichier = forms.FileField(
        label="Tableau des propositions",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )
    annee = forms.TypedChoiceField(label="Édition du catalogue", coerce=int, choices=())
    cp = forms.DateField(
        label="Date de la séance de la Commission permanente (facultatif)",
        required=False,
        widget=DateInput(),
        help_text=(
            "Les propositions sont inscrites à la séance de cette date, créée si elle n'existe pas (phase "
            "«\u00a0Import\u00a0», en préparation). Une séance déjà votée ou d'une autre édition est refusée."
        ),
    )

    def __init__(self, *args, **kwargs) -> None:  # noqa: ANN002, ANN003
        super().__init__(*args, **kwargs)
        annees = list(Edition.objects.order_by("-annee").values_list("annee", flat=True))
        self.fields["fichier"].help_text = (
            "CSV (séparé par «\u00a0;\u00a0» ou «\u00a0,\u00a0») ou XLSX (première feuille), "
            f"{taille_lisible(settings.UPLOAD_MAX_BYTES)} au plus. Ligne 1 : l'en-tête, colonnes "
            f"{', '.join(COLONNES)}."
        )
        self.fields["annee"].choices = [(a, str(a)) for a in annees]
        self.fields["annee"].initial = annees[0] if annees else None
        self.tableau: Tableau | None = None
        self.extension = ""

    def clean_fichier(self):  # noqa: ANN201
        fichier = self.cleaned_data["fichier"]
        self.extension = verifier_tableau(fichier, fichier.name, fichier.size)
        try:
            self.tableau = lire_televersement(fichier, self.extension)
        except FichierIllisible as exc:
            raise forms.ValidationError(str(exc), code="illisible") from None
        if not self.tableau.lignes:
            raise forms.ValidationError("Le tableau n'a aucune ligne de données sous l'en-tête.", code="vide")
        return fichier

    def clean(self) -> dict:
        donnees = super().clean()
        annee, date_cp = donnees.get("annee"), donnees.get("cp")
        if annee is None:
            return donnees
        try:
            edition = edition_cible(annee)
            if date_cp is not None:
                seance_existante(date_cp, edition)
        except ImportImpossible as exc:
            self.add_error("cp" if date_cp else "annee", str(exc))
        return donnees

    @property
    def nom_fichier(self) -> str:
        return PurePath(self.cleaned_data["fichier"].name).name[:255]
