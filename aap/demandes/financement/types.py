"""Types du plan de financement : lignes saisies, lignes calculées, résultat ; arrondi et formats."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from aap.catalogue.schema import Fonds, ModeleFinancement
from aap.core.templatetags.aap_ui import euros, pourcent
from aap.demandes.choix import CategorieDepense, Financeur


ZERO = Decimal("0.00")
CENTIME = Decimal("0.01")
CENT = Decimal(100)
DOUZE = Decimal(12)

#: Financeur du plan correspondant à chaque fonds européen de la fiche.
FINANCEUR_DU_FONDS: dict[Fonds, Financeur] = {Fonds.FSE_PLUS: Financeur.FSE_PLUS, Fonds.FTJ: Financeur.FTJ}

#: Catégories saisies par le porteur, selon le modèle ; la première est celle des postes de personnel.
CATEGORIES_SAISIES: dict[ModeleFinancement, tuple[CategorieDepense, ...]] = {
    ModeleFinancement.FRAIS_PERSONNEL_FORFAIT: (CategorieDepense.PERSONNEL,),
    ModeleFinancement.ENCADREMENT_FORFAIT_PLAFOND: (CategorieDepense.ENCADREMENT,),
    ModeleFinancement.COUTS_REELS: (
        CategorieDepense.PERSONNEL,
        CategorieDepense.FONCTIONNEMENT,
        CategorieDepense.PRESTATIONS,
        CategorieDepense.INDIRECTS,
    ),
    ModeleFinancement.MONTANT_FIXE_ETP: (CategorieDepense.PERSONNEL,),
}

#: Catégorie de la ligne dérivée (forfait), selon le modèle.
CATEGORIE_DERIVEE: dict[ModeleFinancement, CategorieDepense] = {
    ModeleFinancement.FRAIS_PERSONNEL_FORFAIT: CategorieDepense.FORFAIT,
    ModeleFinancement.ENCADREMENT_FORFAIT_PLAFOND: CategorieDepense.INDIRECTS,
    ModeleFinancement.MONTANT_FIXE_ETP: CategorieDepense.SEGUR,
}


def arrondi(valeur: Decimal) -> Decimal:
    """Au centime, arrondi commercial (0,005 → 0,01)."""
    return valeur.quantize(CENTIME, rounding=ROUND_HALF_UP)


def taux_fr(valeur: Decimal) -> str:
    return pourcent(valeur).replace("\u00a0", " ")


def eur_fr(valeur: Decimal) -> str:
    return euros(valeur).replace("\u00a0", " ")


@dataclass(frozen=True)
class Depense:
    """Une ligne de charges saisie. Poste de personnel : etp, taux_affectation, cout_annuel, mois ;
    autre catégorie : montant. `montant_retenu` : montant retenu à l'instruction (ligne réduite) ; donné, il
    remplace le montant de la ligne, saisi ou calculé pour un poste (la quotité reste celle du poste)."""

    annee: int
    categorie: str
    libelle: str = ""
    montant: Decimal = ZERO
    etp: Decimal | None = None
    taux_affectation: Decimal | None = None
    cout_annuel: Decimal | None = None
    mois: Decimal | None = None
    montant_retenu: Decimal | None = None


@dataclass(frozen=True)
class Ressource:
    annee: int
    financeur: str
    montant: Decimal
    libelle: str = ""


@dataclass(frozen=True)
class ContextePlan:
    annees: tuple[int, ...] = ()
    territoires_bassin_minier: tuple[bool, ...] = ()
    postes_insertion: int | None = None
    mois_operation: int | None = None

    @property
    def tout_en_bassin_minier(self) -> bool:
        return bool(self.territoires_bassin_minier) and all(self.territoires_bassin_minier)


@dataclass(frozen=True)
class LigneCalculee:
    annee: int
    categorie: str
    libelle: str
    montant: Decimal
    derivee: bool = False
    detail: str = ""
    source: Depense | None = None

    @property
    def categorie_libelle(self) -> str:
        return CategorieDepense(self.categorie).label if self.categorie in CategorieDepense.values else self.categorie


@dataclass(frozen=True)
class Violation:
    code: str
    message: str
    annee: int | None = None


@dataclass(frozen=True)
class PlanAnnee:
    annee: int
    lignes: tuple[LigneCalculee, ...]
    depenses: dict[str, Decimal]
    ressources: dict[str, Decimal]

    @property
    def total_depenses(self) -> Decimal:
        return sum((ligne.montant for ligne in self.lignes), ZERO)

    @property
    def total_ressources(self) -> Decimal:
        return sum(self.ressources.values(), ZERO)

    @property
    def ecart(self) -> Decimal:
        """Ressources − dépenses : positif si les ressources dépassent."""
        return self.total_ressources - self.total_depenses

    @property
    def equilibre(self) -> bool:
        return self.ecart == 0

    def ressources_libellees(self) -> list[tuple[str, Decimal]]:
        """(financeur, montant) des ressources non nulles, pour l'affichage."""
        return [(Financeur(code).label, montant) for code, montant in self.ressources.items() if montant]


@dataclass(frozen=True)
class ResultatPlan:
    modele: str
    annees: tuple[PlanAnnee, ...]
    depenses: dict[str, Decimal]
    ressources: dict[str, Decimal]
    cout_total: Decimal
    total_ressources: Decimal
    montant_departement: Decimal
    violations: tuple[Violation, ...] = field(default=())

    @property
    def part_departement(self) -> Decimal | None:
        """Part du Département dans le coût total, en %, à 0,01 près."""
        if not self.cout_total:
            return None
        return arrondi(self.montant_departement * CENT / self.cout_total)

    @property
    def ecart(self) -> Decimal:
        return self.total_ressources - self.cout_total

    @property
    def equilibre(self) -> bool:
        return self.ecart == 0 and all(a.equilibre for a in self.annees)

    @property
    def conforme(self) -> bool:
        return not self.violations

    @property
    def messages(self) -> list[str]:
        return [v.message for v in self.violations]

    @property
    def lignes(self) -> list[LigneCalculee]:
        return [ligne for annee in self.annees for ligne in annee.lignes]

    def libelles_depenses(self) -> list[tuple[str, str, Decimal]]:
        """(code, libellé, total) des catégories de dépenses, pour l'affichage."""
        return [(code, CategorieDepense(code).label, montant) for code, montant in self.depenses.items()]

    def libelles_ressources(self) -> list[tuple[str, str, Decimal]]:
        return [(code, Financeur(code).label, montant) for code, montant in self.ressources.items()]
