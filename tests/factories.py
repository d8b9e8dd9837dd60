"""Fabriques partagées (factory_boy, Faker fr_FR). Chaque application ajoute les siennes ici."""

from __future__ import annotations

import factory
from factory.django import DjangoModelFactory

from aap.core.models import Role, Territoire, User
from aap.structures.models import Civilite, FormeJuridique, Membre, RoleMembre, Structure
from tests.siret import siret_valide


factory.Faker._DEFAULT_LOCALE = "fr_FR"

PASSWORD = "motdepasse-de-test-62"


def territoire(code: str = "arrageois") -> Territoire:
    return Territoire.objects.get(code=code)


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"utilisateur{n}@exemple.fr")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    role = Role.PORTEUR
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):  # noqa: N805
        if create:
            obj.save()

    class Params:
        slai = factory.Trait(role=Role.SLAI, territoire=factory.LazyFunction(lambda: territoire("arrageois")))


class StructureFactory(DjangoModelFactory):
    class Meta:
        model = Structure

    siret = factory.Sequence(siret_valide)
    raison_sociale = factory.Faker("company")
    forme_juridique = FormeJuridique.ASSOCIATION
    adresse = factory.Faker("street_address")
    code_postal = "62000"
    commune = "Arras"
    territoire = factory.LazyFunction(lambda: territoire("arrageois"))
    email = factory.Faker("company_email")
    representant_civilite = Civilite.MADAME
    representant_nom = factory.Faker("last_name")
    representant_prenom = factory.Faker("first_name")
    representant_fonction = "Présidente"
    iban = "FR7630006000011234567890189"
    label_referent_62 = True


class MembreFactory(DjangoModelFactory):
    class Meta:
        model = Membre

    structure = factory.SubFactory(StructureFactory)
    user = factory.SubFactory(UserFactory)
    role = RoleMembre.REPRESENTANT_LEGAL
