"""Le vote du rapport : arithmétique des voix, intéressés comptés dans les abstentions, passage « votée »."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aap.commission.models import StatutPresence, StatutSeance, Vote
from aap.commission.services import CommissionImpossible
from aap.commission.services_decisions import SaisieVote, controler_vote, enregistrer_vote
from aap.core.models import AuditLog
from tests.commission.factories import EluFactory, MandatFactory, SeanceCPFactory
from tests.commission.test_services import seance_avec


def commission(membres: int = 10, invites: int = 1) -> list:
    elus = [EluFactory() for _ in range(membres)]
    [EluFactory(voix_deliberative=False) for _ in range(invites)]
    EluFactory(actif=False)  # plus en fonction : ne compte pas
    return elus


def test_vote_coherent_enregistre_et_seance_votee(gestionnaire):
    seance, (inscription, _) = seance_avec(2)
    elus = commission(10)
    interesse = elus[0]
    MandatFactory(elu=interesse, structure=inscription.proposition.demande.structure)
    saisie = SaisieVote(
        pour=8,
        contre=0,
        abstention=1,
        absents_sans_delegation=1,
        adopte=True,
        non_participants=(interesse,),
        groupes={"pour": ["socialiste", "union"], "abstention": ["socialiste"], "absents": ["rn"]},
    )
    vote = enregistrer_vote(seance, gestionnaire, saisie)
    seance.refresh_from_db()
    assert seance.statut == StatutSeance.VOTEE
    assert list(vote.non_participants.all()) == [interesse]
    assert vote.groupes["pour"] == ["socialiste", "union"]
    assert vote.groupes["contre"] == []
    journal = AuditLog.objects.for_object(seance).get(action="seance_cp.voter")
    assert journal.details["pour"] == 8 and journal.details["non_participants"] == [str(interesse)]


def test_le_total_doit_faire_le_nombre_de_membres(gestionnaire):
    seance, _ = seance_avec(1)
    commission(10)
    saisie = SaisieVote(pour=8, contre=0, abstention=0, absents_sans_delegation=1, adopte=True)
    erreurs = controler_vote(seance, saisie)
    assert len(erreurs) == 1 and "= 9" in erreurs[0] and "10 membres" in erreurs[0]
    with pytest.raises(CommissionImpossible):
        enregistrer_vote(seance, gestionnaire, saisie)
    assert not Vote.objects.exists()
    seance.refresh_from_db()
    assert seance.statut == StatutSeance.PREPARATION


def test_les_interesses_presents_sont_dans_les_abstentions(gestionnaire):
    seance, (inscription,) = seance_avec(1)
    elus = commission(10)
    structure = inscription.proposition.demande.structure
    for elu in elus[:3]:
        MandatFactory(elu=elu, structure=structure)
    # Un intéressé excusé ne siège pas : il n'est pas compté dans les abstentions obligatoires.
    seance.presences.create(elu=elus[2], statut=StatutPresence.EXCUSE)
    trop_peu = SaisieVote(pour=9, contre=0, abstention=1, absents_sans_delegation=0, adopte=True)
    assert any("abstentions" in e for e in controler_vote(seance, trop_peu))
    juste = SaisieVote(pour=7, contre=0, abstention=2, absents_sans_delegation=1, adopte=True)
    assert controler_vote(seance, juste) == []


def test_adoption_coherente_avec_les_voix(gestionnaire):
    seance, _ = seance_avec(1)
    commission(4)
    assert controler_vote(seance, SaisieVote(pour=1, contre=3, abstention=0, absents_sans_delegation=0, adopte=True))
    assert controler_vote(seance, SaisieVote(pour=3, contre=1, abstention=0, absents_sans_delegation=0, adopte=False))
    assert not controler_vote(
        seance, SaisieVote(pour=1, contre=3, abstention=0, absents_sans_delegation=0, adopte=False)
    )


def test_pas_de_vote_sans_inscription_ni_deux_fois(gestionnaire):
    commission(2)
    vide = SeanceCPFactory()
    saisie = SaisieVote(pour=2, contre=0, abstention=0, absents_sans_delegation=0, adopte=True)
    with pytest.raises(CommissionImpossible, match="rien à voter"):
        enregistrer_vote(vide, gestionnaire, saisie)
    seance, _ = seance_avec(1, date=vide.date.replace(year=2027))
    enregistrer_vote(seance, gestionnaire, saisie)
    with pytest.raises(CommissionImpossible, match="déjà enregistré"):
        enregistrer_vote(seance, gestionnaire, saisie)


def _seance_de_douze_membres_dont_deux_interesses():
    """Construite au premier exemple puis relue : les exemples d'hypothesis partagent la transaction du test."""
    seance = SeanceCPFactory()
    if not seance.inscriptions.exists():
        (inscription,) = seance_avec(1)[1]
        elus = commission(12, invites=0)
        for elu in elus[:2]:
            MandatFactory(elu=elu, structure=inscription.proposition.demande.structure)
    return seance


@settings(max_examples=40, deadline=None)
@given(
    pour=st.integers(0, 12),
    contre=st.integers(0, 12),
    abstention=st.integers(0, 12),
    absents=st.integers(0, 12),
    adopte=st.booleans(),
)
def test_arithmetique_du_vote(pour, contre, abstention, absents, adopte):
    """Propriété : le contrôle accepte exactement les saisies dont le total fait le nombre de membres, avec au
    moins autant d'abstentions que d'intéressés présents et une adoption conforme à la majorité."""
    seance = _seance_de_douze_membres_dont_deux_interesses()
    saisie = SaisieVote(pour, contre, abstention, absents, adopte=adopte)
    attendu_valide = pour + contre + abstention + absents == 12 and abstention >= 2 and adopte == (pour > contre)
    assert (controler_vote(seance, saisie) == []) is attendu_valide
