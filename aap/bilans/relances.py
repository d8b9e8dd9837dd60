"""Relances par courriel avant et après chaque échéance (bilans non acceptés, documents annuels manquants).

Un rappel part le jour J − n pour chaque n de `relances.jours_avant` et le jour J + n pour chaque n de
`relances.jours_apres` (section `conventionnement:` de l'édition). Chaque envoi est consigné dans `Relance` sous
une clé unique : relancer le même jour n'envoie rien deux fois ; un jour manqué n'est pas rattrapé (seuls les
rappels du jour passé en paramètre partent)."""

from __future__ import annotations

import datetime
import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction
from django.urls import reverse

from aap.bilans import emails
from aap.bilans.models import Bilan, Relance
from aap.bilans.rules import STATUTS_OBLIGEANTS, PieceDue, pieces_dues
from aap.bilans.workflow import STATUTS_A_SAISIR
from aap.conventions.models import Convention, StatutConvention
from aap.core import audit
from aap.core.models import User
from aap.structures.emails import url_absolue
from aap.structures.models import Structure


@dataclass
class Rappel:
    """Un courriel à envoyer aujourd'hui (avant consignation)."""

    cle: str
    objet: str
    echeance: datetime.date
    decalage: int
    gabarit: str
    contexte: dict[str, Any]
    structure: Structure
    cc: list[str] = field(default_factory=list)


def decalage_du_jour(echeance: datetime.date, jour: datetime.date, relances: dict[str, Any]) -> int | None:
    """Le décalage (négatif avant l'échéance) si `jour` est un jour de relance de `echeance`, sinon None."""
    ecart = (jour - echeance).days
    if ecart < 0 and -ecart in relances.get("jours_avant", []):
        return ecart
    if ecart > 0 and ecart in relances.get("jours_apres", []):
        return ecart
    return None


def _quand(decalage: int) -> str:
    jours = abs(decalage)
    return (
        f"dans {jours} jour{'s' if jours > 1 else ''}"
        if decalage < 0
        else f"en retard de {jours} jour{'s' * (jours > 1)}"
    )


def rappels_bilans(jour: datetime.date) -> Iterator[Rappel]:
    bilans = (
        Bilan.objects.filter(statut__in=STATUTS_A_SAISIR, operation__convention__statut=StatutConvention.SIGNEE)
        .select_related("operation__convention__structure", "operation__convention__edition")
        .order_by("echeance", "pk")
    )
    for bilan in bilans:
        regles = bilan.operation.convention.edition.conventionnement
        decalage = decalage_du_jour(bilan.echeance, jour, regles.get("relances", {}))
        if decalage is None:
            continue
        yield Rappel(
            cle=f"bilan:{bilan.pk}:{bilan.echeance.isoformat()}:{decalage}",
            objet=f"{bilan.libelle} — {bilan.operation.intitule}"[:255],
            echeance=bilan.echeance,
            decalage=decalage,
            gabarit="relance_bilan",
            contexte={"bilan": bilan, "lien": url_absolue(reverse("bilans:saisir", args=[bilan.pk]))},
            structure=bilan.operation.convention.structure,
            cc=[regles["mail_gestionnaire"]] if regles.get("mail_gestionnaire") else [],
        )


def rappels_documents(jour: datetime.date) -> Iterator[Rappel]:
    structures = Structure.objects.filter(
        pk__in=Convention.objects.filter(statut__in=STATUTS_OBLIGEANTS).values("structure_id")
    ).order_by("raison_sociale", "pk")
    for structure in structures:
        convention = (
            Convention.objects.filter(structure=structure, statut__in=STATUTS_OBLIGEANTS)
            .select_related("edition")
            .order_by("-edition__annee")
            .first()
        )
        regles = convention.edition.conventionnement
        manquantes = [p for p in pieces_dues(structure) if not p.fournie]
        groupes: Callable[[PieceDue], tuple[int, datetime.date]] = lambda p: (p.exercice, p.echeance)  # noqa: E731
        for (exercice, echeance), pieces in itertools.groupby(sorted(manquantes, key=groupes), key=groupes):
            decalage = decalage_du_jour(echeance, jour, regles.get("relances", {}))
            if decalage is None:
                continue
            yield Rappel(
                cle=f"annuel:{structure.pk}:{exercice}:{echeance.isoformat()}:{decalage}",
                objet=f"Documents annuels {exercice} — {structure.raison_sociale}"[:255],
                echeance=echeance,
                decalage=decalage,
                gabarit="relance_documents",
                contexte={
                    "structure": structure,
                    "exercice": exercice,
                    "pieces": list(pieces),
                    "lien": url_absolue(reverse("bilans:documents_annuels", args=[structure.pk])),
                },
                structure=structure,
                cc=[regles["mail_gestionnaire"]] if regles.get("mail_gestionnaire") else [],
            )


def _envoyer(rappel: Rappel, acteur: User | None) -> Relance | None:
    """Consigne puis envoie le rappel ; None s'il est déjà parti (clé existante) ou sans destinataire."""
    destinataires = emails.membres_actifs(rappel.structure)
    if not destinataires:
        return None
    contexte = {**rappel.contexte, "echeance": rappel.echeance, "decalage": rappel.decalage}
    contexte["quand"] = _quand(rappel.decalage)
    try:
        with transaction.atomic():
            relance = Relance.objects.create(
                cle=rappel.cle,
                objet=rappel.objet,
                echeance=rappel.echeance,
                decalage_jours=rappel.decalage,
                destinataires=[*destinataires, *rappel.cc],
            )
            emails.envoyer(rappel.gabarit, contexte, destinataires, rappel.cc)
            audit.log(acteur, "relance.envoyer", relance, cle=rappel.cle, structure=rappel.structure.pk)
    except IntegrityError:
        return None
    return relance


def envoyer_relances(
    jour: datetime.date, acteur: User | None = None, progression: Callable[[int, int, str], None] | None = None
) -> list[Relance]:
    """Envoie les rappels du `jour` qui ne sont pas déjà partis ; renvoie les relances envoyées."""
    rappels = [*rappels_bilans(jour), *rappels_documents(jour)]
    deja = set(Relance.objects.filter(cle__in=[r.cle for r in rappels]).values_list("cle", flat=True))
    envoyees = []
    for index, rappel in enumerate(rappels):
        if progression is not None:
            progression(index, len(rappels), f"Relance {index + 1} sur {len(rappels)}")
        if rappel.cle in deja:
            continue
        relance = _envoyer(rappel, acteur)
        if relance is not None:
            envoyees.append(relance)
    return envoyees
