"""Règles des parcours d'accompagnement d'une fiche (section `parcours:` des fiches 5.1 à 5.3) : délais depuis
l'orientation, contrat d'engagement, rythme des entretiens, heures d'activité (SIA). Le suivi des parcours et la
charte qualité (issue 5, ADR 0003) les liront ; la capacité (places par ETP) reste dans `ratios:`.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

from pydantic import Field, model_validator

from aap.catalogue.schema_base import Strict


class RegleParcours(Strict):
    code: str = Field(pattern=r"^[a-z0-9_]+$")
    libelle: str
    #: Délais comptés en jours depuis la date d'orientation (« 15 jours », « 4 semaines » = 28 jours), bornes incluses.
    delai_premier_rdv_jours: int | None = Field(default=None, ge=1, le=365)
    delai_signature_ce_jours: int | None = Field(default=None, ge=1, le=365)
    duree_ce_mois: int | None = Field(default=None, ge=1, le=36)
    duree_ce_est_maximum: bool = False
    renouvellement: Literal["non", "apres_revue_slai"] = "non"
    duree_totale_max_mois: int | None = Field(default=None, ge=1, le=60)
    revue_slai_apres_mois: int | None = Field(default=None, ge=1, le=36)
    actions_ce_min: int | None = Field(default=None, ge=1, le=20)
    #: Parmi ces actions, combien visent l'insertion professionnelle (ASPI : 2).
    actions_insertion_pro_min: int | None = Field(default=None, ge=1, le=20)
    entretiens_par_mois_min: int | None = Field(default=None, ge=1, le=31)
    entretiens_physiques_par_mois_min: int | None = Field(default=None, ge=0, le=31)
    entretiens_phase_min: int | None = Field(default=None, ge=1, le=50)
    heures_hebdo_min: Decimal | None = Field(default=None, ge=0, le=60)
    heures_hebdo_max: Decimal | None = Field(default=None, ge=0, le=60)
    mise_a_jour_heures: Literal["mensuelle"] | None = None

    @model_validator(mode="after")
    def _coherence(self) -> RegleParcours:
        if self.heures_hebdo_min is not None and self.heures_hebdo_max is not None:
            if self.heures_hebdo_min > self.heures_hebdo_max:
                raise ValueError(f"heures par semaine : minimum {self.heures_hebdo_min} au-dessus du maximum")
        if self.entretiens_physiques_par_mois_min is not None and self.entretiens_par_mois_min is not None:
            if self.entretiens_physiques_par_mois_min > self.entretiens_par_mois_min:
                raise ValueError("plus d'entretiens physiques exigés que d'entretiens en tout")
        if self.delai_premier_rdv_jours and self.delai_signature_ce_jours:
            if self.delai_signature_ce_jours < self.delai_premier_rdv_jours:
                raise ValueError("le contrat d'engagement ne peut pas être exigé avant le premier rendez-vous")
        if self.duree_totale_max_mois and self.duree_ce_mois and self.duree_totale_max_mois < self.duree_ce_mois:
            raise ValueError("la durée totale maximale est plus courte qu'un contrat")
        if self.actions_insertion_pro_min and (self.actions_ce_min or 0) < self.actions_insertion_pro_min:
            raise ValueError("plus d'actions d'insertion professionnelle exigées que d'actions en tout")
        if self.renouvellement == "non" and self.duree_totale_max_mois:
            raise ValueError("une durée totale maximale n'a de sens que si le contrat est renouvelable")
        return self
