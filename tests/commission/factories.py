"""Fabriques de la Commission permanente : élus, mandats, séances, inscriptions."""

from __future__ import annotations

import datetime

import factory
from factory.django import DjangoModelFactory

from aap.commission.models import Civilite, Elu, GroupePolitique, Inscription, Mandat, SeanceCP
from tests.demandes.factories import EditionFactory
from tests.factories import StructureFactory, UserFactory
from tests.instruction.factories import PropositionFactory


class EluFactory(DjangoModelFactory):
    class Meta:
        model = Elu

    civilite = Civilite.MADAME
    prenom = factory.Faker("first_name_female", locale="fr_FR")
    nom = factory.Faker("last_name", locale="fr_FR")
    groupe = GroupePolitique.SOCIALISTE


class MandatFactory(DjangoModelFactory):
    class Meta:
        model = Mandat

    elu = factory.SubFactory(EluFactory)
    structure = factory.SubFactory(StructureFactory)
    fonction = "Membre du conseil d'administration"


class SeanceCPFactory(DjangoModelFactory):
    class Meta:
        model = SeanceCP
        django_get_or_create = ("date",)

    date = datetime.date(2026, 12, 14)
    edition = factory.SubFactory(EditionFactory)
    phase = "Phase 2"
    numero_rapport = 35
    numero_deliberation = "2026-412"
    creee_par = factory.SubFactory(UserFactory, role="gestionnaire")


class InscriptionFactory(DjangoModelFactory):
    class Meta:
        model = Inscription

    seance = factory.SubFactory(SeanceCPFactory)
    proposition = factory.SubFactory(PropositionFactory)
    inscrite_par = factory.SubFactory(UserFactory, role="gestionnaire")
