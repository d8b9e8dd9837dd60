"""Circuit d'une demande reçue : complétude, compléments (chaque tour conservé), redépôt, retrait."""

from __future__ import annotations

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aap.commission.models import Inscription, StatutSeance
from aap.core.models import AuditLog
from aap.demandes import services
from aap.demandes.choix import StatutDemande
from aap.demandes.rules import ActionRefusee, DemandeIncomplete, DroitInsuffisant, SessionClose
from aap.instruction import circuit
from aap.instruction.models import Affectation, ControleCompletude, DemandeComplements
from aap.structures.models import RoleMembre
from tests.commission.factories import InscriptionFactory, SeanceCPFactory
from tests.demandes.factories import DemandeFactory
from tests.factories import MembreFactory
from tests.instruction.factories import PropositionFactory


PARIS = ZoneInfo("Europe/Paris")
#: Bien après la clôture de la session de test (15/02/2026) : seules les compléments rouvrent l'écriture.
APRES_CLOTURE = datetime.datetime(2026, 4, 2, 10, 0, tzinfo=PARIS)


@pytest.fixture
def structure(porteur):
    return porteur.adhesions.get().structure


@pytest.fixture
def recue(structure, porteur):
    """Une demande reçue (validée par la structure), complète et au plan équilibré."""
    return DemandeFactory(structure=structure, cree_par=porteur, statut=StatutDemande.VALIDEE, budget=True)


def actions(demande) -> list[str]:
    return list(AuditLog.objects.for_object(demande).order_by("pk").values_list("action", flat=True))


# --- Contrôle de complétude -------------------------------------------------------------------------


def test_manques_detectes_dossier_et_pieces(recue):
    detectes = circuit.manques_detectes(recue)
    # Dossier complet, mais la structure de test n'a déposé aucune pièce.
    assert detectes == [
        "Pièces de la structure à fournir ou à renouveler : Statuts (manquante), Attestation d'assurance "
        "(manquante), Comptes annuels (manquante), RIB (manquante)."
    ]
    recue.description = ""
    recue.save()
    assert any("la description de l'opération" in m for m in circuit.manques_detectes(recue))


def test_controle_complet_puis_incomplet_historique_conserve(recue, instructeur, gestionnaire):
    premier = circuit.controler(recue, instructeur, True, ["ignoré quand complet"], "RAS")
    assert premier.complete and premier.manques == [] and premier.commentaire == "RAS"
    second = circuit.controler(recue, gestionnaire, False, ["  Attestation URSSAF  ", ""], "")
    assert second.manques == ["Attestation URSSAF"]
    assert list(recue.controles_completude.all()) == [second, premier]  # le dernier fait foi
    entree = AuditLog.objects.for_object(recue).filter(action="instruction.completude").latest("pk")
    assert entree.acteur == gestionnaire and entree.details["complete"] is False
    assert entree.details["manques"] == ["Attestation URSSAF"]


def test_controle_refuse(recue, instructeur, agent_slai, porteur):
    with pytest.raises(ActionRefusee, match="Indiquez ce qui manque"):
        circuit.controler(recue, instructeur, False, [], "   ")
    for intrus in (agent_slai, porteur):
        with pytest.raises(PermissionDenied):
            circuit.controler(recue, intrus, True)
    deposee = DemandeFactory(statut=StatutDemande.DEPOSEE)
    with pytest.raises(ActionRefusee, match="demande reçue"):
        circuit.controler(deposee, instructeur, True)
    assert not ControleCompletude.objects.exists()


# --- Compléments ------------------------------------------------------------------------------------


def test_demander_complements_previent_les_membres_actifs(
    recue, structure, gestionnaire, django_capture_on_commit_callbacks
):
    MembreFactory(structure=structure, role=RoleMembre.LECTEUR, user__email="lecteur@asso.test")
    MembreFactory(structure=structure, actif=False, user__email="parti@asso.test")
    with django_capture_on_commit_callbacks(execute=True):
        tour = circuit.demander_complements(
            recue, gestionnaire, "  Budget 2027 détaillé.  ", echeance=datetime.date(2099, 1, 31)
        )
    recue.refresh_from_db()
    assert recue.statut == StatutDemande.COMPLEMENTS
    assert (tour.numero, tour.motif, tour.demandee_par, tour.en_attente) == (
        1,
        "Budget 2027 détaillé.",
        gestionnaire,
        True,
    )
    destinataires = sorted(m.to[0] for m in mail.outbox)
    membres = sorted(structure.membres.filter(actif=True).values_list("user__email", flat=True))
    assert destinataires == membres and "parti@asso.test" not in destinataires and len(membres) == 2
    message = mail.outbox[0]
    assert recue.reference in message.subject and "Budget 2027 détaillé." in message.body
    assert "31/01/2099" in message.body and f"/demandes/{recue.pk}/" in message.body
    entree = AuditLog.objects.for_object(recue).get(action="demande.demander_complements")
    assert entree.details["tour"] == 1 and entree.details["de"] == "validee"


def test_demander_complements_refus(recue, gestionnaire, agent_slai):
    with pytest.raises(ActionRefusee, match="Décrivez"):
        circuit.demander_complements(recue, gestionnaire, " ")
    with pytest.raises(ActionRefusee, match="déjà passée"):
        circuit.demander_complements(
            recue, gestionnaire, "Pièces", echeance=datetime.date(2026, 4, 1), at=APRES_CLOTURE
        )
    with pytest.raises(PermissionDenied):
        circuit.demander_complements(recue, agent_slai, "Pièces")
    circuit.demander_complements(recue, gestionnaire, "Pièces")
    with pytest.raises(ActionRefusee, match="Compléments demandés"):  # déjà en attente de compléments
        circuit.demander_complements(recue, gestionnaire, "Encore")
    assert DemandeComplements.objects.count() == 1


def test_en_complements_la_structure_modifie_malgre_la_session_close(recue, porteur, gestionnaire):
    with pytest.raises(ActionRefusee, match="ne peut plus être modifiée"):
        services.mettre_a_jour(recue, porteur, {"objectifs": "Nouveaux"}, at=APRES_CLOTURE)
    circuit.demander_complements(recue, gestionnaire, "Précisez les objectifs.")
    assert services.mettre_a_jour(recue, porteur, {"objectifs": "Nouveaux"}, at=APRES_CLOTURE) == ["objectifs"]
    plan = services.enregistrer_budget(
        recue, porteur, services.depenses_de(recue), services.ressources_de(recue), at=APRES_CLOTURE
    )
    assert plan.equilibre
    # Les règles des nouvelles demandes ne changent pas : un brouillon reste fermé après la clôture.
    brouillon = DemandeFactory(structure=recue.structure, session=recue.session)
    with pytest.raises(SessionClose):
        services.mettre_a_jour(brouillon, porteur, {"objectifs": "Trop tard"}, at=APRES_CLOTURE)


def test_redeposer_exige_un_dossier_complet_et_previent_l_instructeur(
    recue, porteur, gestionnaire, instructeur, django_capture_on_commit_callbacks
):
    Affectation.objects.create(demande=recue, instructeur=instructeur, affectee_par=gestionnaire)
    circuit.demander_complements(recue, gestionnaire, "Décrivez les partenariats.")
    services.mettre_a_jour(recue, porteur, {"partenariats": ""}, at=APRES_CLOTURE)
    with pytest.raises(DemandeIncomplete) as refus:
        circuit.redeposer(recue, porteur, "C'est fait.", at=APRES_CLOTURE)
    assert any("les partenariats" in m for m in refus.value.messages)
    recue.refresh_from_db()
    assert recue.statut == StatutDemande.COMPLEMENTS
    services.mettre_a_jour(recue, porteur, {"partenariats": "France Travail, CCAS d'Arras."}, at=APRES_CLOTURE)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        tour = circuit.redeposer(recue, porteur, "  Partenariats décrits.  ", at=APRES_CLOTURE)
    recue.refresh_from_db()
    assert recue.statut == StatutDemande.VALIDEE
    assert (tour.reponse, tour.repondue_par, tour.repondue_le) == ("Partenariats décrits.", porteur, APRES_CLOTURE)
    assert [m.to for m in mail.outbox] == [[instructeur.email]]
    assert "Partenariats décrits." in mail.outbox[0].body and recue.reference in mail.outbox[0].subject
    assert actions(recue)[-1] == "demande.redeposer"
    # Second tour : numéroté à la suite, le premier reste tel quel.
    second = circuit.demander_complements(recue, gestionnaire, "Et le budget 2027 ?")
    assert second.numero == 2
    assert [t.numero for t in recue.tours_complements.all()] == [1, 2]
    assert recue.tours_complements.get(numero=1).reponse == "Partenariats décrits."


def test_redeposer_sans_affectation_previent_l_agent_des_complements(
    recue, porteur, gestionnaire, django_capture_on_commit_callbacks
):
    circuit.demander_complements(recue, gestionnaire, "Pièces")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        circuit.redeposer(recue, porteur, "Ajoutées.")
    assert [m.to for m in mail.outbox] == [[gestionnaire.email]]


def test_redeposer_refus(recue, porteur, structure, gestionnaire, autre_porteur):
    with pytest.raises(ActionRefusee, match="Aucun complément"):
        circuit.redeposer(recue, porteur, "Rien")
    circuit.demander_complements(recue, gestionnaire, "Pièces")
    with pytest.raises(ActionRefusee, match="quelques mots"):
        circuit.redeposer(recue, porteur, "  ")
    lecteur = MembreFactory(structure=structure, role=RoleMembre.LECTEUR).user
    for intrus in (lecteur, autre_porteur, gestionnaire):
        with pytest.raises(DroitInsuffisant):
            circuit.redeposer(recue, intrus, "Réponse")
    recue.refresh_from_db()
    assert recue.statut == StatutDemande.COMPLEMENTS


# --- Retrait ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "statut", [StatutDemande.DEPOSEE, StatutDemande.VALIDEE, StatutDemande.COMPLEMENTS, StatutDemande.AJOURNEE]
)
def test_retirer_depuis_chaque_statut_permis(statut, structure, porteur):
    demande = DemandeFactory(structure=structure, statut=statut, budget=True)
    circuit.retirer(demande, porteur, "  L'action est financée par ailleurs.  ", at=APRES_CLOTURE)
    demande.refresh_from_db()
    assert demande.statut == StatutDemande.RETIREE and demande.retiree_le == APRES_CLOTURE
    assert demande.retrait_motif == "L'action est financée par ailleurs."
    entree = AuditLog.objects.for_object(demande).get(action="demande.retirer")
    assert entree.details["de"] == statut and entree.acteur == porteur


@pytest.mark.parametrize(
    "statut", [StatutDemande.BROUILLON, StatutDemande.RETIREE, StatutDemande.ACCORDEE, StatutDemande.REJETEE]
)
def test_retrait_impossible(statut, structure, porteur):
    demande = DemandeFactory(structure=structure, statut=statut)
    with pytest.raises(ActionRefusee, match="ne peut plus être retirée"):
        circuit.retirer(demande, porteur, "Motif")
    demande.refresh_from_db()
    assert demande.statut == statut


def test_retrait_refuse_sans_motif_ou_sans_droit(recue, porteur, structure, autre_porteur, instructeur):
    with pytest.raises(ActionRefusee, match="motif"):
        circuit.retirer(recue, porteur, "")
    lecteur = MembreFactory(structure=structure, role=RoleMembre.LECTEUR).user
    for intrus in (lecteur, autre_porteur, instructeur):
        with pytest.raises(DroitInsuffisant):
            circuit.retirer(recue, intrus, "Motif")
    recue.refresh_from_db()
    assert recue.statut == StatutDemande.VALIDEE


def test_retrait_desinscrit_de_la_cp_en_preparation_seulement(
    recue, porteur, instructeur, gestionnaire, django_capture_on_commit_callbacks
):
    Affectation.objects.create(demande=recue, instructeur=instructeur, affectee_par=gestionnaire)
    proposition = PropositionFactory(demande=recue, montant=Decimal("12000.00"))
    votee = SeanceCPFactory(date=datetime.date(2026, 6, 30), statut=StatutSeance.VOTEE)
    garde = InscriptionFactory(seance=votee, proposition=proposition)
    InscriptionFactory(seance=SeanceCPFactory(date=datetime.date(2026, 12, 14)), proposition=proposition)
    with django_capture_on_commit_callbacks(execute=True):
        circuit.retirer(recue, porteur, "Projet abandonné")
    assert list(Inscription.objects.all()) == [garde]
    entree = AuditLog.objects.for_object(recue).get(action="commission.desinscrire")
    assert entree.details["seance"] == "2026-12-14" and entree.details["montant_propose"] == "12000.00"
    assert actions(recue)[-2:] == ["commission.desinscrire", "demande.retirer"]
    assert [m.to for m in mail.outbox] == [[instructeur.email]] and "Projet abandonné" in mail.outbox[0].body


# --- Propriété : quelle que soit la suite d'actions, les tours restent cohérents -----------------------


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(suite=st.lists(st.sampled_from(["complements", "redepot", "retrait", "controle"]), max_size=8))
def test_tours_coherents(suite, structure, porteur, gestionnaire):
    demande = DemandeFactory(structure=structure, statut=StatutDemande.VALIDEE, budget=True)
    appliquees = 0
    for action in suite:
        try:
            if action == "complements":
                circuit.demander_complements(demande, gestionnaire, "Pièces")
                appliquees += 1
            elif action == "redepot":
                circuit.redeposer(demande, porteur, "Fait")
            elif action == "retrait":
                circuit.retirer(demande, porteur, "Abandon")
            else:
                circuit.controler(demande, gestionnaire, True)
        except ActionRefusee:
            pass
    demande.refresh_from_db()
    tours = list(demande.tours_complements.all())
    assert [t.numero for t in tours] == list(range(1, appliquees + 1))
    ouverts = [t for t in tours if t.en_attente]
    assert len(ouverts) <= 1
    if demande.statut == StatutDemande.COMPLEMENTS:
        assert ouverts == [tours[-1]]
    if demande.statut == StatutDemande.VALIDEE:
        assert not ouverts
