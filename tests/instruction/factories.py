"""Fabriques de l'instruction : lignes budgétaires, enveloppes, propositions (demande validée par défaut)."""

from __future__ import annotations

import datetime
from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from aap.catalogue.models import LigneBudgetaire
from aap.demandes.choix import StatutDemande
from aap.instruction.models import Enveloppe, ModeleConvention, Proposition
from tests.demandes.factories import DemandeFactory, EditionFactory
from tests.factories import UserFactory, territoire


class LigneBudgetaireFactory(DjangoModelFactory):
    class Meta:
        model = LigneBudgetaire
        django_get_or_create = ("edition", "code_operation")

    edition = factory.SubFactory(EditionFactory)
    code_operation = factory.Sequence(lambda n: f"C02-446A{n % 100:02d}")
    imputation = "6568/93446"
    libelle = factory.Sequence(lambda n: f"Ligne de test {n}")
    ae = Decimal("1000000.00")


class EnveloppeFactory(DjangoModelFactory):
    class Meta:
        model = Enveloppe

    dispositif = factory.SubFactory("tests.demandes.factories.DispositifFactory")
    territoire = None
    ligne = factory.SubFactory(LigneBudgetaireFactory, edition=factory.SelfAttribute("..dispositif.edition"))
    montant = Decimal("500000.00")
    modifiee_par = factory.SubFactory(UserFactory, role="gestionnaire")


class PropositionFactory(DjangoModelFactory):
    """Une proposition sur une demande validée (reçue), au montant demandé par défaut.

    La ligne budgétaire est celle du dispositif si elle existe ; sinon une ligne de test est créée et
    rattachée au dispositif."""

    class Meta:
        model = Proposition

    demande = factory.SubFactory(DemandeFactory, statut=StatutDemande.VALIDEE, budget=True)
    montant = factory.LazyAttribute(lambda o: o.demande.montant_demande or Decimal("10000.00"))
    etp = factory.LazyAttribute(lambda o: o.demande.etp)
    places = factory.LazyAttribute(lambda o: o.demande.places)
    dsp = factory.LazyAttribute(lambda o: o.demande.dsp)
    participants = factory.LazyAttribute(lambda o: o.demande.participants)
    date_debut = factory.LazyAttribute(lambda o: o.demande.date_debut or datetime.date(2026, 1, 1))
    date_fin = factory.LazyAttribute(lambda o: o.demande.date_fin or datetime.date(2026, 12, 31))
    territoire = factory.LazyAttribute(lambda o: o.demande.territoires.first() or territoire("arrageois"))
    modele_convention = ModeleConvention.TYPE
    reference_convention = "Convention"
    ligne = factory.LazyAttribute(lambda o: _ligne_du_dispositif(o.demande))
    proposee_par = factory.SubFactory(UserFactory, role="instructeur")


def _ligne_du_dispositif(demande) -> LigneBudgetaire:
    dispositif = demande.dispositif
    if dispositif.ligne_budgetaire_id is None:
        dispositif.ligne_budgetaire = LigneBudgetaireFactory(edition=dispositif.edition)
        dispositif.save(update_fields=["ligne_budgetaire"])
    return dispositif.ligne_budgetaire
