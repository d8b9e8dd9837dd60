"""Chaque service refuse le mauvais rôle (PermissionDenied) et l'objet hors de la portée de l'acteur."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied

from aap.core.models import AuditLog
from aap.parcours import choices as c
from aap.parcours import services
from tests.factories import MembreFactory, UserFactory, territoire
from tests.parcours.factories import (
    ContratFactory,
    OrientationFactory,
    PersonneFactory,
    RendezVousFactory,
    a_paris,
    dispositif_a_parcours,
)
from tests.parcours.outils import actions, orientation_chez, structure_du


pytestmark = pytest.mark.usefixtures("catalogue_2026")
J = datetime.date


@pytest.fixture
def slai_calaisis():
    return UserFactory(role="slai", territoire=territoire("calaisis"))


@pytest.fixture
def autre_referent():
    """Référent d'une autre structure."""
    user = UserFactory(role="referent")
    MembreFactory(user=user, role="referent")
    return user


def appels_suivi(orientation):
    """(nom, appel(acteur)) des services réservés au référent de la structure."""
    rdv = RendezVousFactory(orientation=orientation, presence=c.Presence.PREVU)
    contrat = ContratFactory(orientation=orientation)
    return [
        (
            "planifier_rendez_vous",
            lambda a: services.planifier_rendez_vous(
                acteur=a, orientation=orientation, debut=a_paris(J(2026, 3, 9)), mode="physique"
            ),
        ),
        ("noter_presence", lambda a: services.noter_presence(acteur=a, rendez_vous=rdv, presence="honore")),
        (
            "enregistrer_diagnostic",
            lambda a: services.enregistrer_diagnostic(
                acteur=a, orientation=orientation, moment="initial", date=J(2026, 3, 9), freins=["sante"]
            ),
        ),
        (
            "signer_contrat",
            lambda a: services.signer_contrat(
                acteur=a,
                orientation=orientation,
                date_signature=J(2026, 3, 9),
                date_debut=J(2026, 3, 9),
                heures_hebdo_prevues=10,
                actions=actions(J(2026, 3, 9), J(2026, 9, 8)),
            ),
        ),
        (
            "saisir_heures",
            lambda a: services.saisir_heures(acteur=a, contrat=contrat, semaine=J(2026, 4, 6), heures=9),
        ),
        (
            "demander_suspension",
            lambda a: services.demander_suspension(
                acteur=a, orientation=orientation, date_demande=J(2026, 3, 9), motif="Absences"
            ),
        ),
        (
            "enregistrer_justificatif",
            lambda a: services.enregistrer_justificatif(
                acteur=a,
                personne=orientation.personne,
                structure=orientation.structure,
                nature="attestation_caf",
                verifie_le=J(2026, 3, 9),
            ),
        ),
    ]


@pytest.mark.parametrize("role", ["slai", "instructeur", "porteur", "finances"])
def test_suivi_refuse_aux_autres_roles(referent, agent_slai, instructeur, porteur, agent_finances, role):
    acteur = {"slai": agent_slai, "instructeur": instructeur, "porteur": porteur, "finances": agent_finances}[role]
    orientation = orientation_chez(referent)
    for nom, appel in appels_suivi(orientation):
        with pytest.raises(PermissionDenied):
            appel(acteur)
        assert not AuditLog.objects.filter(action=f"parcours.{nom}").exists(), nom


def test_suivi_refuse_au_referent_d_une_autre_structure(referent, autre_referent):
    orientation = orientation_chez(referent)
    for _nom, appel in appels_suivi(orientation):
        with pytest.raises(PermissionDenied):
            appel(autre_referent)
    with pytest.raises(PermissionDenied):
        services.sortir(acteur=autre_referent, orientation=orientation, date_sortie=J(2026, 4, 1), type="abandon")
    with pytest.raises(PermissionDenied):
        services.demander_reorientation(
            acteur=autre_referent,
            orientation=orientation,
            sphere="emploi",
            argumentaire="Argumentaire suffisamment long pour passer.",
            date_demande=J(2026, 4, 1),
        )


def test_decisions_refusees_au_referent_et_au_slai_d_un_autre_territoire(referent, agent_slai, slai_calaisis):
    orientation = orientation_chez(referent)
    demande_s = services.demander_suspension(
        acteur=referent, orientation=orientation, date_demande=J(2026, 3, 9), motif="Absences"
    )
    demande_r = services.demander_reorientation(
        acteur=referent,
        orientation=orientation,
        sphere="emploi",
        argumentaire="Argumentaire suffisamment long pour passer.",
        date_demande=J(2026, 4, 1),
    )
    contrat = ContratFactory(orientation=orientation)
    dsp = orientation_chez(referent, parcours="accueil_dsp", personne=PersonneFactory())
    phase = services.enregistrer_dsp(
        acteur=referent,
        orientation=dsp,
        date_dsp=J(2026, 3, 5),
        sphere_preconisee="emploi",
        preconisee_le=J(2026, 3, 6),
    )
    decisions = [
        lambda a: services.decider_suspension(acteur=a, demande=demande_s, acceptee=True, date=J(2026, 3, 10)),
        lambda a: services.decider_reorientation(acteur=a, demande=demande_r, acceptee=False, date=J(2026, 4, 2)),
        lambda a: services.enregistrer_revue_slai(acteur=a, contrat=contrat, date=J(2026, 9, 1)),
        lambda a: services.decider_dsp(
            acteur=a,
            phase=phase,
            structure=dsp.structure,
            dispositif=dsp.dispositif,
            parcours="remobilisation_sociale_intensive",
            date=J(2026, 3, 20),
        ),
        lambda a: services.orienter(
            acteur=a,
            personne=PersonneFactory(),
            structure=structure_du(referent),
            dispositif=dispositif_a_parcours("5.1"),
            parcours="accueil_dsp",
            date_orientation=J(2026, 3, 2),
        ),
        lambda a: services.creer_personne(
            acteur=a,
            nom="Durand",
            prenom="Paul",
            date_naissance=None,
            organisme="",
            numero_allocataire="",
            categorie="brsa",
            territoire=territoire("arrageois"),
        ),
    ]
    for decision in decisions:
        for acteur in (referent, slai_calaisis):
            with pytest.raises(PermissionDenied):
                decision(acteur)
    for decision in decisions:
        decision(agent_slai)


def test_dpid_decide_partout_et_orientation_hors_territoire_refusee_au_slai(instructeur, agent_slai):
    personne = PersonneFactory(territoire=territoire("calaisis"))
    with pytest.raises(PermissionDenied):
        services.orienter(
            acteur=agent_slai,
            personne=personne,
            structure=OrientationFactory().structure,
            dispositif=dispositif_a_parcours("5.1"),
            parcours="accueil_dsp",
            date_orientation=J(2026, 3, 2),
        )
    orientation = services.orienter(
        acteur=instructeur,
        personne=personne,
        structure=OrientationFactory().structure,
        dispositif=dispositif_a_parcours("5.1"),
        parcours="accueil_dsp",
        date_orientation=J(2026, 3, 2),
    )
    assert orientation.territoire == territoire("calaisis")
