"""Schéma du catalogue versionné (`catalogue/data/<année>/*.yaml`), validé au chargement.

Ce module est le contrat entre les données et le code : les règles d'un dispositif (sessions, modèle
de financement et ses paramètres, parts conditionnées, échéancier, bilans, indicateurs, ratios)
sont lues ici et jamais écrites en dur ailleurs. Tous les pourcentages sont des `Decimal` de 0 à 100.
Chaque choix fait là où la fiche est ambiguë est noté dans le YAML (`choix:` à côté de la valeur).
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator


Pourcentage = Annotated[Decimal, Field(ge=0, le=100)]
Montant = Annotated[Decimal, Field(ge=0, decimal_places=2)]


class Strict(BaseModel):
    """Refuse les champs inconnus : une faute de frappe dans le YAML est une erreur, pas un oubli."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Fonds(StrEnum):
    FSE_PLUS = "FSE+"
    FTJ = "FTJ"


class ModeleFinancement(StrEnum):
    """Les modèles de financement connus ; un autre nom est refusé au chargement."""

    FRAIS_PERSONNEL_FORFAIT = "frais_personnel_forfait"
    ENCADREMENT_FORFAIT_PLAFOND = "encadrement_forfait_plafond"
    COUTS_REELS = "couts_reels_indirects_plafonnes"
    MONTANT_FIXE_ETP = "montant_fixe_par_etp"


class Compteur(StrEnum):
    """Quantités qu'une demande déclare (moyens et volumes), selon la fiche."""

    ETP = "etp"
    PLACES = "places"
    DSP = "dsp"
    PARTICIPANTS = "participants"
    POSTES_INSERTION = "postes_insertion"


class Choix(Strict):
    """Décision prise là où la fiche est ambiguë : la valeur retenue et pourquoi."""

    champ: str
    decision: str


class SessionSpec(Strict):
    numero: int = Field(ge=1)
    ouverture: datetime.date
    cloture: datetime.date  # incluse (heure de Paris)
    restriction: str | None = None
    plateforme: str = "AAP Inclusion"

    @model_validator(mode="after")
    def _ordre(self) -> SessionSpec:
        if self.cloture < self.ouverture:
            raise ValueError(f"la session {self.numero} se clôt ({self.cloture}) avant d'ouvrir ({self.ouverture})")
        return self


class Periode(Strict):
    libelle: str
    debut: datetime.date | None = None
    fin: datetime.date | None = None

    @model_validator(mode="after")
    def _ordre(self) -> Periode:
        if self.debut and self.fin and self.fin < self.debut:
            raise ValueError("la période se termine avant de commencer")
        return self


class Convention(Strict):
    duree_max_mois: int = Field(ge=1, le=60)
    debut: datetime.date | None = None
    fin: datetime.date | None = None
    duree_est_maximum: bool = True


class PartDepartement(Strict):
    """Part maximale du Département dans le coût total du plan, selon le cofinancement européen."""

    fonds: Fonds
    taux: Pourcentage
    condition: Literal["bassin_minier", "hors_bassin_minier"] | None = None


class PartConditionnee(Strict):
    taux: Pourcentage
    base: Literal["volume", "qualite", "resultats"]
    definition: str
    formule_cible: str | None = None


class FinancementBase(Strict):
    parts_departement: list[PartDepartement] = []
    parts_conditionnees: list[PartConditionnee] = []
    limite_enveloppe: bool | None = None
    regles_eligibilite: str | None = None
    depenses_eligibles: list[str] = []

    @field_validator("parts_conditionnees")
    @classmethod
    def _somme_100(cls, parts: list[PartConditionnee]) -> list[PartConditionnee]:
        if parts and sum(p.taux for p in parts) != 100:
            raise ValueError(f"les parts conditionnées totalisent {sum(p.taux for p in parts)} % au lieu de 100 %")
        return parts


class FraisPersonnelForfait(FinancementBase):
    """Frais de personnel directs + forfait unique (ex. 40 % dit de compensation) sur ces frais."""

    modele: Literal[ModeleFinancement.FRAIS_PERSONNEL_FORFAIT]
    taux_forfait: Pourcentage
    taux_affectation_min: Pourcentage | None = None


class EncadrementForfaitPlafond(FinancementBase):
    """Personnel d'encadrement + indirects forfaitaires, plafonné par participant et par mois."""

    modele: Literal[ModeleFinancement.ENCADREMENT_FORFAIT_PLAFOND]
    taux_forfait: Pourcentage
    plafond_participant_mois: Montant
    taux_affectation_min: Pourcentage | None = None


class CoutsReels(FinancementBase):
    """Coûts réels (personnel, fonctionnement, prestations) + indirects plafonnés."""

    modele: Literal[ModeleFinancement.COUTS_REELS]
    taux_indirects_max: Pourcentage


class MontantFixeParEtp(FinancementBase):
    """Montant forfaitaire par ETP et par 12 mois, plus la valorisation Ségur par temps complet."""

    modele: Literal[ModeleFinancement.MONTANT_FIXE_ETP]
    montant_max_etp_12_mois: Montant
    valorisation_segur_temps_plein: Montant = Decimal("0")
    part_departement_poste: Pourcentage
    part_fse_poste: Pourcentage

    @model_validator(mode="after")
    def _parts(self) -> MontantFixeParEtp:
        if self.part_departement_poste + self.part_fse_poste != 100:
            raise ValueError("part Département + part FSE+ du poste doivent totaliser 100 %")
        return self


Financement = Annotated[
    FraisPersonnelForfait | EncadrementForfaitPlafond | CoutsReels | MontantFixeParEtp,
    Field(discriminator="modele"),
]


class Echeance(Strict):
    type: Literal["avance", "acompte", "solde"]
    taux: Pourcentage
    taux_est_maximum: bool = False
    declencheur: str
    conditions: list[str] = []


class BilanSpec(Strict):
    type: str
    libelle: str
    echeance: datetime.date | None = None
    delai_mois_apres_fin: int | None = Field(default=None, ge=0)
    regle: str
    canal: str | None = None
    contenu: list[str] = []


class Indicateur(Strict):
    code: str = Field(pattern=r"^[a-z0-9_]+$")
    categorie: str
    nom: str
    definition: str
    cible: str | None = None
    cible_valeur: Decimal | None = None
    unite: str | None = None


class Ratio(Strict):
    libelle: str
    nature: Literal["ratio", "cible", "maximum", "fixe", "formule"]
    phase: str | None = None
    etp: Decimal | None = None
    par: Decimal | None = None
    unite: str | None = None
    formule: str | None = None


class Contact(Strict):
    role: str
    perimetre: str | None = None


class Public(Strict):
    resume: str
    groupes: list[str] = []


class Porteurs(Strict):
    description: str
    cofinancement: list[Fonds] = []
    exigences: list[str] = []
    label_referent_62: bool = False
    profils_personnel: list[str] = []


class Fiche(Strict):
    """Fiche détaillée d'un dispositif (les 11 fiches 2026)."""

    fiche: str = Field(pattern=r"^F\d{2}$")
    public: Public
    territoires: Literal["9_mds", "departement"] | list[str]
    porteurs: Porteurs
    sessions: list[SessionSpec] = Field(min_length=1)
    convention: Convention
    financement: Financement
    compteurs: list[Compteur] = []
    echeancier: list[Echeance] = Field(min_length=1)
    bilans: list[BilanSpec] = []
    indicateurs: list[Indicateur] = []
    ratios: list[Ratio] = []
    contacts: list[Contact] = []
    choix: list[Choix] = []

    @field_validator("echeancier")
    @classmethod
    def _echeancier_100(cls, echeances: list[Echeance]) -> list[Echeance]:
        total = sum(e.taux for e in echeances)
        if total != 100:
            raise ValueError(f"les taux de l'échéancier totalisent {total} % au lieu de 100 %")
        return echeances

    @field_validator("sessions")
    @classmethod
    def _sessions_numerotees(cls, sessions: list[SessionSpec]) -> list[SessionSpec]:
        numeros = [s.numero for s in sessions]
        if len(set(numeros)) != len(numeros):
            raise ValueError("deux sessions portent le même numéro")
        return sessions


class DispositifSpec(Strict):
    """Un dispositif de la délibération (annexe 1) ; `fiche` présente pour les fiches détaillées."""

    code: str = Field(pattern=r"^[1-5]\.\d{1,2}$")
    slug: str = Field(pattern=r"^[a-z0-9-]+$")
    titre: str
    periode: Periode
    description: str = ""
    fiche: Fiche | None = None
    choix: list[Choix] = []


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
    meta: dict[str, Any] = {}

    @model_validator(mode="after")
    def _coherence(self) -> EditionSpec:
        axes = {a.numero for a in self.axes}
        codes: set[str] = set()
        slugs: set[str] = set()
        for d in self.dispositifs:
            if int(d.code.split(".")[0]) not in axes:
                raise ValueError(f"dispositif {d.code} : axe {d.code.split('.')[0]} inconnu")
            if d.code in codes:
                raise ValueError(f"dispositif {d.code} : code en double")
            if d.slug in slugs:
                raise ValueError(f"dispositif {d.code} : slug « {d.slug} » en double")
            codes.add(d.code)
            slugs.add(d.slug)
        return self
