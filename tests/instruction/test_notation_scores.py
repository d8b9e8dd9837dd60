"""`scores_par_demande` : moyenne des totaux des évaluateurs en pourcentage, en une requête."""

from decimal import Decimal

import pytest

from aap.core.models import Role
from aap.demandes.choix import StatutDemande
from aap.instruction.notation import noter, scores_par_demande
from tests.demandes.factories import DemandeFactory
from tests.factories import UserFactory
from tests.instruction.notation_outils import avec_grille, grille_uniforme


@pytest.fixture
def demande():
    return avec_grille(DemandeFactory(statut=StatutDemande.VALIDEE))


def test_score_moyen_des_evaluateurs(demande, instructeur, gestionnaire, agent_slai, django_assert_num_queries):
    autre = DemandeFactory(statut=StatutDemande.VALIDEE, session=demande.session)
    jamais = DemandeFactory(statut=StatutDemande.VALIDEE, session=demande.session)
    noter(demande, instructeur, grille_uniforme(demande, 4))  # 100 %
    notes = grille_uniforme(demande, 2)  # 50 %
    notes["objet_social"] = (3, "")  # 11 critères : (2 × 10 + 3) / 44 = 52,27 %
    noter(demande, gestionnaire, notes)
    noter(autre, agent_slai, grille_uniforme(autre, 1, ""))  # 25 %
    with django_assert_num_queries(1):
        scores = scores_par_demande([demande.pk, autre.pk, jamais.pk])
    assert scores == {demande.pk: Decimal("76.14"), autre.pk: Decimal("25.00")}  # (100 + 52,2727…) / 2


def test_aucune_demande(demande):
    assert scores_par_demande([]) == {}
    assert scores_par_demande([demande.pk]) == {}


def test_note_minimale_partout_vaut_zero(demande):
    noter(demande, UserFactory(role=Role.INSTRUCTEUR), grille_uniforme(demande, 0, "Rien au dossier."))
    assert scores_par_demande([demande.pk]) == {demande.pk: Decimal("0.00")}
