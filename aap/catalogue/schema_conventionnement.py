"""Règles du conventionnement, du paiement et des bilans communes à l'édition (`edition.yaml`, section
`conventionnement:`), d'après la convention type de la délibération du 26/05/2026 (annexe 7).

Les fiches détaillées portent leur propre échéancier et leurs bilans ; les dispositifs sans fiche (thématiques
1 à 4) suivent `echeancier_defaut` et `bilans_defaut`. Rien de ce qui suit n'est écrit dans le code.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

from pydantic import Field, field_validator, model_validator

from aap.catalogue.schema_base import Montant, Pourcentage, Strict


class EcheanceDefaut(Strict):
    type: Literal["avance", "acompte", "solde"]
    taux: Pourcentage
    taux_est_maximum: bool = False
    declencheur: str
    bilan: str | None = Field(default=None, pattern=r"^[a-z0-9_]+$")


class BilanDefaut(Strict):
    type: str = Field(pattern=r"^[a-z0-9_]+$")
    libelle: str
    delai_mois_apres_fin: int = Field(ge=0, le=24)
    regle: str


class PieceAnnuelle(Strict):
    code: str = Field(pattern=r"^[a-z0-9_]+$")
    libelle: str
    formats: list[str] = Field(min_length=1)  # extensions acceptées, ex. ["pdf"] ou ["xlsx", "xls"]
    si_commissaire_aux_comptes: bool = False  # exigée seulement des structures soumises au CAC


class DocumentsAnnuels(Strict):
    delai_mois_apres_exercice: int = Field(ge=1, le=24)
    pieces: list[PieceAnnuelle] = Field(min_length=1)
    regle: str


class Relances(Strict):
    """Jours avant (positifs) et après (positifs) l'échéance où un courriel de rappel part."""

    jours_avant: list[int] = []
    jours_apres: list[int] = []

    @field_validator("jours_avant", "jours_apres")
    @classmethod
    def _positifs_uniques(cls, jours: list[int]) -> list[int]:
        if any(j < 0 for j in jours) or len(set(jours)) != len(jours):
            raise ValueError("des jours positifs, sans doublon")
        return sorted(jours)


class Attribuant(Strict):
    nom: str
    siret: str = Field(pattern=r"^\d{14}$")


class Signataire(Strict):
    fonction: str
    nom: str
    ville: str


class ConventionnementSpec(Strict):
    attribuant: Attribuant
    signataire: Signataire
    #: Format Python du numéro, ex. « {annee}-{sequence:05d} » → 2026-00001 (comme « 2025-05266 »).
    format_numero: str = Field(pattern=r"\{annee\}.*\{sequence(:\d*d)?\}")
    exemplaires: int = Field(ge=1, le=5)
    mail_gestionnaire: str
    service_preavis: str
    echeancier_defaut: list[EcheanceDefaut] = Field(min_length=1)
    bilans_defaut: list[BilanDefaut] = []
    documents_annuels: DocumentsAnnuels
    relances: Relances
    #: Les vérifications du contrôle de service fait proposées à l'agent (fiche F08 et convention type, art. 7).
    verifications_service_fait: list[str] = Field(min_length=1)
    seuil_publication: Montant  # publication en données ouvertes obligatoire au-delà (décret 2017-779)
    nature_aide: str  # SCDL : « aide en numéraire »
    conditions_versement: Literal["Unique", "Echelonné", "Autre"] = "Echelonné"
    avenant_periode_evenement_exceptionnel: bool = True

    @model_validator(mode="after")
    def _coherence(self) -> ConventionnementSpec:
        total = sum((e.taux for e in self.echeancier_defaut), Decimal(0))
        if total != 100:
            raise ValueError(f"l'échéancier par défaut totalise {total} % au lieu de 100 %")
        bilans = {b.type for b in self.bilans_defaut}
        for e in self.echeancier_defaut:
            if e.bilan is not None and e.bilan not in bilans:
                raise ValueError(f"échéance « {e.type} » : bilan « {e.bilan} » absent de bilans_defaut")
        return self
