"""Élus intéressés à l'affaire : mandat en cours dans une structure inscrite à la séance."""

import datetime

from aap.commission.conflits import elus_interesses, president_interesse
from aap.commission.models import Presence, StatutPresence
from tests.commission.factories import EluFactory, InscriptionFactory, MandatFactory, SeanceCPFactory


def test_seuls_les_mandats_en_cours_dans_une_structure_inscrite_rendent_interesse():
    inscription = InscriptionFactory()
    seance = inscription.seance
    structure = inscription.proposition.demande.structure
    interesse = MandatFactory(structure=structure, fonction="Présidente du CCAS").elu
    MandatFactory(structure=structure, fin=seance.date - datetime.timedelta(days=1))  # mandat terminé
    MandatFactory(structure=structure, debut=seance.date + datetime.timedelta(days=1))  # pas encore commencé
    MandatFactory()  # autre structure, non inscrite
    resultat = elus_interesses(seance)
    assert [i.elu for i in resultat] == [interesse]
    assert resultat[0].mandats[0].fonction == "Présidente du CCAS"
    assert resultat[0].formule == "present"
    assert not president_interesse(seance)


def test_formules_selon_presence_et_voix_deliberative():
    inscription = InscriptionFactory()
    seance, structure = inscription.seance, inscription.proposition.demande.structure
    excuse = MandatFactory(structure=structure, elu=EluFactory(nom="Aubert")).elu
    invite = MandatFactory(structure=structure, elu=EluFactory(nom="Bernard", voix_deliberative=False)).elu
    president = MandatFactory(structure=structure, elu=EluFactory(nom="Charles", est_president=True)).elu
    Presence.objects.create(seance=seance, elu=excuse, statut=StatutPresence.EXCUSE)
    formules = {i.elu: i.formule for i in elus_interesses(seance)}
    assert formules == {excuse: "excuse", invite: "invite", president: "present"}
    assert president_interesse(seance)


def test_une_seance_sans_inscription_n_a_aucun_interesse():
    MandatFactory()
    assert elus_interesses(SeanceCPFactory()) == []
