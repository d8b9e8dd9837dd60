"""Alertes : bornes des délais (jour 15 inclus, 16 en retard ; 28 jours), minuit à Paris, mois civils, revue
SLAI, places conventionnées ; portée par compte ; compteur du menu égal à la liste."""

from __future__ import annotations

import datetime

import pytest

from aap.conventions.models import Operation, StatutConvention
from aap.parcours import choices as c
from aap.parcours.alertes import alertes, compter_alertes
from tests.conventions.factories import fabriquer_convention
from tests.factories import UserFactory, territoire
from tests.parcours.factories import (
    ContratFactory,
    OrientationFactory,
    RendezVousFactory,
    SortieFactory,
    a_paris,
    dispositif_a_parcours,
)
from tests.parcours.outils import orientation_chez, structure_du


pytestmark = pytest.mark.usefixtures("catalogue_2026")
J = datetime.date


def codes(user, le):
    liste = alertes(user, le)
    assert compter_alertes(user, le) == len(liste)
    return sorted((a.code, a.orientation.pk if a.orientation else None) for a in liste)


def test_premier_rdv_jour_15_a_l_heure_jour_16_en_retard(referent):
    # Orientée le 02/03/2026 : dernier jour pour le premier rendez-vous = 17/03 (jour 15).
    o = orientation_chez(referent)
    o_dsp = orientation_chez(referent, parcours="accueil_dsp")
    assert codes(referent, J(2026, 3, 17)) == []
    alertes_18 = alertes(referent, J(2026, 3, 18))
    assert sorted((a.code, a.orientation.pk) for a in alertes_18) == [("premier_rdv", o.pk), ("premier_rdv", o_dsp.pk)]
    assert alertes_18[0].echeance == J(2026, 3, 17)
    RendezVousFactory(orientation=o, debut=a_paris(J(2026, 3, 25)), presence=c.Presence.PREVU)
    assert codes(referent, J(2026, 3, 18)) == [("premier_rdv", o_dsp.pk)]


def test_contrat_non_signe_au_29e_jour(referent):
    o = orientation_chez(referent)
    RendezVousFactory(orientation=o)
    assert codes(referent, J(2026, 3, 30)) == []  # jour 28 : encore dans le délai
    assert codes(referent, J(2026, 3, 31)) == [("ce_non_signe", o.pk)]
    ContratFactory(orientation=o, date_signature=J(2026, 3, 31))
    assert codes(referent, J(2026, 3, 31)) == []


def test_personne_sortie_sans_alerte(referent):
    o = orientation_chez(referent)
    SortieFactory(orientation=o, date_sortie=J(2026, 3, 5))
    assert codes(referent, J(2026, 4, 20)) == []


def _contrat_actif(referent):
    debut = J(2026, 3, 20)
    o = orientation_chez(referent)
    RendezVousFactory(orientation=o, debut=a_paris(J(2026, 3, 9)))
    contrat = ContratFactory(orientation=o, date_signature=debut, date_debut=debut, date_fin=J(2026, 9, 19))
    return o, contrat


def test_rendez_vous_mensuels_sur_le_mois_civil_precedent(referent):
    o, _ = _contrat_actif(referent)
    # Avril 2026 : contrat actif tout le mois. Un rendez-vous physique le 01/04 à 00 h 30 (Paris) et un au
    # téléphone le 30/04 à 23 h 30 (Paris, 21 h 30 UTC) sont bien dans avril.
    RendezVousFactory(orientation=o, debut=a_paris(J(2026, 4, 1), 0, 30))
    RendezVousFactory(orientation=o, debut=a_paris(J(2026, 4, 30), 23, 30), mode=c.ModeRendezVous.TELEPHONE)
    assert codes(referent, J(2026, 5, 1)) == []
    # Mars n'est pas entier dans le contrat (début le 20/03) : pas d'alerte en avril pour mars.
    assert codes(referent, J(2026, 4, 15)) == []
    # Mai : un seul rendez-vous honoré, un autre excusé : alerte au 1er juin.
    RendezVousFactory(orientation=o, debut=a_paris(J(2026, 5, 12)))
    RendezVousFactory(orientation=o, debut=a_paris(J(2026, 5, 20)), presence=c.Presence.EXCUSE)
    liste = alertes(referent, J(2026, 6, 1))
    assert [(a.code, a.echeance) for a in liste] == [("rdv_mensuels", J(2026, 5, 31))]
    assert "1 rendez-vous honoré(s) dont 1 physique(s) en mai 2026" in liste[0].detail
    assert "2 dont 1 physique(s)" in liste[0].detail


def test_rendez_vous_mensuels_sans_physique(referent):
    o, _ = _contrat_actif(referent)
    for jour in (5, 19):
        RendezVousFactory(orientation=o, debut=a_paris(J(2026, 4, jour)), mode=c.ModeRendezVous.VISIO)
    assert codes(referent, J(2026, 5, 1)) == [("rdv_mensuels", o.pk)]


def test_rendez_vous_a_minuit_utc_compte_pour_le_jour_de_paris(referent):
    o, _ = _contrat_actif(referent)
    # 31/03 à 23 h 30 UTC = 01/04 à 01 h 30 à Paris : compte pour avril, pas pour mars.
    RendezVousFactory(orientation=o, debut=datetime.datetime(2026, 3, 31, 23, 30, tzinfo=datetime.UTC))
    RendezVousFactory(orientation=o, debut=a_paris(J(2026, 4, 15)))
    assert codes(referent, J(2026, 5, 1)) == []


def test_contrat_termine_sans_revue_slai(referent, agent_slai):
    o, contrat = _contrat_actif(referent)
    for mois in range(4, 10):
        RendezVousFactory(orientation=o, debut=a_paris(J(2026, mois, 3)))
        RendezVousFactory(orientation=o, debut=a_paris(J(2026, mois, 17)))
    assert codes(referent, J(2026, 9, 19)) == []
    assert codes(referent, J(2026, 9, 20)) == [("ce_sans_revue", o.pk)]
    contrat.revue_slai_le = J(2026, 9, 15)
    contrat.save()
    assert codes(agent_slai, J(2026, 9, 20)) == []


def test_ce_sans_revue_ignore_un_parcours_qui_ne_l_exige_pas(referent):
    o = orientation_chez(
        referent,
        dispositif=dispositif_a_parcours("5.3"),
        parcours="cessation_reorientation",
        date_orientation=J(2026, 1, 5),
    )
    ContratFactory(orientation=o, date_signature=J(2026, 1, 5), date_fin=J(2026, 7, 4))
    RendezVousFactory(orientation=o, debut=a_paris(J(2026, 7, 3)))
    assert "ce_sans_revue" not in {a.code for a in alertes(referent, J(2026, 7, 20))}


def test_places_depassees(referent, instructeur):
    structure = structure_du(referent)
    convention = fabriquer_convention(structure=structure, statut=StatutConvention.SIGNEE)
    Operation.objects.filter(convention=convention).update(
        dispositif=dispositif_a_parcours("5.1"),
        date_debut=J(2026, 1, 1),
        date_fin=J(2027, 12, 31),
        engagements={"etp": "1.00", "places": "2"},
    )
    orientations = [orientation_chez(referent) for _ in range(2)]
    orientation_chez(referent, parcours="accueil_dsp")  # la phase DSP ne prend pas de place
    for o in orientations:
        RendezVousFactory(orientation=o)
        ContratFactory(orientation=o)
    assert codes(referent, J(2026, 3, 5)) == []
    orientation_chez(referent, date_orientation=J(2026, 3, 4))
    liste = [a for a in alertes(referent, J(2026, 3, 5)) if a.code == "places"]
    assert len(liste) == 1
    assert (liste[0].structure, liste[0].orientation, liste[0].detail) == (
        structure,
        None,
        "3 personnes en cours pour 2 places conventionnées.",
    )
    assert [a.code for a in alertes(instructeur, J(2026, 3, 5))] == ["places"]


def test_portee_des_alertes(referent, agent_slai, instructeur, agent_finances):
    chez_lui = orientation_chez(referent)
    ailleurs = OrientationFactory(personne__territoire=territoire("calaisis"))
    le = J(2026, 4, 1)
    assert {a.orientation for a in alertes(referent, le)} == {chez_lui}
    assert {a.orientation for a in alertes(agent_slai, le)} == {chez_lui}
    assert {a.orientation for a in alertes(instructeur, le)} == {chez_lui, ailleurs}
    assert alertes(agent_finances, le) == []
    assert alertes(UserFactory(role="referent"), le) == []
