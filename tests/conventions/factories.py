"""Fabriques des conventions : une convention tirée d'inscriptions approuvées d'une même structure, avec son
échéancier et ses bilans (par les services des versements et des bilans), sans passer par la génération Word.

    convention = fabriquer_convention(statut="signee")            # une opération 5.x (modèle F01) de 10 000 €
    convention = fabriquer_convention(montants=[Decimal("1000.00"), Decimal("2500.50")])  # deux opérations
"""

from __future__ import annotations

import itertools
from decimal import Decimal

from django.utils import timezone

from aap.bilans.services import creer_bilans
from aap.commission.models import Decision, Inscription
from aap.conventions.models import Convention, Operation, StatutConvention
from aap.conventions.regles import regles_operation
from aap.demandes.choix import StatutDemande
from aap.structures.models import Structure
from aap.versements.services import creer_echeancier
from tests.commission.factories import InscriptionFactory, SeanceCPFactory
from tests.demandes.factories import DemandeFactory
from tests.factories import StructureFactory, UserFactory
from tests.instruction.factories import PropositionFactory


_sequence = itertools.count(1)


def inscription_approuvee(structure: Structure, montant: Decimal, seance=None, **demande) -> Inscription:
    demande_obj = DemandeFactory(structure=structure, statut=StatutDemande.ACCORDEE, budget=True, **demande)
    proposition = PropositionFactory(demande=demande_obj, montant=montant)
    return InscriptionFactory(
        seance=seance or SeanceCPFactory(),
        proposition=proposition,
        decision=Decision.APPROUVEE,
        montant_vote=montant,
        decidee_le=timezone.now(),
    )


def fabriquer_convention(
    *,
    structure: Structure | None = None,
    montants: list[Decimal] | None = None,
    statut: str = StatutConvention.GENEREE,
    inscriptions: list[Inscription] | None = None,
) -> Convention:
    structure = structure or (inscriptions[0].proposition.demande.structure if inscriptions else StructureFactory())
    if inscriptions is None:
        seance = SeanceCPFactory()
        inscriptions = [inscription_approuvee(structure, m, seance) for m in (montants or [Decimal("10000.00")])]
    seance = inscriptions[0].seance
    propositions = [i.proposition for i in inscriptions]
    sequence = next(_sequence)
    convention = Convention.objects.create(
        numero=f"{seance.date.year}-{sequence:05d}",
        annee=seance.date.year,
        sequence=sequence,
        edition=seance.edition,
        structure=structure,
        seance=seance,
        objet=f"{structure.raison_sociale} – {propositions[0].demande.dispositif.titre}",
        montant=sum((i.montant_vote for i in inscriptions), Decimal(0)),
        date_debut=min(p.date_debut for p in propositions),
        date_fin=max(p.date_fin for p in propositions),
        statut=statut,
        generee_par=UserFactory(role="gestionnaire"),
    )
    if statut == StatutConvention.SIGNEE:
        convention.signee_structure_le = convention.signee_departement_le = timezone.now()
        convention.save(update_fields=["signee_structure_le", "signee_departement_le"])
    for rang, inscription in enumerate(inscriptions, start=1):
        proposition = inscription.proposition
        operation = Operation.objects.create(
            convention=convention,
            inscription=inscription,
            demande=proposition.demande,
            dispositif=proposition.demande.dispositif,
            rang=rang,
            intitule=proposition.demande.intitule,
            montant=inscription.montant_vote,
            date_debut=proposition.date_debut,
            date_fin=proposition.date_fin,
            engagements={
                nom: str(getattr(proposition, nom))
                for nom in ("etp", "places", "dsp", "participants", "postes_insertion")
                if getattr(proposition, nom) is not None
            },
            regles=regles_operation(proposition.demande.dispositif),
        )
        creer_echeancier(operation)
        creer_bilans(operation)
    return convention
