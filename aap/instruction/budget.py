"""Budget retenu à l'instruction : dépenses écartées ou réduites, ressources réduites, plan retenu.

Règles :
- un agent de la DPID (instructeur, gestionnaire, administrateur) écarte (montant retenu 0) ou réduit une ligne
  de dépense ou de ressource d'une demande en instruction (`STATUTS_EN_INSTRUCTION`), avec un motif que la
  structure voit ; le montant retenu ne dépasse jamais le montant demandé ; revenir au montant demandé supprime
  l'ajustement (l'historique reste dans le journal) ;
- le plan retenu est le plan de la demande recalculé par le modèle de financement de la fiche
  (`aap.demandes.financement.calculer_plan`) sur les lignes retenues : une ligne écartée n'y entre pas (un poste
  écarté ne compte plus dans les temps pleins de la valorisation Ségur), une ligne réduite y entre à son montant
  retenu (un poste réduit garde sa quotité), les lignes dérivées (forfait de 40 %, coûts indirects forfaitaires,
  Ségur) sont recalculées sur la base retenue ; il doit être équilibré (par année et au total) et conforme ;
- `equilibrer_part_departement` ajuste les ressources du Département de chaque année de l'écart entre
  ressources et dépenses retenues, sans descendre sous 0 ni dépasser le montant demandé, et dit quelle autre
  ressource réduire quand cela ne suffit pas.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, replace
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone

from aap.core import audit
from aap.core.models import User
from aap.core.permissions import exiger_dpid
from aap.demandes.choix import STATUTS_EN_INSTRUCTION, Financeur, StatutDemande
from aap.demandes.financement import ZERO, Depense, Ressource, ResultatPlan, arrondi, calculer_plan
from aap.demandes.financement.types import eur_fr
from aap.demandes.models import Demande, LigneDepense, LigneRessource
from aap.demandes.services import contexte_de, depenses_de, ressources_de
from aap.instruction.models import DepenseRetenue, RessourceRetenue
from aap.instruction.services import InstructionImpossible


__all__ = [
    "BudgetRetenu",
    "budget_retenu",
    "EquilibreAnnee",
    "depenses_retenues",
    "equilibrer_part_departement",
    "montant_retenu",
    "montant_retenu_de",
    "plan_retenu",
    "proposer_equilibre",
    "retenir_depense",
    "retenir_lignes",
    "retenir_ressource",
    "ressources_retenues",
]


# --- Calcul pur : les lignes retenues ----------------------------------------------------------------


def depenses_retenues(lignes: Iterable[tuple[Depense, Decimal | None]]) -> list[Depense]:
    """Les dépenses du plan retenu : (dépense demandée, montant retenu ou None si retenue telle quelle).
    Une ligne écartée (0) est ôtée ; une ligne réduite porte son montant retenu."""
    retenues = []
    for depense, montant in lignes:
        if montant is None:
            retenues.append(depense)
        elif montant > 0:
            retenues.append(replace(depense, montant_retenu=arrondi(montant)))
    return retenues


def ressources_retenues(lignes: Iterable[tuple[Ressource, Decimal | None]]) -> list[Ressource]:
    return [r if m is None else replace(r, montant=arrondi(m)) for r, m in lignes if m is None or m > 0]


# --- Lecture : la demande et ses ajustements -------------------------------------------------------


@dataclass(frozen=True)
class BudgetRetenu:
    """Le plan demandé et le plan retenu d'une demande, avec ses lignes (et leur ajustement éventuel)."""

    demande: Demande
    depenses: list[LigneDepense]
    ressources: list[LigneRessource]
    demande_plan: ResultatPlan
    retenu: ResultatPlan

    @property
    def ajustements(self) -> list[LigneDepense | LigneRessource]:
        """Les lignes écartées ou réduites, dépenses puis ressources."""
        return [ligne for ligne in [*self.depenses, *self.ressources] if retenue_de(ligne) is not None]

    @property
    def depenses_ajustees(self) -> list[LigneDepense]:
        return [ligne for ligne in self.depenses if retenue_de(ligne) is not None]

    @property
    def ecart_cout(self) -> Decimal:
        return self.retenu.cout_total - self.demande_plan.cout_total

    @property
    def ecart_departement(self) -> Decimal:
        return self.retenu.montant_departement - self.demande_plan.montant_departement


def retenue_de(ligne: LigneDepense | LigneRessource) -> DepenseRetenue | RessourceRetenue | None:
    try:
        return ligne.retenue
    except (DepenseRetenue.DoesNotExist, RessourceRetenue.DoesNotExist):
        return None


def montant_retenu_de(ligne: LigneDepense | LigneRessource) -> Decimal:
    """Le montant retenu d'une ligne : celui de son ajustement, sinon le montant demandé."""
    retenue = retenue_de(ligne)
    return ligne.montant if retenue is None else retenue.montant_retenu


def _charger(demande: Demande) -> Demande:
    """La demande relue avec ses lignes et leurs ajustements (un seul cache partagé par les calculs)."""
    return (
        Demande.objects.select_related("dispositif")
        .prefetch_related(
            Prefetch("depenses", LigneDepense.objects.select_related("retenue__agent")),
            Prefetch("ressources", LigneRessource.objects.select_related("retenue__agent")),
            "territoires",
        )
        .get(pk=demande.pk)
    )


def budget_retenu(demande: Demande) -> BudgetRetenu:
    """Plan demandé et plan retenu, calculés sur les mêmes lignes relues en base."""
    demande = _charger(demande)
    fiche = demande.dispositif.fiche
    assert fiche is not None, "le plan suppose une fiche détaillée"
    lignes_d, lignes_r = list(demande.depenses.all()), list(demande.ressources.all())
    depenses, ressources = depenses_de(demande), ressources_de(demande)
    contexte = contexte_de(demande)
    retenu = calculer_plan(
        fiche,
        depenses_retenues((d, _montant_ajuste(ligne)) for d, ligne in zip(depenses, lignes_d, strict=True)),
        ressources_retenues((r, _montant_ajuste(ligne)) for r, ligne in zip(ressources, lignes_r, strict=True)),
        contexte,
    )
    return BudgetRetenu(demande, lignes_d, lignes_r, calculer_plan(fiche, depenses, ressources, contexte), retenu)


def _montant_ajuste(ligne: LigneDepense | LigneRessource) -> Decimal | None:
    retenue = retenue_de(ligne)
    return None if retenue is None else retenue.montant_retenu


def plan_retenu(demande: Demande) -> ResultatPlan:
    """Le plan retenu : modèle de financement de la fiche appliqué aux lignes retenues (voir le module)."""
    return budget_retenu(demande).retenu


def montant_retenu(demande: Demande) -> Decimal:
    """La part du Département dans le plan retenu (montant proposé par défaut)."""
    if demande.dispositif.fiche is None:
        return demande.montant_demande
    return plan_retenu(demande).montant_departement


# --- Services : retenir une ligne ------------------------------------------------------------------


def _exiger_agent_dpid(agent: User) -> None:
    exiger_dpid(agent, "Le budget retenu est instruit par les agents de la DPID.")


def _verrouiller_en_instruction(demande_id: int) -> None:
    statut = Demande.objects.select_for_update().filter(pk=demande_id).values_list("statut", flat=True).get()
    if statut not in STATUTS_EN_INSTRUCTION:
        raise InstructionImpossible(
            "Le budget retenu s'instruit sur une demande reçue, en instruction : "
            f"celle-ci est « {StatutDemande(statut).label} »."
        )


def _controler_montant(montant: Decimal, demande_: Decimal) -> Decimal:
    try:
        montant = arrondi(Decimal(montant))
    except (InvalidOperation, TypeError, ValueError) as exc:
        raise InstructionImpossible("Le montant retenu doit être un nombre.") from exc
    if montant < 0:
        raise InstructionImpossible("Le montant retenu ne peut pas être négatif.")
    if montant > demande_:
        raise InstructionImpossible(
            f"Le montant retenu ({eur_fr(montant)}) dépasse le montant demandé ({eur_fr(demande_)}) : "
            "une ligne ne peut qu'être réduite ou écartée."
        )
    return montant


def _retenir(
    ligne: LigneDepense | LigneRessource,
    modele: type[DepenseRetenue] | type[RessourceRetenue],
    action: str,
    agent: User,
    montant: Decimal,
    motif: str,
    at: datetime.datetime | None,
) -> DepenseRetenue | RessourceRetenue | None:
    _exiger_agent_dpid(agent)
    moment = at or timezone.now()
    motif = (motif or "").strip()
    with transaction.atomic():
        _verrouiller_en_instruction(ligne.demande_id)
        ligne = type(ligne).objects.select_related("demande").get(pk=ligne.pk)
        montant = _controler_montant(montant, ligne.montant)
        existant = modele.objects.filter(ligne=ligne).first()
        details = {
            "annee": ligne.annee,
            "ligne": ligne.libelle or str(ligne),
            "montant_demande": ligne.montant,
            "montant_retenu": montant,
        }
        if montant == ligne.montant:
            if existant is None:
                return None
            existant.delete()
            audit.log(agent, action, ligne.demande, at=moment, retablie=True, **details)
            return None
        if not motif:
            raise InstructionImpossible("Motivez la réduction ou l'écart de la ligne : la structure verra ce motif.")
        if existant is not None and existant.montant_retenu == montant and existant.motif == motif:
            return existant
        resultat, _ = modele.objects.update_or_create(
            ligne=ligne, defaults={"montant_retenu": montant, "motif": motif, "agent": agent, "fait_le": moment}
        )
        audit.log(agent, action, ligne.demande, at=moment, ecartee=montant == 0, motif=motif, **details)
    return resultat


def retenir_depense(
    ligne: LigneDepense, agent: User, montant_retenu: Decimal, motif: str, at: datetime.datetime | None = None
) -> DepenseRetenue | None:
    """Écarte (0) ou réduit une dépense, motif obligatoire ; au montant demandé, l'ajustement est supprimé."""
    return _retenir(ligne, DepenseRetenue, "instruction.retenir_depense", agent, montant_retenu, motif, at)


def retenir_ressource(
    ligne: LigneRessource, agent: User, montant_retenu: Decimal, motif: str, at: datetime.datetime | None = None
) -> RessourceRetenue | None:
    """Écarte (0) ou réduit une ressource, motif obligatoire ; au montant demandé, l'ajustement est supprimé."""
    return _retenir(ligne, RessourceRetenue, "instruction.retenir_ressource", agent, montant_retenu, motif, at)


# --- Équilibre : la part du Département ajustée à l'écart de chaque année ----------------------------


@dataclass(frozen=True)
class EquilibreAnnee:
    annee: int
    ecart: Decimal  # ressources − dépenses retenues, avant ajustement
    ajustements: tuple[tuple[LigneRessource, Decimal], ...]  # (ligne du Département, nouveau montant retenu)
    reste: Decimal  # écart que la part du Département ne peut pas résorber
    message: str

    @property
    def equilibree(self) -> bool:
        return self.reste == 0


def proposer_equilibre(budget: BudgetRetenu) -> list[EquilibreAnnee]:
    """Pour chaque année du plan retenu, l'ajustement des ressources du Département qui l'équilibre : baisse de
    l'excédent de ressources (jamais sous 0), ou hausse jusqu'au montant demandé si une baisse antérieure est
    devenue trop forte. Le reste éventuel est expliqué."""
    propositions = []
    for plan in budget.retenu.annees:
        lignes = [r for r in budget.ressources if r.annee == plan.annee and r.financeur == Financeur.DEPARTEMENT]
        ecart = plan.ecart
        reste = ecart
        ajustements = []
        for ligne in lignes:
            if reste == 0:
                break
            actuel = montant_retenu_de(ligne)
            nouveau = max(ZERO, actuel - reste) if reste > 0 else min(ligne.montant, actuel - reste)
            if nouveau != actuel:
                ajustements.append((ligne, nouveau))
                reste -= actuel - nouveau
        propositions.append(
            EquilibreAnnee(plan.annee, ecart, tuple(ajustements), reste, _message(budget, plan.annee, ecart, reste))
        )
    return propositions


def _message(budget: BudgetRetenu, annee: int, ecart: Decimal, reste: Decimal) -> str:
    if ecart == 0:
        return f"En {annee}, le plan retenu est équilibré."
    ajuste = ecart - reste
    debut = (
        f"En {annee}, la part du Département est {'réduite' if ajuste > 0 else 'rétablie'} de {eur_fr(abs(ajuste))}"
        if ajuste
        else f"En {annee}, la part du Département ne peut pas être ajustée"
    )
    if reste == 0:
        return f"{debut} : le plan retenu de l'année est équilibré."
    if reste > 0:
        autres = [
            f"{r.get_financeur_display()} ({eur_fr(montant_retenu_de(r))})"
            for r in budget.ressources
            if r.annee == annee and r.financeur != Financeur.DEPARTEMENT and montant_retenu_de(r) > 0
        ]
        return f"{debut} ; il reste {eur_fr(reste)} de ressources en trop : réduisez aussi " + (
            f"une autre ressource : {', '.join(autres)}." if autres else "une autre ressource."
        )
    return (
        f"{debut} ; les dépenses retenues dépassent encore les ressources de {eur_fr(-reste)} : la part du "
        "Département ne dépasse jamais le montant demandé, revoyez les dépenses ou les autres ressources retenues."
    )


def equilibrer_part_departement(
    demande: Demande, agent: User, at: datetime.datetime | None = None
) -> list[EquilibreAnnee]:
    """Applique `proposer_equilibre` : chaque ressource du Département ajustée (motif explicite, tracé), plus
    une ligne de journal pour l'ensemble ; renvoie les propositions (messages par année)."""
    _exiger_agent_dpid(agent)
    moment = at or timezone.now()
    with transaction.atomic():
        _verrouiller_en_instruction(demande.pk)
        propositions = proposer_equilibre(budget_retenu(demande))
        for proposition in propositions:
            for ligne, nouveau in proposition.ajustements:
                motif = (
                    f"Part du Département ajustée au plan retenu : équilibre des dépenses et des ressources retenues "
                    f"de l'année {proposition.annee}."
                )
                retenir_ressource(ligne, agent, nouveau, motif, at=moment)
        audit.log(
            agent,
            "instruction.equilibrer_budget",
            demande,
            at=moment,
            annees={str(p.annee): p.message for p in propositions},
        )
    return propositions


def retenir_lignes(
    agent: User,
    depenses: Iterable[tuple[LigneDepense, Decimal, str]] = (),
    ressources: Iterable[tuple[LigneRessource, Decimal, str]] = (),
    at: datetime.datetime | None = None,
) -> int:
    """Plusieurs lignes d'un coup (formulaire du budget retenu) : tout ou rien, une ligne de journal par ligne
    modifiée ; renvoie le nombre de lignes passées au service."""
    moment = at or timezone.now()
    nombre = 0
    with transaction.atomic():
        for ligne, montant, motif in depenses:
            retenir_depense(ligne, agent, montant, motif, at=moment)
            nombre += 1
        for ligne, montant, motif in ressources:
            retenir_ressource(ligne, agent, montant, motif, at=moment)
            nombre += 1
    return nombre
