"""Enveloppes et lignes budgétaires : chiffres du tableau de bord et règles de blocage.

Une demande reçue tire sur l'enveloppe (dispositif, territoire de l'annexe) si elle existe, sinon sur l'enveloppe
(dispositif, tous territoires), et sur la ligne de cette enveloppe, sinon sur la ligne du dispositif. Le
territoire de l'annexe est celui de la proposition, à défaut le territoire unique de la demande, à défaut le
périmètre « Département ».

- demandé : montants demandés des demandes reçues (validées, en compléments, ajournées) ;
- proposé : propositions des demandes encore en instruction (validées, ajournées) non encore votées ;
- voté : montants votés des inscriptions approuvées par la Commission permanente ;
- reste d'une enveloppe = montant − proposé − voté ;
- ligne : disponible = AE − déjà engagé − voté ; solde = disponible − proposé.

Une proposition qui ferait passer proposé + voté au-delà de l'enveloppe ou du disponible de la ligne est bloquée
(`Depassement`), au centime : l'égalité passe.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Sum

from aap.catalogue.models import Dispositif, Edition, LigneBudgetaire
from aap.commission.models import Decision, Inscription
from aap.core.models import Territoire
from aap.core.templatetags.aap_ui import euros
from aap.demandes.choix import STATUTS_EN_INSTRUCTION, StatutDemande
from aap.demandes.models import Demande
from aap.instruction.models import Enveloppe, Proposition


ZERO = Decimal("0.00")
#: Demandes reçues par le Département et pas encore décidées : elles forment le « demandé ».
STATUTS_RECUES = frozenset({StatutDemande.VALIDEE, StatutDemande.COMPLEMENTS, StatutDemande.AJOURNEE})


# --- Rattachement d'une demande à son enveloppe et à sa ligne -------------------------------------------------


def territoire_departement() -> Territoire:
    return Territoire.objects.get(est_departement=True)


def territoire_par_defaut(demande: Demande) -> Territoire:
    """Le territoire unique de la demande, sinon le périmètre « Département » (opération multi-territoires)."""
    territoires = list(demande.territoires.all()[:2])
    return territoires[0] if len(territoires) == 1 else territoire_departement()


def enveloppe_pour(dispositif: Dispositif, territoire_id: int | None) -> Enveloppe | None:
    """L'enveloppe du dispositif pour ce territoire, sinon celle du dispositif tous territoires, sinon None."""
    enveloppes = {e.territoire_id: e for e in Enveloppe.objects.filter(dispositif=dispositif).select_related("ligne")}
    return enveloppes.get(territoire_id) or enveloppes.get(None)


def ligne_pour(dispositif: Dispositif, enveloppe: Enveloppe | None) -> LigneBudgetaire | None:
    if enveloppe is not None:
        return enveloppe.ligne
    return dispositif.ligne_budgetaire


# --- Engagements d'une enveloppe ou d'une ligne (règle de blocage) ----------------------------------------------


def propositions_en_cours() -> QuerySet[Proposition]:
    """Propositions qui comptent dans le « proposé » : demande en instruction, pas encore votée."""
    approuvees = Inscription.objects.filter(proposition=OuterRef("pk"), decision=Decision.APPROUVEE)
    return Proposition.objects.filter(demande__statut__in=STATUTS_EN_INSTRUCTION).exclude(Exists(approuvees))


def inscriptions_votees() -> QuerySet[Inscription]:
    return Inscription.objects.filter(decision=Decision.APPROUVEE)


@dataclass(frozen=True)
class Engagement:
    propose: Decimal
    vote: Decimal

    @property
    def total(self) -> Decimal:
        return self.propose + self.vote


def engagement(*, enveloppe: Enveloppe | None = None, ligne: LigneBudgetaire | None = None, sauf: int | None = None):
    """Proposé et voté sur une enveloppe ou une ligne, sans la proposition `sauf` (celle qu'on remplace)."""
    filtre = Q(enveloppe=enveloppe) if enveloppe is not None else Q(ligne=ligne)
    filtre_vote = Q(proposition__enveloppe=enveloppe) if enveloppe is not None else Q(proposition__ligne=ligne)
    propose = propositions_en_cours().filter(filtre).exclude(pk=sauf).aggregate(s=Sum("montant"))["s"]
    vote = inscriptions_votees().filter(filtre_vote).aggregate(s=Sum("montant_vote"))["s"]
    return Engagement(propose or ZERO, vote or ZERO)


@dataclass(frozen=True)
class Depassement:
    """Ce qu'une opération ferait dépasser : une enveloppe ou le disponible d'une ligne, chiffres à l'appui."""

    objet: str
    plafond: Decimal
    propose: Decimal
    vote: Decimal
    montant: Decimal

    @property
    def reste(self) -> Decimal:
        return self.plafond - self.propose - self.vote

    @property
    def exces(self) -> Decimal:
        return self.montant - self.reste

    def __str__(self) -> str:
        return (
            f"{self.objet} : plafond {euros(self.plafond)}, déjà proposé {euros(self.propose)}, "
            f"déjà voté {euros(self.vote)}, reste {euros(self.reste)} ; "
            f"{euros(self.montant)} demandés ici, dépassement de {euros(self.exces)}."
        )


class DepassementBudget(Exception):
    """L'opération ferait dépasser une enveloppe ou l'AE disponible d'une ligne : elle est bloquée."""

    def __init__(self, depassements: list[Depassement]) -> None:
        self.depassements = depassements
        super().__init__(" ".join(str(d) for d in depassements))


def libelle_enveloppe(enveloppe: Enveloppe) -> str:
    portee = enveloppe.territoire.nom if enveloppe.territoire_id else "tous territoires"
    return f"L'enveloppe du dispositif {enveloppe.dispositif.code} ({portee})"


def libelle_ligne(ligne: LigneBudgetaire) -> str:
    return f"La ligne {ligne.code_operation} (AE disponible = AE − déjà engagé)"


def depassements(
    montant: Decimal,
    enveloppe: Enveloppe | None,
    ligne: LigneBudgetaire | None,
    sauf: int | None = None,
) -> list[Depassement]:
    """Les dépassements que provoquerait `montant` ajouté à l'enveloppe et à la ligne (hors proposition `sauf`).

    À appeler dans la transaction, après avoir verrouillé la ligne puis l'enveloppe (`verrouiller`)."""
    resultat = []
    if enveloppe is not None:
        e = engagement(enveloppe=enveloppe, sauf=sauf)
        if e.total + montant > enveloppe.montant:
            resultat.append(Depassement(libelle_enveloppe(enveloppe), enveloppe.montant, e.propose, e.vote, montant))
    if ligne is not None:
        e = engagement(ligne=ligne, sauf=sauf)
        plafond = ligne.ae - ligne.deja_engage
        if e.total + montant > plafond:
            resultat.append(Depassement(libelle_ligne(ligne), plafond, e.propose, e.vote, montant))
    return resultat


def verrouiller(enveloppe: Enveloppe | None, ligne: LigneBudgetaire | None) -> None:
    """Verrouille la ligne puis l'enveloppe (toujours dans cet ordre : pas d'interblocage) jusqu'à la fin de la
    transaction : deux agents qui tirent sur la même ligne ou la même enveloppe passent l'un après l'autre, et
    le second voit la proposition du premier."""
    if ligne is not None:
        list(LigneBudgetaire.objects.select_for_update().filter(pk=ligne.pk).order_by().values_list("pk"))
    if enveloppe is not None:
        list(Enveloppe.objects.select_for_update().filter(pk=enveloppe.pk).order_by().values_list("pk"))


# --- Chiffres du tableau de bord --------------------------------------------------------------------------------


@dataclass
class Chiffres:
    demande: Decimal = ZERO
    nb_demandes: int = 0
    propose: Decimal = ZERO
    nb_propositions: int = 0
    vote: Decimal = ZERO

    @property
    def engage(self) -> Decimal:
        return self.propose + self.vote


@dataclass
class ChiffresEnveloppe(Chiffres):
    enveloppe: Enveloppe | None = None

    @property
    def montant(self) -> Decimal:
        return self.enveloppe.montant if self.enveloppe else ZERO

    @property
    def reste(self) -> Decimal:
        return self.montant - self.engage

    @property
    def depasse(self) -> bool:
        return self.reste < 0

    @property
    def taux(self) -> int:
        """Part engagée de l'enveloppe, en %, bornée à 100 pour la barre (le texte dit le dépassement)."""
        return taux(self.engage, self.montant)


@dataclass
class ChiffresLigne(Chiffres):
    ligne: LigneBudgetaire | None = None
    enveloppes: list[ChiffresEnveloppe] = field(default_factory=list)
    hors_enveloppe: Chiffres = field(default_factory=Chiffres)

    @property
    def plafond(self) -> Decimal:
        """AE moins ce qui était engagé avant l'application."""
        return self.ligne.ae - self.ligne.deja_engage

    @property
    def disponible(self) -> Decimal:
        return self.plafond - self.vote

    @property
    def solde(self) -> Decimal:
        return self.disponible - self.propose

    @property
    def depasse(self) -> bool:
        return self.solde < 0

    @property
    def total_enveloppes(self) -> Decimal:
        return sum((c.montant for c in self.enveloppes), ZERO)

    @property
    def enveloppes_au_dela_du_disponible(self) -> bool:
        """Les enveloppes de la ligne promettent plus que l'AE disponible (avertissement, pas un blocage)."""
        return self.total_enveloppes > self.plafond

    @property
    def taux(self) -> int:
        return taux(self.engage, self.plafond)


def taux(engage: Decimal, plafond: Decimal) -> int:
    if plafond <= 0:
        return 100 if engage > 0 else 0
    return min(100, int(engage * 100 / plafond))


@dataclass
class TableauDeBord:
    edition: Edition
    lignes: list[ChiffresLigne]
    sans_ligne: Chiffres

    @property
    def total(self) -> Chiffres:
        total = Chiffres()
        for c in [*self.lignes, self.sans_ligne]:
            _ajouter(total, c)
        return total


def _ajouter(cible: Chiffres, source: Chiffres) -> None:
    cible.demande += source.demande
    cible.nb_demandes += source.nb_demandes
    cible.propose += source.propose
    cible.nb_propositions += source.nb_propositions
    cible.vote += source.vote


def tableau_de_bord(edition: Edition) -> TableauDeBord:
    """Demandé / proposé / voté / reste par enveloppe et par ligne de l'édition, en huit requêtes."""
    lignes = {lg.pk: ChiffresLigne(ligne=lg) for lg in LigneBudgetaire.objects.filter(edition=edition)}
    enveloppes = list(
        Enveloppe.objects.filter(dispositif__edition=edition)
        .select_related("dispositif", "territoire", "ligne")
        .order_by("dispositif__axe__numero", "dispositif__ordre", F("territoire__ordre").asc(nulls_first=True))
    )
    par_cle = {(e.dispositif_id, e.territoire_id): e for e in enveloppes}
    chiffres_env = {e.pk: ChiffresEnveloppe(enveloppe=e) for e in enveloppes}
    for e in enveloppes:
        lignes[e.ligne_id].enveloppes.append(chiffres_env[e.pk])
    sans_ligne = Chiffres()

    def cible(enveloppe_id: int | None, ligne_id: int | None) -> list[Chiffres]:
        if enveloppe_id is not None:
            return [chiffres_env[enveloppe_id], lignes[ligne_id]]
        if ligne_id is not None and ligne_id in lignes:
            return [lignes[ligne_id].hors_enveloppe, lignes[ligne_id]]
        return [sans_ligne]

    # Demandé : chaque demande reçue rejoint l'enveloppe que sa proposition (ou sa future proposition) tirerait.
    ligne_du_dispositif = dict(Dispositif.objects.filter(edition=edition).values_list("pk", "ligne_budgetaire_id"))
    departement = Territoire.objects.filter(est_departement=True).values_list("pk", flat=True).first()
    recues = Demande.objects.filter(dispositif__edition=edition, statut__in=STATUTS_RECUES)
    territoires: dict[int, list[int]] = defaultdict(list)
    for demande_id, territoire_id in Demande.territoires.through.objects.filter(demande__in=recues).values_list(
        "demande_id", "territoire_id"
    ):
        territoires[demande_id].append(territoire_id)
    for pk, dispositif_id, montant, territoire_propose in recues.values_list(
        "pk", "dispositif_id", "montant_demande", "proposition__territoire_id"
    ):
        if territoire_propose is None:
            territoire_propose = territoires[pk][0] if len(territoires[pk]) == 1 else departement
        enveloppe = par_cle.get((dispositif_id, territoire_propose)) or par_cle.get((dispositif_id, None))
        ligne_id = enveloppe.ligne_id if enveloppe else ligne_du_dispositif.get(dispositif_id)
        for c in cible(enveloppe.pk if enveloppe else None, ligne_id):
            c.demande += montant
            c.nb_demandes += 1

    proposees = (
        propositions_en_cours()
        .filter(demande__dispositif__edition=edition)
        .values("enveloppe_id", "ligne_id")
        .annotate(s=Sum("montant"), n=Count("pk"))
    )
    for row in proposees:
        for c in cible(row["enveloppe_id"], row["ligne_id"]):
            c.propose += row["s"]
            c.nb_propositions += row["n"]
    votees = (
        inscriptions_votees()
        .filter(proposition__demande__dispositif__edition=edition)
        .values("proposition__enveloppe_id", "proposition__ligne_id")
        .annotate(s=Sum("montant_vote"))
    )
    for row in votees:
        for c in cible(row["proposition__enveloppe_id"], row["proposition__ligne_id"]):
            c.vote += row["s"]
    return TableauDeBord(edition=edition, lignes=list(lignes.values()), sans_ligne=sans_ligne)


def chiffres_enveloppe(enveloppe: Enveloppe) -> ChiffresEnveloppe:
    """Les chiffres d'une seule enveloppe (page de simulation)."""
    tableau = tableau_de_bord(enveloppe.dispositif.edition)
    for ligne in tableau.lignes:
        for c in ligne.enveloppes:
            if c.enveloppe.pk == enveloppe.pk:
                return c
    raise LookupError(enveloppe)
