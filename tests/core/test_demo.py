"""Le jeu de démonstration passe par les vrais services : chaque demande transmise est complète et conforme."""

from django.core.management import call_command
from django.utils import timezone
from pypdf import PdfReader

from aap.catalogue.models import SessionAppel
from aap.core.demo.comptes import COMPTES, MOT_DE_PASSE_DEMO
from aap.core.demo.generateur import generer
from aap.core.models import AuditLog, Role, User
from aap.demandes.choix import StatutDemande
from aap.demandes.models import Demande
from aap.demandes.services import plan_de
from aap.instruction.models import Affectation, AvisSlai
from aap.structures.models import DemandeCompte, DocumentStructure, Structure
from aap.structures.selectors import documents_a_jour


def test_generation_de_la_demo(catalogue_2026):
    bilan = generer(nb_structures=12, nb_demandes=14, seed=7)
    assert bilan.structures == 13
    assert bilan.demandes_compte == DemandeCompte.objects.count() > 0
    # Des pièces réelles (PDF lisibles), déposées par le service : la plupart des structures sont à jour.
    assert bilan.pieces == DocumentStructure.objects.count() >= 13 * 3
    assert sum(documents_a_jour(s) for s in Structure.objects.all()) >= 6
    assert PdfReader(DocumentStructure.objects.first().fichier.open("rb")).pages[0].extract_text()
    assert sum(bilan.demandes.values()) == 14 + 3

    # Un compte par rôle, avec le mot de passe affiché.
    for compte in COMPTES:
        user = User.objects.get(email=compte.email)
        assert user.role == compte.role and user.check_password(MOT_DE_PASSE_DEMO)
    assert {c.role for c in COMPTES} == set(Role)

    # Tous les statuts existent ; chaque demande transmise a un plan équilibré et conforme à sa fiche.
    assert set(Demande.objects.values_list("statut", flat=True)) >= {"brouillon", "deposee", "validee"}
    for demande in Demande.objects.exclude(statut=StatutDemande.BROUILLON):
        plan = plan_de(demande)
        assert plan.equilibre and plan.conforme, (demande.reference, plan.messages)
        assert demande.montant_demande == plan.montant_departement > 0
    assert all(d.recepisse for d in Demande.objects.filter(statut=StatutDemande.VALIDEE))
    # L'historique est daté du moment du domaine (dans la session), pas du jour de la génération.
    for demande in Demande.objects.filter(statut=StatutDemande.VALIDEE)[:3]:
        journal = AuditLog.objects.for_object(demande)
        assert journal.get(action="demande.valider").horodatage == demande.validee_le
        assert journal.get(action="demande.deposer").horodatage == demande.deposee_le

    # Le SLAI de démonstration a donné des avis sur des demandes validées de son territoire.
    assert bilan.avis_slai == AvisSlai.objects.count() > 0
    assert all(a.territoire.code == "arrageois" and a.commentaire for a in AvisSlai.objects.all())

    # L'instructeur de démonstration a des demandes à instruire.
    instructeur = User.objects.get(email="instructeur@demo.aap62.fr")
    assert bilan.affectations == Affectation.objects.filter(instructeur=instructeur).count() > 0

    # Les sessions de démonstration sont ouvertes aujourd'hui, et signalées comme telles.
    demos = SessionAppel.objects.filter(demonstration=True)
    assert demos.count() == 3 and all(s.est_ouverte() for s in demos)
    porteur = User.objects.get(email="porteur@demo.aap62.fr")
    brouillon = Demande.objects.for_user(porteur).get(statut=StatutDemande.BROUILLON)
    assert brouillon.session.demonstration and brouillon.session.cloture > timezone.localdate()


def test_generation_idempotente_avec_si_vide(catalogue_2026, capsys):
    generer(nb_structures=3, nb_demandes=2, seed=1)
    avant = Demande.objects.count()
    call_command("generer_demo", "--si-vide")
    assert Demande.objects.count() == avant
    assert "déjà présentes" in capsys.readouterr().out


def test_comptes_demo_affiche_un_compte_par_role(capsys):
    call_command("comptes_demo")
    sortie = capsys.readouterr().out
    assert MOT_DE_PASSE_DEMO in sortie
    for compte in COMPTES:
        assert compte.email in sortie


def test_demo_de_l_instruction_et_de_la_commission(catalogue_2026):
    """La démonstration couvre tous les statuts d'une demande et contient une CP prête à générer."""
    from aap.commission.coherence import controler
    from aap.commission.dossier import construire_dossier
    from aap.commission.models import SeanceCP, StatutSeance
    from aap.instruction.budget import plan_retenu
    from aap.instruction.models import DepenseRetenue

    bilan = generer(nb_structures=20, nb_demandes=60, seed=3)
    assert set(Demande.objects.values_list("statut", flat=True)) == set(StatutDemande.values)
    cp = bilan.cp
    assert cp.notations and cp.enveloppes and cp.propositions and cp.elus == 47 and cp.mandats
    for ligne in DepenseRetenue.objects.select_related("ligne__demande"):
        assert plan_retenu(ligne.ligne.demande).equilibre
    passees = SeanceCP.objects.filter(statut=StatutSeance.CLOTUREE)
    assert [s.phase for s in passees.order_by("date")] == ["Phase 1", "Phase 2"]
    for passee in passees:
        assert passee.inscriptions.filter(notifiee_le__isnull=False).count() == passee.inscriptions.count()
    a_venir = SeanceCP.objects.get(statut=StatutSeance.PREPARATION)
    assert a_venir.inscriptions.count() == cp.seances["en préparation"] > 0
    erreurs = [i for i in controler(construire_dossier(a_venir)) if i.niveau == "erreur"]
    assert erreurs == []

    # Conventions, versements et bilans : des conventions à chaque étape, des versements payés et à valider.
    from aap.bilans.models import Bilan
    from aap.conventions.models import Avenant, Convention
    from aap.versements.models import Echeance, OrdreReversement, Versement

    statuts = set(Convention.objects.values_list("statut", flat=True))
    assert statuts >= {"generee", "envoyee", "signee_structure", "signee"}
    porteur = User.objects.get(email="porteur@demo.aap62.fr")
    assert Convention.objects.for_user(porteur).exists()
    assert set(Versement.objects.values_list("statut", flat=True)) >= {"paye", "propose"}
    assert Echeance.objects.filter(type="acompte", versement__statut="paye").exists()
    assert Bilan.objects.filter(statut="accepte", type="bilan_final").exists()
    assert set(Bilan.objects.values_list("statut", flat=True)) >= {"accepte", "a_produire"}
    assert "modulation" in set(OrdreReversement.objects.values_list("origine", flat=True))
    assert Avenant.objects.filter(statut="signe").exists() and Avenant.objects.filter(statut="demande").exists()
    assert bilan.conventions.documents_annuels > 0
    # Chaque convention garde son échéancier exact au centime.
    for convention in Convention.objects.all():
        for operation in convention.operations.all():
            assert sum(e.montant_prevu for e in operation.echeances.all()) == operation.montant
