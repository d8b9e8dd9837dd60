"""Lectures des bilans pour les pages : périmètres, retards, cibles des mesures, lignes financières
pré-remplies depuis le plan retenu à l'instruction, structures en retard de documents annuels."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet

from aap.bilans import rules
from aap.bilans.models import Bilan, ControleServiceFait
from aap.bilans.rules import STATUTS_OBLIGEANTS, PieceDue, pieces_dues
from aap.bilans.workflow import STATUTS_A_SAISIR
from aap.conventions.models import Convention, Operation
from aap.core.models import User
from aap.demandes.choix import CategorieDepense, Financeur
from aap.demandes.models import Demande
from aap.structures.models import Structure


#: Les bilans d'une convention ne sont dus qu'une fois celle-ci signée (et le restent une fois soldée).
STATUTS_CONVENTION_SUIVIS = STATUTS_OBLIGEANTS


def bilans_suivis(user: User) -> QuerySet[Bilan]:
    return (
        Bilan.objects.for_user(user)
        .filter(operation__convention__statut__in=STATUTS_CONVENTION_SUIVIS)
        .select_related("operation__convention__structure", "operation__dispositif")
    )


def filtre_en_retard(jour: datetime.date) -> Q:
    return Q(statut__in=STATUTS_A_SAISIR, echeance__lt=jour)


def est_en_retard(bilan: Bilan, jour: datetime.date) -> bool:
    return bilan.statut in STATUTS_A_SAISIR and bilan.echeance < jour


def operations_pour(user: User) -> QuerySet[Operation]:
    return Operation.objects.filter(convention__in=Convention.objects.for_user(user).values("pk")).select_related(
        "convention__structure", "convention__edition", "dispositif"
    )


def est_final(bilan: Bilan) -> bool:
    return bilan.type == rules.type_bilan_final(bilan.operation.regles)


@dataclass(frozen=True)
class LigneMesure:
    code: str
    libelle: str
    nature: str
    formule: str
    engagement: str | None
    cible: Decimal | None
    realise: str | None

    @property
    def nature_libelle(self) -> str:
        return "capacité (stock)" if self.nature == "stock" else "volume annuel, cumulé"


def lignes_mesures(bilan: Bilan) -> list[LigneMesure]:
    operation = bilan.operation
    final = est_final(bilan)
    lignes = []
    for mesure in rules.mesures(operation.regles):
        compteur = mesure["cible"].split("*")[0].strip()
        lignes.append(
            LigneMesure(
                code=mesure["code"],
                libelle=mesure["libelle"],
                nature=mesure.get("nature", ""),
                formule=mesure["cible"],
                engagement=operation.engagements.get(compteur),
                cible=rules.cible_mesure(
                    mesure, operation.engagements, final=final, debut=operation.date_debut, fin=operation.date_fin
                ),
                realise=bilan.realisations.get(mesure["code"]),
            )
        )
    return lignes


def _plan_retenu(demande: Demande) -> tuple[list[tuple[str, str, Decimal]], list[tuple[str, str, Decimal]]]:
    """(code, libellé, montant) des catégories de dépenses et des financeurs du plan retenu à l'instruction ;
    sans fiche détaillée, les lignes de la demande regroupées par catégorie et par financeur."""
    if demande.dispositif.fiche is not None:
        from aap.instruction.budget import plan_retenu

        plan = plan_retenu(demande)
        return plan.libelles_depenses(), plan.libelles_ressources()
    depenses: dict[str, Decimal] = defaultdict(Decimal)
    for ligne in demande.depenses.all():
        depenses[ligne.categorie] += ligne.montant or 0
    ressources: dict[str, Decimal] = defaultdict(Decimal)
    for ligne in demande.ressources.all():
        ressources[ligne.financeur] += ligne.montant or 0
    return (
        [(c, CategorieDepense(c).label, m) for c, m in depenses.items()],
        [(c, Financeur(c).label, m) for c, m in ressources.items()],
    )


def lignes_financieres(bilan: Bilan) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Les lignes de dépenses et de ressources du bilan : celles déjà saisies, sinon une par catégorie de
    dépense et par financeur du plan retenu (montant retenu non nul, réalisé à saisir)."""
    if bilan.depenses or bilan.ressources:
        return list(bilan.depenses), list(bilan.ressources)
    depenses, ressources = _plan_retenu(bilan.operation.demande)
    return (
        [{"categorie": c, "libelle": lib, "retenu": str(m), "realise": None} for c, lib, m in depenses if m],
        [{"financeur": c, "libelle": lib, "prevu": str(m), "montant": None} for c, lib, m in ressources if m],
    )


def totaux(depenses: list[dict[str, Any]], ressources: list[dict[str, Any]]) -> dict[str, Decimal]:
    def somme(lignes: list[dict[str, Any]], champ: str) -> Decimal:
        return sum((Decimal(str(ligne[champ])) for ligne in lignes if ligne.get(champ) not in (None, "")), Decimal(0))

    return {
        "retenu": somme(depenses, "retenu"),
        "realise": somme(depenses, "realise"),
        "prevu": somme(ressources, "prevu"),
        "percu": somme(ressources, "montant"),
    }


def controles_de(operation: Operation) -> QuerySet[ControleServiceFait]:
    return operation.controles.select_related("agent", "reversement")


@dataclass(frozen=True)
class EtatDocuments:
    """Les documents annuels d'une structure à une date : pièces dues, manquantes, en retard."""

    structure: Structure
    pieces: list[PieceDue]
    jour: datetime.date

    @property
    def en_retard(self) -> list[PieceDue]:
        return [p for p in self.pieces if p.en_retard(self.jour)]

    @property
    def a_fournir(self) -> list[PieceDue]:
        return [p for p in self.pieces if not p.fournie]

    @property
    def par_exercice(self) -> list[tuple[int, datetime.date, list[PieceDue]]]:
        groupes: dict[int, list[PieceDue]] = defaultdict(list)
        for piece in self.pieces:
            groupes[piece.exercice].append(piece)
        return [(exercice, pieces[0].echeance, pieces) for exercice, pieces in sorted(groupes.items())]


def etat_documents(structure: Structure, jour: datetime.date) -> EtatDocuments:
    return EtatDocuments(structure, pieces_dues(structure), jour)


def structures_en_retard(user: User, jour: datetime.date) -> dict[int, tuple[int, datetime.date]]:
    """{structure_id: (pièces en retard, plus ancienne date limite dépassée)} des structures visibles."""
    structures = Structure.objects.for_user(user).filter(
        pk__in=Convention.objects.filter(statut__in=STATUTS_OBLIGEANTS).values("structure_id")
    )
    retards = {}
    for structure in structures:
        pieces = [p for p in pieces_dues(structure) if p.en_retard(jour)]
        if pieces:
            retards[structure.pk] = (len(pieces), min(p.echeance for p in pieces))
    return retards
