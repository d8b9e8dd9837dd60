import random

from faker import Faker

from aap.structures.demo import creer_demandes_compte_demo
from aap.structures.models import DemandeCompte
from aap.structures.validators import siret_valide
from tests.factories import StructureFactory


def test_demandes_de_compte_de_demonstration():
    StructureFactory.create_batch(3)
    demandes = creer_demandes_compte_demo(6, random.Random(62), Faker("fr_FR"))
    assert len(demandes) == 6
    assert all(d.statut == "en_attente" and siret_valide(d.siret) for d in demandes)
    assert sum(d.structure_deja_inscrite for d in demandes) == 2
    assert creer_demandes_compte_demo(6, random.Random(62), Faker("fr_FR")) == []  # idempotent
    assert DemandeCompte.objects.count() == 6
