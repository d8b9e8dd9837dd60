"""Schéma du catalogue versionné (`catalogue/data/<année>/*.yaml`), validé au chargement.

Ce module est le contrat entre les données et le code : les règles d'un dispositif (sessions, modèle
de financement et ses paramètres, parts conditionnées, échéancier, bilans, indicateurs, ratios)
sont lues ici et jamais écrites en dur ailleurs. Tous les pourcentages sont des `Decimal` de 0 à 100.
Chaque choix fait là où la fiche est ambiguë est noté dans le YAML (`choix:` à côté de la valeur).

Fichiers d'une édition :
- `edition.yaml` : année, libellé, source, axes (thématiques) et choix de portée générale ;
- `dispositifs.yaml` : `dispositifs:` la liste de l'annexe 1 de la délibération (sans les fiches) ;
- `fiches/<code du dispositif>.yaml` : une `Fiche` détaillée, rattachée au dispositif de même code.

Modules : `schema_base` (types communs), `schema_notation` (grille de notation), ce module (la fiche) et
`schema_edition` (édition, axes, lignes budgétaires, dispositifs), dont les classes sont aussi lisibles ici.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import Field, ValidationInfo, field_validator, model_validator

from aap.catalogue.schema_base import (
    CODES_TERRITOIRES,
    PERIMETRES,
    Choix,
    Montant,
    Pourcentage,
    Strict,
    Territoires,
    deplier_territoires,
)
from aap.catalogue.schema_charte import Charte
from aap.catalogue.schema_notation import Critere, codes_en_double
from aap.catalogue.schema_parcours import RegleParcours


__all__ = [
    "CODES_TERRITOIRES",
    "PERIMETRES",
    "Choix",
    "Critere",
    "Fiche",
    "Montant",
    "Pourcentage",
    "Strict",
    "Territoires",
    "deplier_territoires",
]


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


class SessionSpec(Strict):
    numero: int = Field(ge=1)
    ouverture: datetime.date
    cloture: datetime.date  # incluse (heure de Paris)
    restriction: str | None = None
    plateforme: str = "AAP Inclusion"

    @field_validator("cloture")
    @classmethod
    def _ordre(cls, cloture: datetime.date, info: ValidationInfo) -> datetime.date:
        ouverture = info.data.get("ouverture")
        if ouverture and cloture < ouverture:
            raise ValueError(f"la session se clôt le {cloture:%d/%m/%Y}, avant d'ouvrir le {ouverture:%d/%m/%Y}")
        return cloture


class Periode(Strict):
    libelle: str  # tel qu'écrit dans la délibération
    debut: datetime.date | None = None
    fin: datetime.date | None = None
    duree_max_mois: int | None = Field(default=None, ge=1, le=60)

    @field_validator("fin")
    @classmethod
    def _ordre(cls, fin: datetime.date | None, info: ValidationInfo) -> datetime.date | None:
        debut = info.data.get("debut")
        if debut and fin and fin < debut:
            raise ValueError(f"la période se termine le {fin:%d/%m/%Y}, avant de commencer le {debut:%d/%m/%Y}")
        return fin


class Convention(Strict):
    duree_max_mois: int = Field(ge=1, le=60)
    debut: datetime.date | None = None
    fin: datetime.date | None = None
    duree_est_maximum: bool = True
    reconduction_tacite: bool = False

    @field_validator("fin")
    @classmethod
    def _ordre(cls, fin: datetime.date | None, info: ValidationInfo) -> datetime.date | None:
        debut = info.data.get("debut")
        if debut and fin and fin < debut:
            raise ValueError(f"la convention se termine le {fin:%d/%m/%Y}, avant de commencer le {debut:%d/%m/%Y}")
        return fin


class PartDepartement(Strict):
    """Part maximale du Département dans le coût total du plan quand l'opération est cofinancée par `fonds`.

    `condition` restreint la règle selon l'implantation du porteur (bassin minier ERBM ou non).
    """

    fonds: Fonds
    taux: Pourcentage
    condition: Literal["bassin_minier", "hors_bassin_minier"] | None = None


class Mesure(Strict):
    """Un engagement chiffré mesuré au bilan : réalisé (déclaré au bilan) contre cible (formule sur les quantités
    conventionnées, ex. « places » ou « postes_insertion * 12 »).

    `stock` : une capacité constante (places en file active) ; `flux_annuel` : un volume par 12 mois, cumulé
    depuis le début de la convention (la cible du bilan final est multipliée par la durée en années).
    """

    code: str = Field(pattern=r"^[a-z0-9_]+$")
    libelle: str
    cible: str = Field(pattern=r"^[a-z_]+( *[*] *\d+(\.\d+)?)?$")
    nature: Literal["stock", "flux_annuel"]

    @field_validator("cible")
    @classmethod
    def _compteur_connu(cls, cible: str) -> str:
        nom = cible.split("*")[0].strip()
        if nom not in {c.value for c in Compteur}:
            raise ValueError(
                f"« {nom} » n'est pas une quantité conventionnée ({', '.join(c.value for c in Compteur)})"
            )
        return cible


class PartConditionnee(Strict):
    """Part du financement départemental versée selon le respect d'un engagement.

    Volume et résultats : au prorata des `mesures` (réalisé / cible, chacune plafonnée à 100 %) ; qualité : au
    score de la charte qualité."""

    taux: Pourcentage
    base: Literal["volume", "qualite", "resultats"]
    definition: str
    formule_cible: str | None = None
    mesures: list[Mesure] = []

    @model_validator(mode="after")
    def _mesures_selon_base(self) -> PartConditionnee:
        if self.base == "qualite" and self.mesures:
            raise ValueError("une part « qualité » se mesure au score de la charte, sans mesure chiffrée")
        if self.base != "qualite" and not self.mesures:
            raise ValueError(f"une part « {self.base} » doit dire ce qui est mesuré (mesures)")
        return self


class FinancementBase(Strict):
    parts_departement: list[PartDepartement] = []
    parts_conditionnees: list[PartConditionnee] = []
    limite_enveloppe: bool | None = None
    regles_eligibilite: str | None = None
    depenses_eligibles: list[str] = []
    sous_reserve: str | None = None

    @field_validator("parts_conditionnees")
    @classmethod
    def _somme_100(cls, parts: list[PartConditionnee]) -> list[PartConditionnee]:
        total = sum((p.taux for p in parts), Decimal(0))
        if parts and total != 100:
            raise ValueError(f"les parts conditionnées totalisent {total} % au lieu de 100 %")
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
    #: Type du bilan dont l'acceptation rend l'échéance exigible (aucun : exigible à la signature).
    bilan: str | None = Field(default=None, pattern=r"^[a-z0-9_]+$")


class BilanSpec(Strict):
    """Un bilan ou un rendu périodique. `echeance` : date fixe ; `delai_mois_apres_fin` : relatif à la fin."""

    type: str = Field(pattern=r"^[a-z0-9_]+$")
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
    age_min: int | None = Field(default=None, ge=0, le=99)
    age_max: int | None = Field(default=None, ge=0, le=99)
    age_max_handicap: int | None = Field(default=None, ge=0, le=99)
    part_jeunes_max: Pourcentage | None = None
    condition_entree: str | None = None


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
    territoires: Territoires
    porteurs: Porteurs
    sessions: list[SessionSpec] = Field(min_length=1)
    convention: Convention
    financement: Financement
    compteurs: list[Compteur] = []
    echeancier: list[Echeance] = Field(min_length=1)
    bilans: list[BilanSpec] = []
    modalites: list[str] = []
    indicateurs: list[Indicateur] = []
    ratios: list[Ratio] = []
    contacts: list[Contact] = []
    #: Critères de sélection propres à la fiche, notés en plus des critères généraux de l'appel.
    criteres: list[Critere] = []
    #: Règles des parcours d'accompagnement (délais, contrat d'engagement, entretiens, heures d'activité).
    parcours: list[RegleParcours] = []
    #: Grille de la charte qualité (critères, poids, cibles, bonus), évaluée sur les parcours.
    charte: Charte | None = None
    choix: list[Choix] = []

    @field_validator("echeancier")
    @classmethod
    def _echeancier_100(cls, echeances: list[Echeance]) -> list[Echeance]:
        total = sum((e.taux for e in echeances), Decimal(0))
        if total != 100:
            raise ValueError(f"les taux de l'échéancier totalisent {total} % au lieu de 100 %")
        return echeances

    @model_validator(mode="after")
    def _declencheurs_connus(self) -> Fiche:
        types = {b.type for b in self.bilans}
        for e in self.echeancier:
            if e.bilan is not None and e.bilan not in types:
                raise ValueError(f"échéance « {e.type} » : bilan « {e.bilan} » absent des bilans de la fiche")
            if e.bilan is not None:
                bilan = next(b for b in self.bilans if b.type == e.bilan)
                if bilan.echeance is None and bilan.delai_mois_apres_fin is None:
                    raise ValueError(f"échéance « {e.type} » : le bilan « {e.bilan} » n'a pas de date limite")
        return self

    @field_validator("sessions")
    @classmethod
    def _sessions_numerotees(cls, sessions: list[SessionSpec]) -> list[SessionSpec]:
        numeros = [s.numero for s in sessions]
        if len(set(numeros)) != len(numeros):
            raise ValueError("deux sessions portent le même numéro")
        return sessions

    @field_validator("indicateurs")
    @classmethod
    def _codes_uniques(cls, indicateurs: list[Indicateur]) -> list[Indicateur]:
        codes = [i.code for i in indicateurs]
        doublons = sorted({c for c in codes if codes.count(c) > 1})
        if doublons:
            raise ValueError(f"code(s) d'indicateur en double : {', '.join(doublons)}")
        return indicateurs

    @field_validator("compteurs")
    @classmethod
    def _compteurs_uniques(cls, compteurs: list[Compteur]) -> list[Compteur]:
        if len(set(compteurs)) != len(compteurs):
            raise ValueError("un compteur est cité deux fois")
        return compteurs

    @field_validator("parcours")
    @classmethod
    def _parcours_uniques(cls, parcours: list[RegleParcours]) -> list[RegleParcours]:
        doublons = codes_en_double([p.code for p in parcours])
        if doublons:
            raise ValueError(f"code(s) de parcours en double : {', '.join(doublons)}")
        return parcours

    @field_validator("criteres")
    @classmethod
    def _criteres_uniques(cls, criteres: list[Critere]) -> list[Critere]:
        doublons = codes_en_double([c.code for c in criteres])
        if doublons:
            raise ValueError(f"code(s) de critère en double : {', '.join(doublons)}")
        return criteres

    @model_validator(mode="after")
    def _charte_coherente(self) -> Fiche:
        if self.charte is None:
            return self
        if not self.parcours:
            raise ValueError("une charte qualité suppose des parcours (section parcours:)")
        if not any(p.base == "qualite" for p in self.financement.parts_conditionnees):
            raise ValueError("une charte qualité sans part conditionnée « qualite » ne module rien")
        codes_parcours = {p.code for p in self.parcours}
        codes_indicateurs = {i.code for i in self.indicateurs}
        for critere in self.charte.criteres:
            inconnus = set(critere.parcours) - codes_parcours
            if inconnus:
                raise ValueError(f"critère {critere.code} : parcours inconnu(s) {', '.join(sorted(inconnus))}")
            if critere.indicateur and critere.indicateur not in codes_indicateurs:
                raise ValueError(f"critère {critere.code} : indicateur « {critere.indicateur} » absent de la fiche")
        return self

    def codes_territoires(self) -> list[str]:
        """Les codes `Territoire` couverts (voir `deplier_territoires`)."""
        return deplier_territoires(self.territoires)


_CLASSES_EDITION = ("AxeSpec", "DispositifSpec", "EditionSpec", "LigneBudgetaireSpec")


def __getattr__(nom: str) -> Any:
    """Les classes de l'édition restent importables depuis ce module (import différé : `schema_edition` importe
    la fiche d'ici)."""
    if nom in _CLASSES_EDITION:
        from aap.catalogue import schema_edition

        return getattr(schema_edition, nom)
    raise AttributeError(f"module {__name__!r} has no attribute {nom!r}")
