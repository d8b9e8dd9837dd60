"""Le générateur du banc, en petit : volumes, cohérence des budgets, idempotence, suppression ciblée."""

from decimal import Decimal

import pytest
from django.db.models import Sum

from aap.core.models import Role, User
from aap.demandes.models import Demande, LigneRessource
from aap.demandes.services import plan_de
from aap.structures.models import Structure
from bench import donnees
from tests.demandes.factories import M2, DispositifFactory, SessionAppelFactory, regles
from tests.factories import StructureFactory, territoire


@pytest.fixture
def sessions():
    a = SessionAppelFactory()
    b = SessionAppelFactory(dispositif=DispositifFactory(regles=regles(M2)))
    b.dispositif.territoires.set([territoire("lens-lievin"), territoire("artois")])
    return [a, b]


def test_generer_puis_reutiliser_puis_supprimer(sessions):
    etrangere = StructureFactory()
    bilan = donnees.generer(nb_demandes=60, nb_structures=18)
    assert (bilan.demandes, bilan.structures, bilan.reutilise) == (60, 18, False)

    generees = Demande.objects.filter(reference__startswith="BANC-")
    assert generees.count() == 60
    assert set(generees.values_list("statut", flat=True)) == {"brouillon", "deposee", "validee"}
    # Structures réparties sur les 9 territoires MDS, chacune avec son représentant légal.
    banc = Structure.objects.filter(email__endswith=f"@{donnees.DOMAINE}")
    assert banc.values("territoire").distinct().count() == 9
    assert all(s.membres.filter(role="representant_legal", actif=True).count() == 1 for s in banc)
    # Les demandes du dispositif limité à Lens-Liévin et l'Artois ne concernent que ces territoires.
    limitees = generees.filter(dispositif=sessions[1].dispositif)
    assert limitees.exists()
    assert set(limitees.values_list("territoires__code", flat=True)) <= {"lens-lievin", "artois"}
    for demande in generees[:20]:
        # Le plan relu en base et recalculé selon la fiche (forfaits dérivés compris) est équilibré.
        plan = plan_de(demande)
        assert plan.equilibre
        assert plan.cout_total == demande.cout_total > 0
        assert plan.montant_departement == demande.montant_demande
        ressources = LigneRessource.objects.filter(demande=demande).aggregate(s=Sum("montant"))["s"]
        assert ressources == demande.cout_total
        assert Decimal(0) < demande.montant_demande < demande.cout_total
        assert demande.territoires.exists()
        assert (demande.deposee_le is None) == (demande.statut == "brouillon")

    encore = donnees.generer(nb_demandes=60, nb_structures=18)
    assert encore.reutilise and Demande.objects.count() == 60

    agent = donnees.assurer_agent("mot-de-passe-du-banc-62")
    assert agent.role == Role.INSTRUCTEUR and agent.check_password("mot-de-passe-du-banc-62")

    donnees.supprimer()
    assert not Demande.objects.exists()
    assert list(Structure.objects.all()) == [etrangere]
    assert not User.objects.filter(email__endswith=f"@{donnees.DOMAINE}").exists()


def test_jeu_incomplet_regenere(sessions):
    donnees.generer(nb_demandes=10, nb_structures=9)
    bilan = donnees.generer(nb_demandes=25, nb_structures=9)
    assert not bilan.reutilise
    assert Demande.objects.filter(reference__startswith="BANC-").count() == 25


def test_sans_catalogue_message_clair():
    with pytest.raises(RuntimeError, match="catalogue"):
        donnees.generer(nb_demandes=5, nb_structures=9)
