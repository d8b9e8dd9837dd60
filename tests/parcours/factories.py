"""Fabriques des parcours : une personne orientée vers une structure pour un dispositif à fiche `parcours:`.

`dispositif_a_parcours(code)` prend le dispositif du catalogue chargé (fixture `catalogue_2026`) ; les
fabriques ne créent jamais de règle : les seuils viennent de la fiche.
"""

from __future__ import annotations

import datetime
import zoneinfo

import factory
from factory.django import DjangoModelFactory

from aap.catalogue.models import Dispositif
from aap.parcours import choices as c
from aap.parcours import models as m
from tests.factories import StructureFactory, territoire


PARIS = zoneinfo.ZoneInfo("Europe/Paris")


def dispositif_a_parcours(code: str = "5.1") -> Dispositif:
    return Dispositif.objects.get(edition__annee=2026, code=code)


def a_paris(jour: datetime.date, heure: int = 10, minute: int = 0) -> datetime.datetime:
    """L'instant `jour` à `heure` heure de Paris (aware)."""
    return datetime.datetime.combine(jour, datetime.time(heure, minute), tzinfo=PARIS)


class PersonneFactory(DjangoModelFactory):
    class Meta:
        model = m.Personne

    nom = factory.Faker("last_name", locale="fr_FR")
    prenom = factory.Faker("first_name", locale="fr_FR")
    date_naissance = factory.Faker("date_of_birth", minimum_age=26, maximum_age=60)
    organisme = c.Organisme.CAF
    numero_allocataire = factory.Sequence(lambda n: f"{1000000 + n}")
    categorie = c.CategoriePublic.BRSA
    territoire = factory.LazyFunction(lambda: territoire("arrageois"))


class OrientationFactory(DjangoModelFactory):
    """Orientation en remobilisation sociale intensive (5.1) le 02/03/2026 par défaut."""

    class Meta:
        model = m.Orientation

    personne = factory.SubFactory(PersonneFactory)
    structure = factory.SubFactory(StructureFactory)
    dispositif = factory.LazyFunction(dispositif_a_parcours)
    parcours = "remobilisation_sociale_intensive"
    territoire = factory.SelfAttribute("personne.territoire")
    date_orientation = datetime.date(2026, 3, 2)


class RendezVousFactory(DjangoModelFactory):
    class Meta:
        model = m.RendezVous

    orientation = factory.SubFactory(OrientationFactory)
    debut = factory.LazyAttribute(lambda o: a_paris(o.orientation.date_orientation + datetime.timedelta(days=7)))
    mode = c.ModeRendezVous.PHYSIQUE
    presence = c.Presence.HONORE


class ContratFactory(DjangoModelFactory):
    class Meta:
        model = m.ContratEngagement

    orientation = factory.SubFactory(OrientationFactory)
    rang = 1
    date_signature = factory.LazyAttribute(lambda o: o.orientation.date_orientation + datetime.timedelta(days=20))
    date_debut = factory.SelfAttribute("date_signature")
    date_fin = factory.LazyAttribute(lambda o: o.date_debut + datetime.timedelta(days=182))
    heures_hebdo_prevues = 10


class ActionFactory(DjangoModelFactory):
    class Meta:
        model = m.ActionContrat

    contrat = factory.SubFactory(ContratFactory)
    libelle = "Démarches de santé"
    detail = "Prise de rendez-vous et accompagnement physique au centre de santé."
    categorie = c.CategorieAction.SOCIALE
    date_debut = factory.SelfAttribute("contrat.date_debut")
    date_fin = factory.SelfAttribute("contrat.date_fin")


class DiagnosticFactory(DjangoModelFactory):
    class Meta:
        model = m.Diagnostic

    orientation = factory.SelfAttribute("contrat.orientation")
    contrat = factory.SubFactory(ContratFactory)
    moment = c.MomentDiagnostic.CREATION_CE
    date = factory.SelfAttribute("contrat.date_signature")


class HeuresFactory(DjangoModelFactory):
    class Meta:
        model = m.HeuresActivite

    contrat = factory.SubFactory(ContratFactory)
    semaine = factory.LazyAttribute(
        lambda o: o.contrat.date_debut - datetime.timedelta(days=o.contrat.date_debut.weekday())
    )
    heures = 10
    saisie_le = factory.LazyAttribute(lambda o: o.semaine + datetime.timedelta(days=6))


class SortieFactory(DjangoModelFactory):
    class Meta:
        model = m.Sortie

    orientation = factory.SubFactory(OrientationFactory)
    date_sortie = factory.LazyAttribute(lambda o: o.orientation.date_orientation + datetime.timedelta(days=180))
    type = c.TypeSortie.AAH
