"""Lectures de la Commission permanente pour les pages des agents (et le bloc « décision » des porteurs)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import PurePosixPath
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum

from aap.commission.models import Decision, GenerationDocuments, Inscription, SeanceCP
from aap.core.models import User
from aap.demandes.models import Demande


def seances_avec_totaux() -> QuerySet[SeanceCP]:
    return SeanceCP.objects.select_related("edition").annotate(
        nb_inscriptions=Count("inscriptions", distinct=True),
        total_propose=Sum("inscriptions__proposition__montant"),
        total_vote=Sum("inscriptions__montant_vote", filter=Q(inscriptions__decision=Decision.APPROUVEE)),
        nb_decisions=Count("inscriptions", filter=~Q(inscriptions__decision=""), distinct=True),
    )


def inscriptions_de(seance: SeanceCP) -> QuerySet[Inscription]:
    return seance.inscriptions.select_related(
        "proposition__demande__structure",
        "proposition__demande__dispositif__axe",
        "proposition__territoire",
    ).order_by(
        "proposition__demande__dispositif__axe__numero",
        "proposition__demande__dispositif__code",
        "proposition__territoire__ordre",
        "proposition__demande__structure__raison_sociale",
    )


@dataclass
class Thematique:
    numero: int | None
    libelle: str
    inscriptions: list[Inscription] = field(default_factory=list)

    @property
    def total_propose(self) -> Decimal:
        return sum((i.proposition.montant for i in self.inscriptions), Decimal("0.00"))

    @property
    def total_vote(self) -> Decimal:
        return sum((i.montant_vote or Decimal("0.00") for i in self.inscriptions), Decimal("0.00"))


def par_thematique(inscriptions: list[Inscription]) -> list[Thematique]:
    """Les inscriptions groupées par thématique (l'axe du dispositif), dans l'ordre des axes."""
    groupes: dict[int | None, Thematique] = {}
    for inscription in inscriptions:
        axe = inscription.proposition.demande.dispositif.axe
        cle = axe.numero if axe else None
        if cle not in groupes:
            groupes[cle] = Thematique(cle, axe.libelle if axe else "Sans thématique")
        groupes[cle].inscriptions.append(inscription)
    return list(groupes.values())


@dataclass(frozen=True)
class ControleAffiche:
    code: str
    message: str
    niveau: str
    demande: Demande | None


@dataclass(frozen=True)
class Controles:
    disponibles: bool
    erreurs: list[ControleAffiche]
    avertissements: list[ControleAffiche]
    message: str = ""

    @property
    def bloquant(self) -> bool:
        return not self.disponibles or bool(self.erreurs)


def demande_citee(message: str, inscriptions: list[Inscription]) -> Demande | None:
    """La demande inscrite dont un message de contrôle parle : par sa référence, sinon par « la structure »
    (et son territoire d'annexe quand la structure a plusieurs lignes)."""
    demandes = [i.proposition.demande for i in inscriptions]
    for demande in demandes:
        if demande.reference in message:
            return demande
    candidates = [i for i in inscriptions if f"« {i.proposition.demande.structure.raison_sociale} »" in message]
    precises = [i for i in candidates if f"({i.proposition.territoire.nom}," in message]
    choisies = precises or candidates
    return choisies[0].proposition.demande if choisies else None


def controles(seance: SeanceCP, inscriptions: list[Inscription]) -> Controles:
    """Les contrôles de cohérence du dossier de la séance, chacun relié à la demande à corriger quand il en
    nomme une."""
    from aap.commission.coherence import controler  # import tardif : la fiche des demandes lit ce module
    from aap.commission.dossier import construire_dossier

    try:
        incoherences = controler(construire_dossier(seance))
    except Exception as exc:  # noqa: BLE001 - un dossier impossible à construire bloque, avec sa raison
        return Controles(False, [], [], f"Le dossier de la séance n'a pas pu être construit : {exc}")
    affiches = [
        ControleAffiche(i.code, i.message, i.niveau, demande_citee(i.message, inscriptions)) for i in incoherences
    ]
    return Controles(
        True,
        [a for a in affiches if a.niveau == "erreur"],
        [a for a in affiches if a.niveau != "erreur"],
    )


def derniere_generation(seance: SeanceCP) -> GenerationDocuments | None:
    return seance.generations.select_related("demandee_par").order_by("-demandee_le", "-pk").first()


FORMATS = {".docx": "Word", ".pdf": "PDF", ".xlsx": "Excel", ".odt": "OpenDocument", ".zip": "archive"}


def documents_de(generation: GenerationDocuments | None) -> list[tuple[int, str, str]]:
    """(index, nom du fichier, format) des fichiers produits par une génération terminée."""
    if generation is None:
        return []
    noms = [PurePosixPath(chemin).name for chemin in generation.fichiers]
    return [(i, nom, FORMATS.get(PurePosixPath(nom).suffix.lower(), "fichier")) for i, nom in enumerate(noms)]


def contexte_decision(demande: Demande, user: User) -> dict[str, Any]:
    """Pour la fiche d'une demande : la dernière décision de la CP sur elle. Le porteur ne la voit qu'une fois
    notifiée (avec le courrier) ; l'agent la voit dès qu'elle est enregistrée."""
    inscriptions = Inscription.objects.filter(proposition__demande=demande).exclude(decision="")
    if not user.est_agent:
        inscriptions = inscriptions.filter(notifiee_le__isnull=False)
    return {"decision_cp": inscriptions.select_related("seance", "proposition").order_by("-seance__date").first()}
