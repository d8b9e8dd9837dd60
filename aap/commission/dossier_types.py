"""Les types figés du dossier d'une séance de la Commission permanente (voir `aap.commission.dossier`) :
lignes de l'annexe, opérations, thématiques, territoires, tableau d'imputation, articles, intéressés, présences,
vote, et le dossier lui-même. Les documents et les contrôles de cohérence ne lisent que ces types."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class LigneAnnexe:
    """Une proposition inscrite : une ligne de l'annexe « détail des financements »."""

    inscription_id: int
    demande_reference: str
    territoire: str
    territoire_ordre: int
    thematique_numero: int
    thematique_libelle: str
    operation_numero: int
    dispositif_id: int
    dispositif_code: str
    dispositif_titre: str
    structure_id: int
    structure: str
    siret: str
    description: str
    modele_convention: str
    reference_convention: str
    montant: Decimal
    hors_budget: bool
    etp: Decimal | None
    places: int | None
    dsp: int | None
    participants: int | None
    postes_insertion: int | None
    date_debut: datetime.date
    date_fin: datetime.date
    dispositif_debut: datetime.date | None
    dispositif_fin: datetime.date | None
    ligne_code: str | None
    enveloppe_id: int | None


@dataclass(frozen=True)
class Operation:
    numero: int
    dispositif_id: int
    code: str
    titre: str
    lignes: tuple[LigneAnnexe, ...]
    montant: Decimal
    nb_structures: int
    etp: Decimal | None
    places: int | None
    dsp: int | None
    participants: int | None
    postes_insertion: int | None
    date_debut: datetime.date
    date_fin: datetime.date
    hors_budget: bool
    #: « Opération 1 : … (dispositif 1.1) » et le paragraphe du rapport.
    intitule: str
    paragraphe: str


@dataclass(frozen=True)
class Thematique:
    numero: int
    libelle: str
    operations: tuple[Operation, ...]
    montant: Decimal
    nb_dispositifs: int
    annexe: int
    #: « 5 dispositifs sont proposés pour un total de … (Annexes 2 et 6). »
    phrase_phase: str


@dataclass(frozen=True)
class OperationTerritoire:
    numero: int
    code: str
    titre: str
    lignes: tuple[LigneAnnexe, ...]
    montant: Decimal


@dataclass(frozen=True)
class ThematiqueTerritoire:
    numero: int
    libelle: str
    operations: tuple[OperationTerritoire, ...]
    montant: Decimal


@dataclass(frozen=True)
class TerritoireAnnexe:
    nom: str
    ordre: int
    thematiques: tuple[ThematiqueTerritoire, ...]
    montant: Decimal


@dataclass(frozen=True)
class LigneImputation:
    code_operation: str
    imputation: str
    libelle: str
    ae: Decimal
    deja_engage: Decimal
    vote_anterieur: Decimal
    disponible: Decimal
    depense: Decimal
    solde: Decimal
    #: Part de chaque thématique dans la dépense : ((numéro de thématique, montant), …).
    parts: tuple[tuple[int, Decimal], ...]


@dataclass(frozen=True)
class EnveloppeConsommee:
    id: int
    libelle: str
    montant: Decimal
    vote_anterieur: Decimal
    depense: Decimal


@dataclass(frozen=True)
class Article:
    numero: int
    #: « financement », « convention_type », « signature », « specifique », « imputation ».
    nature: str
    texte: str
    #: La puce correspondante du rapport (« De m'autoriser à signer… »), vide pour l'imputation.
    puce: str
    thematique: int | None = None
    montant: Decimal | None = None
    nb_dispositifs: int | None = None
    annexe: int | None = None


@dataclass(frozen=True)
class Interesse:
    nom: str
    civilite: str
    groupe: str
    formule: str
    est_president: bool
    structures: tuple[str, ...]


@dataclass(frozen=True)
class Presences:
    presents: tuple[str, ...] = ()
    excuses: tuple[str, ...] = ()
    absents: tuple[str, ...] = ()
    invites: tuple[str, ...] = ()
    invites_excuses: tuple[str, ...] = ()

    @property
    def saisies(self) -> bool:
        return bool(self.presents or self.excuses or self.absents)

    @property
    def votants(self) -> int:
        return len(self.presents) + len(self.excuses) + len(self.absents)


@dataclass(frozen=True)
class VoteCP:
    pour: int
    contre: int
    abstention: int
    absents_sans_delegation: int
    #: Groupes (libellés) par sens : « pour », « contre », « abstention », « absents ».
    groupes: dict[str, tuple[str, ...]]
    adopte: bool


@dataclass(frozen=True)
class DossierCP:
    seance_id: int
    date: datetime.date
    titre: str
    annee: int
    phase: str
    numero_rapport: int | None
    numero_deliberation: str
    date_cloture_depot: datetime.date | None
    date_avis_commissions: datetime.date | None
    #: « Madame Mireille HINGREZ-CÉRÉDA » ; vide si personne ne peut présider (Président intéressé, non désigné).
    president_seance: str
    president_seance_civilite: str
    secretaire: str
    thematiques: tuple[Thematique, ...]
    territoires: tuple[TerritoireAnnexe, ...]
    lignes: tuple[LigneAnnexe, ...]
    imputation: tuple[LigneImputation, ...]
    enveloppes: tuple[EnveloppeConsommee, ...]
    articles: tuple[Article, ...]
    total_general: Decimal
    interesses: tuple[Interesse, ...]
    president_interesse: bool
    presences: Presences
    vote: VoteCP | None
    annexe_dispositifs: int
    annexe_repartition: int
    annexe_convention_type: int
    #: Lignes non hors budget sans ligne budgétaire (ni sur la proposition, ni sur le dispositif).
    lignes_sans_imputation: tuple[LigneAnnexe, ...] = ()

    @property
    def nb_structures(self) -> int:
        return len({ligne.structure_id for ligne in self.lignes})
