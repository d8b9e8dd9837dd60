"""Génération des conventions d'une séance de la Commission permanente, numérotation annuelle.

Une convention par structure et par séance, couvrant toutes ses opérations approuvées (annexes 1…n). Une
transaction par convention ; relancer la génération ne crée rien de nouveau (les inscriptions déjà couvertes par
une opération sont écartées). Les propositions dont le modèle est « avenant » modifient une convention en cours :
elles ne sont pas générées ici et sont signalées « à traiter par avenant ».
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple

from django.core.files.base import ContentFile
from django.db import models, transaction
from django.utils import timezone

from aap.bilans.services import creer_bilans
from aap.catalogue.models import Edition
from aap.commission.models import Decision, Inscription, SeanceCP, StatutSeance, Vote
from aap.conventions.documents import rendre_convention_avec_modele
from aap.conventions.models import Convention, Numerotation, Operation, StatutConvention
from aap.conventions.regles import conventionnement, regles_operation
from aap.core import audit
from aap.core.models import User
from aap.instruction.models import ModeleConvention
from aap.versements.services import creer_echeancier


Progression = Callable[[int, int, str], None]
FORMAT_PAR_DEFAUT = "{annee}-{sequence:05d}"
ENGAGEMENTS = ("etp", "places", "dsp", "participants", "postes_insertion")


class GenerationImpossible(Exception):  # noqa: N818 - nom du contrat d'API
    """La séance ne permet pas (encore) de générer des conventions ; le message dit pourquoi."""


class Numero(NamedTuple):
    annee: int
    sequence: int
    texte: str


def numero_suivant(annee: int, format_numero: str | None = None) -> Numero:
    """Attribue le prochain numéro de l'année, sous verrou de la ligne `Numerotation` de l'année.

    Le compteur ne redescend jamais : un numéro attribué (convention résiliée comprise) n'est jamais réutilisé.
    Il ne repart pas non plus sous un numéro déjà porté par une convention (reprise de données)."""
    if format_numero is None:
        edition = Edition.objects.filter(annee=annee).first()
        format_numero = (edition.conventionnement or {}).get("format_numero") if edition else None
    with transaction.atomic():
        Numerotation.objects.bulk_create([Numerotation(annee=annee)], ignore_conflicts=True)
        compteur = Numerotation.objects.select_for_update().get(annee=annee)
        deja = Convention.objects.filter(annee=annee).aggregate(m=models.Max("sequence"))["m"] or 0
        compteur.dernier = max(compteur.dernier, deja) + 1
        compteur.save(update_fields=["dernier"])
    texte = (format_numero or FORMAT_PAR_DEFAUT).format(annee=annee, sequence=compteur.dernier)
    return Numero(annee, compteur.dernier, texte)


def verifier_seance(seance: SeanceCP) -> None:
    vote = Vote.objects.filter(seance=seance).first()
    if seance.statut not in (StatutSeance.VOTEE, StatutSeance.CLOTUREE) or vote is None:
        raise GenerationImpossible(f"Le vote de la CP du {seance.date:%d/%m/%Y} n'est pas encore enregistré.")
    if not vote.adopte:
        raise GenerationImpossible(f"Le rapport de la CP du {seance.date:%d/%m/%Y} n'a pas été adopté.")


def inscriptions_approuvees(seance: SeanceCP) -> models.QuerySet[Inscription]:
    """Les inscriptions approuvées à un montant positif, avec leur demande, structure et dispositif."""
    return (
        Inscription.objects.filter(seance=seance, decision=Decision.APPROUVEE, montant_vote__gt=0)
        .select_related("proposition__demande__structure", "proposition__demande__dispositif__edition")
        .order_by(
            "proposition__demande__structure__raison_sociale",
            "proposition__demande__dispositif__axe__numero",
            "proposition__demande__dispositif__ordre",
            "pk",
        )
    )


def a_traiter_par_avenant(seance: SeanceCP) -> list[Inscription]:
    return list(inscriptions_approuvees(seance).filter(proposition__modele_convention=ModeleConvention.AVENANT))


@dataclass
class CompteRendu:
    """Ce que la génération a fait, pour l'affichage (tâche, commande)."""

    creees: list[Convention] = field(default_factory=list)
    completees: list[Convention] = field(default_factory=list)
    par_avenant: list[Inscription] = field(default_factory=list)
    convention_signee: list[Inscription] = field(default_factory=list)

    def lignes(self) -> list[str]:
        lignes = [f"Convention {c.numero} générée : {c.structure} ({c.montant} €)" for c in self.creees]
        lignes += [f"Convention {c.numero} complétée de nouvelles opérations" for c in self.completees]
        lignes += [
            f"À traiter par avenant : {i.proposition.demande.reference} ({i.proposition.demande.structure})"
            for i in self.par_avenant
        ]
        lignes += [
            f"Convention déjà envoyée ou signée, à traiter par avenant : {i.proposition.demande.reference}"
            for i in self.convention_signee
        ]
        return lignes


def generer_conventions_seance(
    seance: SeanceCP,
    acteur: User,
    at: datetime.datetime | None = None,
    progression: Progression | None = None,
    compte: CompteRendu | None = None,
) -> list[Convention]:
    """Génère (ou complète, tant qu'elle est « générée ») la convention de chaque structure dont une inscription
    approuvée n'est pas encore conventionnée ; rend les conventions créées ou complétées."""
    verifier_seance(seance)
    at = at or timezone.now()
    compte = compte if compte is not None else CompteRendu()
    signaler = progression or (lambda _fait, _total, _etape: None)
    a_faire = inscriptions_approuvees(seance).filter(operation__isnull=True)
    compte.par_avenant = list(a_faire.filter(proposition__modele_convention=ModeleConvention.AVENANT))
    structures = list(
        dict.fromkeys(
            a_faire.exclude(proposition__modele_convention=ModeleConvention.AVENANT).values_list(
                "proposition__demande__structure_id", flat=True
            )
        )
    )
    traitees: list[Convention] = []
    for rang, structure_id in enumerate(structures):
        signaler(rang, len(structures), f"Convention {rang + 1} sur {len(structures)}")
        convention = _generer_pour_structure(seance, structure_id, acteur, at, compte)
        if convention is not None:
            traitees.append(convention)
    signaler(len(structures), len(structures), "Conventions générées")
    return traitees


def _generer_pour_structure(
    seance: SeanceCP, structure_id: int, acteur: User, at: datetime.datetime, compte: CompteRendu
) -> Convention | None:
    with transaction.atomic():
        inscriptions = list(
            inscriptions_approuvees(seance)
            .filter(proposition__demande__structure_id=structure_id, operation__isnull=True)
            .exclude(proposition__modele_convention=ModeleConvention.AVENANT)
            .select_related("proposition")
            .select_for_update(of=("self",))
        )
        if not inscriptions:
            return None  # une autre génération vient de les couvrir
        convention = Convention.objects.select_for_update().filter(seance=seance, structure_id=structure_id).first()
        if convention is not None and convention.statut != StatutConvention.GENEREE:
            compte.convention_signee.extend(inscriptions)
            return None
        creation = convention is None
        if creation:
            convention = _nouvelle_convention(seance, inscriptions, acteur, at)
        premier_rang = (convention.operations.aggregate(m=models.Max("rang"))["m"] or 0) + 1
        for rang, inscription in enumerate(inscriptions, start=premier_rang):
            _creer_operation(convention, inscription, rang)
        _recalculer(convention)
        _rendre(convention)
        audit.log(
            acteur,
            "convention.generer" if creation else "convention.completer",
            convention,
            at=at,
            numero=convention.numero,
            seance=seance.date.isoformat(),
            operations=[i.proposition.demande.reference for i in inscriptions],
            montant=convention.montant,
        )
    (compte.creees if creation else compte.completees).append(convention)
    return convention


def _nouvelle_convention(
    seance: SeanceCP, inscriptions: list[Inscription], acteur: User, at: datetime.datetime
) -> Convention:
    demande = inscriptions[0].proposition.demande
    numero = numero_suivant(seance.date.year, conventionnement(demande.dispositif).get("format_numero"))
    return Convention.objects.create(
        numero=numero.texte,
        annee=numero.annee,
        sequence=numero.sequence,
        edition=seance.edition,
        structure=demande.structure,
        seance=seance,
        objet="",
        montant=Decimal(0),
        date_debut=min(i.proposition.date_debut for i in inscriptions),
        date_fin=max(i.proposition.date_fin for i in inscriptions),
        generee_par=acteur,
        generee_le=at,
    )


def _creer_operation(convention: Convention, inscription: Inscription, rang: int) -> Operation:
    proposition = inscription.proposition
    demande = proposition.demande
    operation = Operation.objects.create(
        convention=convention,
        inscription=inscription,
        demande=demande,
        dispositif=demande.dispositif,
        rang=rang,
        intitule=demande.intitule[:255],
        montant=inscription.montant_vote,
        date_debut=proposition.date_debut,
        date_fin=proposition.date_fin,
        engagements={
            nom: str(getattr(proposition, nom)) for nom in ENGAGEMENTS if getattr(proposition, nom) is not None
        },
        regles=regles_operation(demande.dispositif),
    )
    creer_echeancier(operation)
    creer_bilans(operation)
    return operation


def _recalculer(convention: Convention) -> None:
    """Montant = somme des opérations, période = de la première à la dernière date, objet."""
    operations = list(convention.operations.select_related("dispositif").order_by("rang"))
    dispositifs = ", ".join(dict.fromkeys(op.dispositif.titre for op in operations))
    convention.montant = sum((op.montant for op in operations), Decimal(0))
    convention.date_debut = min(op.date_debut for op in operations)
    convention.date_fin = max(op.date_fin for op in operations)
    objet = f"Définition du partenariat entre le Département et {convention.structure.raison_sociale} – {dispositifs}"
    convention.objet = objet[:500]
    convention.save(update_fields=["montant", "date_debut", "date_fin", "objet"])


def _rendre(convention: Convention) -> None:
    contenu, modele = rendre_convention_avec_modele(convention)
    if convention.fichier:
        convention.fichier.delete(save=False)
    convention.fichier.save(f"convention-{convention.numero}.docx", ContentFile(contenu), save=False)
    convention.modele = modele
    convention.save(update_fields=["fichier", "modele"])


def regenerer_document(convention: Convention, acteur: User, at: datetime.datetime | None = None) -> Convention:
    """Refait le DOCX (après le téléversement d'un modèle, par exemple) tant que la convention est « générée »."""
    with transaction.atomic():
        convention = Convention.objects.select_for_update().get(pk=convention.pk)
        if convention.statut != StatutConvention.GENEREE:
            raise GenerationImpossible(
                f"La convention {convention.numero} a déjà été envoyée : son document ne peut plus être refait."
            )
        _rendre(convention)
        audit.log(acteur, "convention.regenerer", convention, at=at, modele=convention.modele_id)
    return convention
