"""Services des parcours : orientation, rendez-vous et absence, contrat et renouvellement, heures, demandes,
réorientation, DSP, sortie ; chaque service écrit son journal."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from aap.conventions.models import Operation, StatutConvention
from aap.core.models import AuditLog
from aap.parcours import choices as c
from aap.parcours import models as m
from aap.parcours import services
from tests.conventions.factories import fabriquer_convention
from tests.factories import StructureFactory, territoire
from tests.parcours.factories import (
    ContratFactory,
    PersonneFactory,
    RendezVousFactory,
    a_paris,
    dispositif_a_parcours,
)
from tests.parcours.outils import actions, orientation_chez, structure_du


pytestmark = pytest.mark.usefixtures("catalogue_2026")
J = datetime.date


def actions_de(entree):
    return list(AuditLog.objects.filter(action=entree).values_list("cible_id", flat=True))


# --- Personnes et orientations ---------------------------------------------------------------------------


def test_slai_cree_une_personne_de_son_territoire_et_l_oriente(agent_slai, referent):
    personne = services.creer_personne(
        acteur=agent_slai,
        nom="Martin",
        prenom="Léa",
        date_naissance=J(1990, 5, 4),
        organisme=c.Organisme.CAF,
        numero_allocataire="1234567",
        categorie=c.CategoriePublic.BRSA,
        territoire=territoire("arrageois"),
    )
    orientation = services.orienter(
        acteur=agent_slai,
        personne=personne,
        structure=structure_du(referent),
        dispositif=dispositif_a_parcours("5.1"),
        parcours="remobilisation_sociale_intensive",
        date_orientation=J(2026, 3, 2),
    )
    assert orientation.territoire == personne.territoire
    assert orientation.decidee_par == agent_slai
    assert orientation.operation is None
    entree = AuditLog.objects.get(action="parcours.orienter")
    assert entree.structure_id == structure_du(referent).pk
    assert "Martin" not in str(entree.details)
    assert AuditLog.objects.filter(action="parcours.creer_personne", cible_id=str(personne.pk)).exists()


def test_orientation_rattachee_a_l_operation_signee_qui_couvre_la_date(agent_slai):
    structure = StructureFactory()
    convention = fabriquer_convention(structure=structure, statut=StatutConvention.SIGNEE)
    operation = convention.operations.get()
    Operation.objects.filter(pk=operation.pk).update(
        dispositif=dispositif_a_parcours("5.1"), date_debut=J(2026, 1, 1), date_fin=J(2027, 12, 31)
    )
    personne = PersonneFactory()
    orientation = services.orienter(
        acteur=agent_slai,
        personne=personne,
        structure=structure,
        dispositif=dispositif_a_parcours("5.1"),
        parcours="accueil_dsp",
        date_orientation=J(2026, 3, 2),
    )
    assert orientation.operation_id == operation.pk
    assert services.operation_couvrant(structure, dispositif_a_parcours("5.1"), J(2025, 12, 31)) is None


def test_orientation_refusee_parcours_inconnu_ou_personne_deja_en_parcours(agent_slai):
    personne = PersonneFactory()
    structure = StructureFactory()
    with pytest.raises(ValidationError, match="ne prévoit pas de parcours"):
        services.orienter(
            acteur=agent_slai,
            personne=personne,
            structure=structure,
            dispositif=dispositif_a_parcours("5.1"),
            parcours="emploi",
            date_orientation=J(2026, 3, 2),
        )
    services.orienter(
        acteur=agent_slai,
        personne=personne,
        structure=structure,
        dispositif=dispositif_a_parcours("5.2"),
        parcours="accompagnement_social_professionnel_intensif",
        date_orientation=J(2026, 3, 2),
    )
    with pytest.raises(ValidationError, match="déjà un parcours en cours"):
        services.orienter(
            acteur=agent_slai,
            personne=personne,
            structure=structure,
            dispositif=dispositif_a_parcours("5.1"),
            parcours="remobilisation_sociale_intensive",
            date_orientation=J(2026, 4, 2),
        )
    assert m.Orientation.objects.count() == 1


# --- Rendez-vous, absence, suspension ----------------------------------------------------------------------


def test_absence_injustifiee_ouvre_une_demande_de_suspension_une_seule_fois(referent):
    orientation = orientation_chez(referent)
    rdv = services.planifier_rendez_vous(
        acteur=referent, orientation=orientation, debut=a_paris(J(2026, 3, 10), 23, 30), mode="physique"
    )
    assert rdv.presence == c.Presence.PREVU
    services.noter_presence(
        acteur=referent, rendez_vous=rdv, presence=c.Presence.ABSENCE_INJUSTIFIEE, le=J(2026, 3, 11)
    )
    services.noter_presence(acteur=referent, rendez_vous=rdv, presence=c.Presence.ABSENCE_INJUSTIFIEE)
    demande = m.DemandeSuspension.objects.get()
    assert demande.rendez_vous == rdv
    assert demande.motif == "Absence injustifiée au rendez-vous du 10/03/2026"
    assert demande.date_demande == J(2026, 3, 11)
    assert demande.statut == c.StatutDemande.TRANSMISE
    assert len(actions_de("parcours.noter_presence")) == 2
    assert len(actions_de("parcours.demander_suspension")) == 1


def test_rendez_vous_honore_sans_demande_et_rdv_avant_orientation_refuse(referent):
    orientation = orientation_chez(referent)
    rdv = RendezVousFactory(orientation=orientation, presence=c.Presence.PREVU)
    services.noter_presence(acteur=referent, rendez_vous=rdv, presence=c.Presence.HONORE)
    assert not m.DemandeSuspension.objects.exists()
    with pytest.raises(ValidationError, match="précéder l'orientation"):
        services.planifier_rendez_vous(
            acteur=referent, orientation=orientation, debut=a_paris(J(2026, 3, 1), 23, 59), mode="physique"
        )


def test_rendez_vous_le_jour_de_la_sortie_mais_pas_apres_ni_en_double(referent):
    orientation = orientation_chez(referent)
    debut = a_paris(J(2026, 6, 1), 9)
    services.sortir(acteur=referent, orientation=orientation, date_sortie=J(2026, 6, 1), type="cdi")
    services.planifier_rendez_vous(acteur=referent, orientation=orientation, debut=debut, mode="physique",
                                   presence="honore")  # fmt: skip
    with pytest.raises(ValidationError, match="déjà enregistré"):
        services.planifier_rendez_vous(acteur=referent, orientation=orientation, debut=debut, mode="visio")
    with pytest.raises(ValidationError, match="sortie de ce parcours"):
        services.planifier_rendez_vous(
            acteur=referent, orientation=orientation, debut=a_paris(J(2026, 6, 2), 9), mode="physique"
        )


def test_presence_notee_dans_le_futur_refusee(referent):
    orientation = orientation_chez(referent)
    demain = datetime.date.today() + datetime.timedelta(days=2)
    with pytest.raises(ValidationError, match="présence"):
        services.planifier_rendez_vous(
            acteur=referent, orientation=orientation, debut=a_paris(demain), mode="visio", presence="honore"
        )


def test_suspension_decidee_par_le_slai(referent, agent_slai):
    orientation = orientation_chez(referent)
    demande = services.demander_suspension(
        acteur=referent, orientation=orientation, date_demande=J(2026, 4, 1), motif="Absences répétées"
    )
    services.decider_suspension(acteur=agent_slai, demande=demande, acceptee=True, date=J(2026, 4, 3))
    demande.refresh_from_db()
    assert (demande.statut, demande.decidee_par, demande.decidee_le) == ("acceptee", agent_slai, J(2026, 4, 3))
    with pytest.raises(ValidationError, match="déjà décidée"):
        services.decider_suspension(acteur=agent_slai, demande=demande, acceptee=False, date=J(2026, 4, 4))


# --- Contrats d'engagement ---------------------------------------------------------------------------------


def test_contrat_signe_fin_de_la_fiche_et_avertissements(referent):
    orientation = orientation_chez(referent)
    contrat = services.signer_contrat(
        acteur=referent,
        orientation=orientation,
        date_signature=J(2026, 3, 31),
        date_debut=J(2026, 3, 31),
        heures_hebdo_prevues=Decimal("5"),
        actions=actions(J(2026, 3, 31), J(2026, 9, 29), nombre=2),
    )
    assert (contrat.rang, contrat.date_fin) == (1, J(2026, 9, 29))
    assert contrat.actions.count() == 2
    assert any("au moins 3" in a for a in contrat.avertissements)
    assert any("5 h par semaine" in a for a in contrat.avertissements)
    assert any("après le délai de 28 jours" in a for a in contrat.avertissements)
    assert AuditLog.objects.get(action="parcours.signer_contrat").structure_id == orientation.structure_id


def test_contrat_signe_au_28e_jour_sans_avertissement(referent):
    orientation = orientation_chez(referent)
    contrat = services.signer_contrat(
        acteur=referent,
        orientation=orientation,
        date_signature=J(2026, 3, 30),
        date_debut=J(2026, 3, 30),
        heures_hebdo_prevues=10,
        actions=actions(J(2026, 3, 30), J(2026, 9, 29)),
    )
    assert contrat.avertissements == []


def test_renouvellement_exige_la_revue_slai_et_clot_le_precedent(referent, agent_slai):
    orientation = orientation_chez(referent)
    premier = services.signer_contrat(
        acteur=referent,
        orientation=orientation,
        date_signature=J(2026, 3, 20),
        date_debut=J(2026, 3, 20),
        heures_hebdo_prevues=10,
        actions=actions(J(2026, 3, 20), J(2026, 9, 19)),
    )
    with pytest.raises(ValidationError, match="revue du contrat précédent par le SLAI"):
        services.signer_contrat(
            acteur=referent,
            orientation=orientation,
            date_signature=J(2026, 9, 15),
            date_debut=J(2026, 9, 20),
            heures_hebdo_prevues=10,
            actions=actions(J(2026, 9, 20), J(2027, 3, 19)),
        )
    services.enregistrer_revue_slai(acteur=agent_slai, contrat=premier, date=J(2026, 9, 10))
    second = services.signer_contrat(
        acteur=referent,
        orientation=orientation,
        date_signature=J(2026, 9, 15),
        date_debut=J(2026, 9, 15),
        heures_hebdo_prevues=10,
        actions=actions(J(2026, 9, 15), J(2027, 3, 14)),
    )
    premier.refresh_from_db()
    assert second.rang == 2
    assert (premier.statut, premier.date_cloture) == (c.StatutContrat.CLOS, J(2026, 9, 14))


def test_renouvellement_interdit_quand_la_fiche_dit_non(referent):
    orientation = orientation_chez(
        referent,
        dispositif=dispositif_a_parcours("5.3"),
        parcours="cessation_reorientation",
        date_orientation=J(2026, 1, 5),
    )
    ContratFactory(
        orientation=orientation, date_signature=J(2026, 1, 5), date_fin=J(2026, 7, 4), revue_slai_le=J(2026, 7, 1)
    )
    with pytest.raises(ValidationError, match="n'est pas renouvelable"):
        services.signer_contrat(
            acteur=referent,
            orientation=orientation,
            date_signature=J(2026, 7, 5),
            date_debut=J(2026, 7, 5),
            heures_hebdo_prevues=None,
            actions=actions(J(2026, 7, 5), J(2027, 1, 4)),
        )


def test_developpement_activite_limite_a_18_mois(referent, agent_slai):
    orientation = orientation_chez(
        referent,
        dispositif=dispositif_a_parcours("5.3"),
        parcours="developpement_activite",
        date_orientation=J(2025, 1, 6),
    )
    debut = J(2025, 1, 6)
    for rang in range(3):
        contrat = services.signer_contrat(
            acteur=referent,
            orientation=orientation,
            date_signature=debut,
            date_debut=debut,
            heures_hebdo_prevues=None,
            actions=actions(debut, debut),
        )
        assert contrat.rang == rang + 1
        services.enregistrer_revue_slai(acteur=agent_slai, contrat=contrat, date=contrat.date_fin)
        debut = contrat.date_fin + datetime.timedelta(days=1)
    assert contrat.date_fin == J(2026, 7, 5)  # 06/01/2025 + 18 mois − 1 jour
    with pytest.raises(ValidationError, match="durée totale de 18 mois"):
        services.signer_contrat(
            acteur=referent,
            orientation=orientation,
            date_signature=debut,
            date_debut=debut,
            heures_hebdo_prevues=None,
            actions=actions(debut, debut),
        )


def test_pas_de_contrat_pour_la_phase_dsp_ni_apres_la_sortie(referent):
    dsp = orientation_chez(referent, parcours="accueil_dsp")
    with pytest.raises(ValidationError, match="ne prévoit pas de contrat"):
        services.signer_contrat(
            acteur=referent,
            orientation=dsp,
            date_signature=J(2026, 3, 5),
            date_debut=J(2026, 3, 5),
            heures_hebdo_prevues=10,
            actions=[],
        )
    orientation = orientation_chez(referent)
    services.sortir(acteur=referent, orientation=orientation, date_sortie=J(2026, 3, 10), type="abandon")
    with pytest.raises(ValidationError, match="sortie de ce parcours"):
        services.signer_contrat(
            acteur=referent,
            orientation=orientation,
            date_signature=J(2026, 3, 12),
            date_debut=J(2026, 3, 12),
            heures_hebdo_prevues=10,
            actions=actions(J(2026, 3, 12), J(2026, 9, 11)),
        )


@pytest.mark.parametrize("heures", [-1, "80.5", "abc", "7.25"])
def test_heures_hors_bornes_refusees(referent, heures):
    orientation = orientation_chez(referent)
    with pytest.raises(ValidationError):
        services.signer_contrat(
            acteur=referent,
            orientation=orientation,
            date_signature=J(2026, 3, 12),
            date_debut=J(2026, 3, 12),
            heures_hebdo_prevues=heures,
            actions=actions(J(2026, 3, 12), J(2026, 9, 11)),
        )
    assert not m.ContratEngagement.objects.exists()


def test_clore_puis_sortir(referent):
    orientation = orientation_chez(referent)
    contrat = ContratFactory(orientation=orientation)
    services.clore_contrat(acteur=referent, contrat=contrat, date_cloture=J(2026, 5, 1), rompu=True)
    contrat.refresh_from_db()
    assert contrat.statut == c.StatutContrat.ROMPU
    with pytest.raises(ValidationError, match="déjà rompu"):
        services.clore_contrat(acteur=referent, contrat=contrat, date_cloture=J(2026, 5, 2))


def test_sortie_clot_le_contrat_ouvert(referent):
    orientation = orientation_chez(referent)
    contrat = ContratFactory(orientation=orientation)
    sortie = services.sortir(acteur=referent, orientation=orientation, date_sortie=J(2026, 6, 1), type="cdi")
    contrat.refresh_from_db()
    assert (contrat.statut, contrat.date_cloture) == (c.StatutContrat.CLOS, J(2026, 6, 1))
    assert sortie.famille == c.FamilleSortie.EMPLOI_DURABLE
    with pytest.raises(ValidationError):
        services.sortir(acteur=referent, orientation=orientation, date_sortie=J(2026, 6, 2), type="cdi")


def test_sortie_de_type_reorientation_reservee_a_la_decision(referent, agent_slai):
    orientation = orientation_chez(referent)
    for acteur in (referent, agent_slai):
        with pytest.raises(ValidationError, match="demande de réorientation"):
            services.sortir(acteur=acteur, orientation=orientation, date_sortie=J(2026, 6, 1), type="reorientation")
    assert not m.Sortie.objects.exists()


# --- Heures et diagnostics --------------------------------------------------------------------------------


def test_heures_saisies_par_semaine_ramenee_au_lundi_et_remplacees(referent):
    contrat = ContratFactory(orientation=orientation_chez(referent), date_debut=J(2026, 3, 20))
    services.saisir_heures(
        acteur=referent, contrat=contrat, semaine=J(2026, 3, 26), heures=8, saisie_le=J(2026, 3, 29)
    )
    ligne = services.saisir_heures(acteur=referent, contrat=contrat, semaine=J(2026, 3, 23), heures="9.5")
    assert m.HeuresActivite.objects.count() == 1
    assert (ligne.semaine, ligne.heures, ligne.saisie_le) == (J(2026, 3, 23), Decimal("9.5"), datetime.date.today())
    with pytest.raises(ValidationError, match="hors du contrat"):
        services.saisir_heures(acteur=referent, contrat=contrat, semaine=J(2026, 3, 15), heures=8)


def test_diagnostic_de_creation_rattache_au_dernier_contrat(referent):
    orientation = orientation_chez(referent)
    with pytest.raises(ValidationError, match="Aucun contrat"):
        services.enregistrer_diagnostic(
            acteur=referent, orientation=orientation, moment="creation_ce", date=J(2026, 3, 20), freins=["sante"]
        )
    contrat = ContratFactory(orientation=orientation)
    diagnostic = services.enregistrer_diagnostic(
        acteur=referent,
        orientation=orientation,
        moment="creation_ce",
        date=J(2026, 3, 22),
        freins=["sante", "mobilite", "sante"],
    )
    assert diagnostic.contrat == contrat
    assert sorted(diagnostic.freins.values_list("frein", flat=True)) == ["mobilite", "sante"]
    with pytest.raises(ValidationError, match="inconnu"):
        services.enregistrer_diagnostic(
            acteur=referent, orientation=orientation, moment="initial", date=J(2026, 3, 22), freins=["addiction"]
        )


# --- Réorientation et DSP ---------------------------------------------------------------------------------


def test_reorientation_acceptee_sortie_et_nouvelle_orientation(referent, agent_slai):
    orientation = orientation_chez(referent)
    ContratFactory(orientation=orientation)
    demande = services.demander_reorientation(
        acteur=referent,
        orientation=orientation,
        sphere="social_professionnel_intensif",
        argumentaire="Freins levés, projet professionnel construit : orientation vers l'ASPI.",
        date_demande=J(2026, 6, 1),
    )
    autre = StructureFactory()
    nouvelle = services.decider_reorientation(
        acteur=agent_slai,
        demande=demande,
        acceptee=True,
        date=J(2026, 6, 10),
        structure=autre,
        dispositif=dispositif_a_parcours("5.2"),
        parcours="accompagnement_social_professionnel_intensif",
    )
    orientation.refresh_from_db()
    assert orientation.sortie.type == c.TypeSortie.REORIENTATION
    assert orientation.sortie.date_sortie == J(2026, 6, 10)
    assert orientation.contrats.get().statut == c.StatutContrat.CLOS
    assert (nouvelle.precedente, nouvelle.structure, nouvelle.date_orientation) == (orientation, autre, J(2026, 6, 10))
    assert list(m.Orientation.objects.filter(personne=orientation.personne).en_cours(J(2026, 6, 10))) == [nouvelle]


def test_reorientation_refusee_ne_sort_pas(referent, agent_slai):
    orientation = orientation_chez(referent)
    demande = services.demander_reorientation(
        acteur=referent,
        orientation=orientation,
        sphere="emploi",
        argumentaire="La personne a retrouvé une piste d'emploi, demande vers la sphère emploi.",
        date_demande=J(2026, 6, 1),
    )
    assert (
        services.decider_reorientation(acteur=agent_slai, demande=demande, acceptee=False, date=J(2026, 6, 2)) is None
    )
    assert not m.Sortie.objects.exists()
    with pytest.raises(ValidationError, match="argumentaire"):
        services.demander_reorientation(
            acteur=referent, orientation=orientation, sphere="emploi", argumentaire="court", date_demande=J(2026, 6, 3)
        )


def test_phase_dsp_preconisation_puis_decision(referent, agent_slai):
    accueil = orientation_chez(referent, parcours="accueil_dsp")
    with pytest.raises(ValidationError, match="n'est pas une phase d'accueil"):
        services.enregistrer_dsp(
            acteur=referent,
            orientation=orientation_chez(referent),
            date_dsp=J(2026, 3, 5),
            sphere_preconisee="emploi",
            preconisee_le=None,
        )
    phase = services.enregistrer_dsp(
        acteur=referent, orientation=accueil, date_dsp=J(2026, 3, 10), sphere_preconisee="", preconisee_le=None
    )
    with pytest.raises(ValidationError, match="pas encore transmis"):
        services.decider_dsp(
            acteur=agent_slai,
            phase=phase,
            structure=accueil.structure,
            dispositif=accueil.dispositif,
            parcours="remobilisation_sociale_intensive",
            date=J(2026, 3, 20),
        )
    phase = services.enregistrer_dsp(
        acteur=referent,
        orientation=accueil,
        date_dsp=J(2026, 3, 10),
        sphere_preconisee="remobilisation_sociale_intensive",
        preconisee_le=J(2026, 3, 12),
    )
    nouvelle = services.decider_dsp(
        acteur=agent_slai,
        phase=phase,
        structure=accueil.structure,
        dispositif=accueil.dispositif,
        parcours="remobilisation_sociale_intensive",
        date=J(2026, 3, 20),
    )
    phase.refresh_from_db()
    assert (phase.statut, phase.decision, phase.decidee_le) == ("decidee", nouvelle, J(2026, 3, 20))
    assert accueil.__class__.objects.get(pk=accueil.pk).sortie.date_sortie == J(2026, 3, 20)
    assert nouvelle.precedente_id == accueil.pk


def test_justificatif_du_referent_de_la_structure(referent):
    orientation = orientation_chez(referent, personne__categorie=c.CategoriePublic.JEUNE_MOINS_26)
    justificatif = services.enregistrer_justificatif(
        acteur=referent,
        personne=orientation.personne,
        structure=orientation.structure,
        nature="piece_identite",
        verifie_le=J(2026, 3, 5),
    )
    assert justificatif.verifie_par == referent
    entree = AuditLog.objects.get(action="parcours.enregistrer_justificatif")
    assert entree.structure_id == orientation.structure_id
