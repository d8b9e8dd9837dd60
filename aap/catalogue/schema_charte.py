"""Grille de la charte qualité d'une fiche (section `charte:`), validée au chargement (issue 5, ADR 0003).

Chaque critère a un poids (points). Trois natures :
- `calcul` : mesuré sur les parcours par une requête ensembliste (`aap/qualite/calcul.py`) ; `calcul` nomme la
  mesure (voir `docs/charte-qualite.md` pour la définition exacte de chacune). La valeur mesurée (un taux en %,
  ou une durée en mois pour `duree_moyenne_parcours`) donne les points : tous les points à la `cible` ou
  au-delà, aucun au `plancher` ou en deçà, proportionnellement entre les deux (`sens: au_plus` inverse l'ordre,
  pour une durée) ; sans dénominateur, le critère est « sans objet » et sort du total ;
- `appreciation` : noté par un agent (0 au poids) avec un commentaire ;
- `bonus` : noté par un agent, ajouté au score (plafonné à 100 %).

Score = Σ points des critères calcul et appréciation / Σ poids de ces critères (hors sans objet) × 100
        + Σ points bonus, plafonné à 100.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

from pydantic import Field, model_validator

from aap.catalogue.schema_base import Strict
from aap.catalogue.schema_notation import codes_en_double


#: Mesures que le calcul ensembliste sait produire (définitions : docs/charte-qualite.md).
MESURES = (
    "premier_rdv_dans_delai",
    "ce_signe_dans_delai",
    "taux_contractualisation",
    "diagnostic_actualise",
    "rendez_vous_mensuels",
    "suspension_apres_absence",
    "sia_conforme",
    "qualite_ce",
    "actions_departementales",
    "sorties_ciblees",
    "evolutions_positives",
    "duree_moyenne_parcours",
)
Mesure = Literal[
    "premier_rdv_dans_delai",
    "ce_signe_dans_delai",
    "taux_contractualisation",
    "diagnostic_actualise",
    "rendez_vous_mensuels",
    "suspension_apres_absence",
    "sia_conforme",
    "qualite_ce",
    "actions_departementales",
    "sorties_ciblees",
    "evolutions_positives",
    "duree_moyenne_parcours",
]


class CritereCharte(Strict):
    code: str = Field(pattern=r"^[a-z0-9_]+$")
    libelle: str
    categorie: str
    #: Code de l'indicateur de la fiche que ce critère évalue (`indicateurs:`), s'il existe.
    indicateur: str | None = None
    nature: Literal["calcul", "appreciation", "bonus"]
    poids: Decimal = Field(gt=0, le=100)
    calcul: Mesure | None = None
    #: Restreint la mesure à certains parcours de la fiche (codes de `parcours:`) ; tous par défaut.
    parcours: list[str] = []
    sens: Literal["au_moins", "au_plus"] = "au_moins"
    cible: Decimal | None = None
    plancher: Decimal | None = None
    #: `sorties_ciblees` : familles de sortie et sphères de réorientation comptées comme atteintes.
    familles: list[str] = []
    spheres: list[str] = []
    aide: str | None = None

    @model_validator(mode="after")
    def _coherence(self) -> CritereCharte:
        if self.nature == "calcul":
            if self.calcul is None or self.cible is None or self.plancher is None:
                raise ValueError(f"critère {self.code} : un critère calculé a une mesure, une cible et un plancher")
            if self.sens == "au_moins" and self.plancher >= self.cible:
                raise ValueError(f"critère {self.code} : le plancher doit être sous la cible")
            if self.sens == "au_plus" and self.plancher <= self.cible:
                raise ValueError(f"critère {self.code} (au plus) : le plancher doit être au-dessus de la cible")
            if self.calcul == "sorties_ciblees" and not (self.familles or self.spheres):
                raise ValueError(f"critère {self.code} : dire quelles familles de sortie ou sphères sont visées")
        elif self.calcul is not None or self.cible is not None:
            raise ValueError(f"critère {self.code} : seul un critère calculé a une mesure et une cible")
        return self


class Charte(Strict):
    #: Durée de la phase contradictoire : la structure répond dans ce délai après communication du résultat.
    delai_reponse_jours: int = Field(ge=1, le=90)
    criteres: list[CritereCharte] = Field(min_length=1)

    @model_validator(mode="after")
    def _codes_uniques(self) -> Charte:
        doublons = codes_en_double([c.code for c in self.criteres])
        if doublons:
            raise ValueError(f"code(s) de critère en double : {', '.join(doublons)}")
        if not any(c.nature != "bonus" for c in self.criteres):
            raise ValueError("la charte n'a que des bonus")
        return self
