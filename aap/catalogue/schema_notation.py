"""Grille de notation des demandes, donnée du catalogue : barème, critères préalables (non notés) et critères
notés de l'appel (`edition.yaml`, section `notation:`), plus les critères propres à une fiche (`criteres:`).

Les textes de l'appel ne donnent ni barème ni pondération : le barème est une donnée de l'édition et tous les
critères pèsent autant (voir les `choix:` de `edition.yaml`).
"""

from __future__ import annotations

from pydantic import Field, model_validator

from aap.catalogue.schema_base import Strict


CodeCritere = Field(pattern=r"^[a-z0-9_]+$", max_length=60)


class NiveauBareme(Strict):
    note: int = Field(ge=0, le=100)
    libelle: str = Field(min_length=1)


class Bareme(Strict):
    """Notes entières de `note_min` à `note_max`, chacune avec son libellé ; un commentaire est exigé pour les
    notes de `commentaire_obligatoire_pour`."""

    note_min: int = Field(ge=0)
    note_max: int = Field(le=100)
    niveaux: list[NiveauBareme]
    commentaire_obligatoire_pour: list[int] = []

    @model_validator(mode="after")
    def _coherence(self) -> Bareme:
        if self.note_max <= self.note_min:
            raise ValueError(f"note maximale ({self.note_max}) inférieure ou égale à la minimale ({self.note_min})")
        notes = [n.note for n in self.niveaux]
        attendues = list(range(self.note_min, self.note_max + 1))
        if notes != attendues:
            raise ValueError(
                f"les niveaux doivent donner chaque note de {self.note_min} à {self.note_max} dans l'ordre "
                f"(lus : {', '.join(map(str, notes))})"
            )
        hors = [n for n in self.commentaire_obligatoire_pour if n not in attendues]
        if hors:
            raise ValueError(f"commentaire obligatoire pour une note hors barème : {', '.join(map(str, hors))}")
        return self

    @property
    def etendue(self) -> int:
        return self.note_max - self.note_min

    @property
    def libelle_min(self) -> str:
        return self.libelle(self.note_min)

    @property
    def libelle_max(self) -> str:
        return self.libelle(self.note_max)

    def libelle(self, note: int) -> str:
        return next((n.libelle for n in self.niveaux if n.note == note), str(note))

    def commentaire_obligatoire(self, note: int) -> bool:
        return note in self.commentaire_obligatoire_pour


class CriterePrealable(Strict):
    """Condition commune de l'appel rappelée à l'évaluateur, sans note (besoins, offre existante, enveloppe…)."""

    code: str = CodeCritere
    libelle: str = Field(min_length=1)


class Critere(Strict):
    """Critère noté : code stable (clé des notes enregistrées), intitulé court et libellé officiel."""

    code: str = CodeCritere
    intitule: str = Field(min_length=1, max_length=80)
    libelle: str = Field(min_length=1)
    source: str = ""


def codes_en_double(codes: list[str]) -> list[str]:
    return sorted({c for c in codes if codes.count(c) > 1})


class GrilleNotation(Strict):
    bareme: Bareme
    prealables: list[CriterePrealable] = []
    criteres: list[Critere] = Field(min_length=1)

    @model_validator(mode="after")
    def _codes_uniques(self) -> GrilleNotation:
        doublons = codes_en_double([c.code for c in self.prealables] + [c.code for c in self.criteres])
        if doublons:
            raise ValueError(f"code(s) de critère en double : {', '.join(doublons)}")
        return self
