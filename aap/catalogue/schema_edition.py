"""Schéma d'une édition : axes (thématiques), lignes budgétaires, dispositifs et leurs fiches, grille de
notation. Relu depuis `aap.catalogue.schema` pour les imports existants."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from pydantic import Field, model_validator

from aap.catalogue.schema import Choix, Fiche, Montant, Periode, Strict, Territoires, deplier_territoires
from aap.catalogue.schema_conventionnement import ConventionnementSpec
from aap.catalogue.schema_notation import GrilleNotation


class LigneBudgetaireSpec(Strict):
    """Ligne du budget départemental sur laquelle s'imputent les subventions (tableau d'imputation de la CP)."""

    code_operation: str = Field(pattern=r"^C\d{2}-\d{3}[A-Z]\d{2}$")
    imputation: str = Field(pattern=r"^\d{4}/\d{5}$")
    libelle: str
    ae: Montant
    #: AE − disponible à l'ouverture de l'édition (engagements antérieurs, hors de l'application).
    deja_engage: Montant = Decimal("0")
    source: str = ""

    @model_validator(mode="after")
    def _engage_dans_ae(self) -> LigneBudgetaireSpec:
        if self.deja_engage > self.ae:
            raise ValueError(f"déjà engagé ({self.deja_engage}) supérieur à l'AE ({self.ae})")
        return self


class DispositifSpec(Strict):
    """Un dispositif de la délibération (annexe 1) ; `fiche` présente pour les fiches détaillées.

    `territoires` ne sert qu'aux dispositifs sans fiche (les fiches portent leurs propres territoires).
    """

    code: str = Field(pattern=r"^[1-5]\.\d{1,2}$")
    slug: str = Field(pattern=r"^[a-z0-9-]+$")
    titre: str
    periode: Periode
    description: str = ""
    territoires: Territoires | None = None
    ligne_budgetaire: str | None = None
    fiche: Fiche | None = None
    choix: list[Choix] = []

    @property
    def axe(self) -> int:
        return int(self.code.split(".")[0])

    @property
    def rang(self) -> int:
        return int(self.code.split(".")[1])

    def codes_territoires(self) -> list[str]:
        if self.fiche is not None:
            return self.fiche.codes_territoires()
        return deplier_territoires(self.territoires)


class AxeSpec(Strict):
    numero: int = Field(ge=1, le=9)
    libelle: str
    objectifs: list[str] = []


class EditionSpec(Strict):
    annee: int = Field(ge=2020, le=2100)
    libelle: str
    source: str
    axes: list[AxeSpec] = Field(min_length=1)
    dispositifs: list[DispositifSpec] = Field(min_length=1)
    lignes_budgetaires: list[LigneBudgetaireSpec] = []
    notation: GrilleNotation | None = None
    conventionnement: ConventionnementSpec | None = None
    choix: list[Choix] = []
    meta: dict[str, Any] = {}

    @model_validator(mode="after")
    def _coherence(self) -> EditionSpec:
        lignes = [lb.code_operation for lb in self.lignes_budgetaires]
        if len(set(lignes)) != len(lignes):
            raise ValueError("deux lignes budgétaires portent le même code opération")
        for d in self.dispositifs:
            if d.ligne_budgetaire is not None and d.ligne_budgetaire not in lignes:
                raise ValueError(
                    f"dispositif {d.code} : ligne budgétaire « {d.ligne_budgetaire} » absente de edition.yaml"
                )
        axes = {a.numero for a in self.axes}
        if len(axes) != len(self.axes):
            raise ValueError("deux axes portent le même numéro")
        codes: set[str] = set()
        slugs: set[str] = set()
        for d in self.dispositifs:
            if d.axe not in axes:
                raise ValueError(f"dispositif {d.code} : axe {d.axe} inconnu")
            if d.code in codes:
                raise ValueError(f"dispositif {d.code} : code en double")
            if d.slug in slugs:
                raise ValueError(f"dispositif {d.code} : slug « {d.slug} » en double")
            codes.add(d.code)
            slugs.add(d.slug)
        self._criteres_des_fiches()
        return self

    def _criteres_des_fiches(self) -> None:
        """Un critère propre à une fiche ne reprend pas le code d'un critère général de l'appel."""
        if self.notation is None:
            return
        generaux = {c.code for c in self.notation.prealables} | {c.code for c in self.notation.criteres}
        for d in self.dispositifs:
            repris = sorted({c.code for c in d.fiche.criteres} & generaux) if d.fiche else []
            if repris:
                raise ValueError(
                    f"dispositif {d.code} : critère(s) déjà dans la grille de l'appel : {', '.join(repris)}"
                )
