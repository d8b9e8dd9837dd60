"""Budget retenu : services (droits, statuts, motif, audit), plan retenu recalculé par le modèle de la fiche,
équilibre par la part du Département."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from aap.core.models import AuditLog
from aap.demandes.choix import CategorieDepense, Financeur, StatutDemande
from aap.demandes.services import plan_de
from aap.instruction.budget import (
    budget_retenu,
    equilibrer_part_departement,
    montant_retenu,
    plan_retenu,
    proposer_equilibre,
    retenir_depense,
    retenir_ressource,
)
from aap.instruction.models import DepenseRetenue, RessourceRetenue
from aap.instruction.services import InstructionImpossible
from tests.demandes.factories import M4, DemandeFactory, DispositifFactory, SessionAppelFactory


D = Decimal


@pytest.fixture
def demande():
    """Forfait de 40 % (fiche 5.1), 2026-2027 : par année un poste de 42 000 €, forfait 16 800 €, coût
    58 800 € ; Département 23 520 € (40 %), FSE+ 35 280 €."""
    return DemandeFactory(statut=StatutDemande.VALIDEE, budget=True)


def poste(demande, annee):
    return demande.depenses.get(annee=annee, categorie=CategorieDepense.PERSONNEL)


def ressource(demande, annee, financeur=Financeur.DEPARTEMENT):
    return demande.ressources.get(annee=annee, financeur=financeur)


def test_sans_ajustement_le_plan_retenu_est_le_plan_demande(demande):
    retenu, demande_plan = plan_retenu(demande), plan_de(demande)
    assert retenu == demande_plan
    assert retenu.cout_total == D("117600.00") and retenu.conforme
    assert montant_retenu(demande) == D("47040.00") == demande.montant_demande


def test_poste_reduit_forfait_recalcule_puis_equilibre(demande, instructeur):
    ajustement = retenir_depense(poste(demande, 2026), instructeur, D("30000"), "Salaire au-delà de la grille.")
    assert ajustement.montant_retenu == D("30000.00") and ajustement.agent == instructeur

    plan = plan_retenu(demande)
    annee = plan.annees[0]
    assert [(ligne.categorie, ligne.montant) for ligne in annee.lignes] == [
        ("personnel", D("30000.00")),
        ("forfait", D("12000.00")),  # 40 % de la base retenue, pas de la base demandée
    ]
    assert plan.cout_total == D("100800.00")
    assert not plan.equilibre
    assert {v.code for v in plan.violations} >= {"equilibre_annee", "equilibre"}

    [p2026, p2027] = proposer_equilibre(budget_retenu(demande))
    assert p2026.ecart == D("16800.00") and p2026.reste == 0
    assert [(ligne.annee, nouveau) for ligne, nouveau in p2026.ajustements] == [(2026, D("6720.00"))]
    assert p2027.ecart == 0 and p2027.ajustements == () and "équilibré" in p2027.message
    assert not RessourceRetenue.objects.exists()  # proposer n'écrit rien

    equilibrer_part_departement(demande, instructeur)
    plan = plan_retenu(demande)
    assert plan.equilibre and plan.conforme
    assert montant_retenu(demande) == D("6720.00") + D("23520.00")
    retenue = ressource(demande, 2026).retenue
    assert retenue.montant_retenu == D("6720.00") and "2026" in retenue.motif


def test_l_equilibre_dit_quelle_autre_ressource_reduire(demande, gestionnaire):
    retenir_depense(poste(demande, 2027), gestionnaire, D("0"), "Poste non justifié en 2027.")
    [_, p2027] = equilibrer_part_departement(demande, gestionnaire)
    assert p2027.ecart == D("58800.00") and p2027.reste == D("35280.00")
    assert "il reste 35 280,00 € de ressources en trop" in p2027.message
    assert "FSE+ (35 280,00 €)" in p2027.message
    assert ressource(demande, 2027).retenue.montant_retenu == 0
    retenir_ressource(ressource(demande, 2027, Financeur.FSE_PLUS), gestionnaire, D("0"), "Sans objet en 2027.")
    assert plan_retenu(demande).equilibre


def test_l_equilibre_retablit_une_part_trop_reduite_sans_depasser_la_demande(demande, instructeur):
    retenir_ressource(ressource(demande, 2026), instructeur, D("1000"), "Erreur de saisie.")
    [p2026, _] = equilibrer_part_departement(demande, instructeur)
    assert p2026.ecart == D("-22520.00") and p2026.reste == 0 and "rétablie de 22 520,00 €" in p2026.message
    assert not RessourceRetenue.objects.exists()  # revenue au montant demandé : l'ajustement disparaît
    retenir_ressource(ressource(demande, 2026, Financeur.FSE_PLUS), instructeur, D("35000"), "Ajustement.")
    [p2026, _] = proposer_equilibre(budget_retenu(demande))
    assert p2026.reste == D("-280.00") and "dépassent encore les ressources de 280,00 €" in p2026.message


def test_montant_fixe_par_etp_poste_ecarte_sans_segur_poste_reduit_avec(instructeur):
    demande = DemandeFactory(
        statut=StatutDemande.VALIDEE, session=SessionAppelFactory(dispositif=DispositifFactory(modele=M4)), budget=True
    )
    segur = plan_de(demande).depenses["segur"]
    assert segur == D("5270.00")
    retenir_depense(poste(demande, 2026), instructeur, D("40000"), "Coût chargé revu.")
    assert plan_retenu(demande).depenses["segur"] == segur  # la quotité du poste reste
    assert plan_retenu(demande).depenses["personnel"] == D("40000.00")
    retenir_depense(poste(demande, 2026), instructeur, D("0"), "Poste hors de l'action.")
    assert plan_retenu(demande).depenses["segur"] == 0


def test_retour_au_montant_demande_supprime_l_ajustement(demande, instructeur):
    ligne = poste(demande, 2026)
    retenir_depense(ligne, instructeur, D("41000"), "Arrondi.")
    assert retenir_depense(ligne, instructeur, D("41000"), "Arrondi.") is not None  # sans changement : pas d'audit
    assert retenir_depense(ligne, instructeur, D("42000.00"), "") is None
    assert not DepenseRetenue.objects.exists()
    assert retenir_depense(ligne, instructeur, D("42000"), "") is None  # déjà au montant demandé : rien
    journal = AuditLog.objects.for_object(demande).filter(action="instruction.retenir_depense").order_by("pk")
    assert [(e.details["montant_retenu"], e.details.get("retablie", False)) for e in journal] == [
        ("41000.00", False),
        ("42000.00", True),
    ]
    assert journal[0].details["motif"] == "Arrondi." and journal[0].acteur == instructeur


@pytest.mark.parametrize(
    ("montant", "motif", "message"),
    [
        (D("42000.01"), "Trop", "dépasse le montant demandé"),
        (D("-1"), "Négatif", "négatif"),
        (D("100"), "   ", "Motivez"),
        ("douze", "Texte", "nombre"),
    ],
)
def test_montant_ou_motif_refuses(demande, instructeur, montant, motif, message):
    with pytest.raises(InstructionImpossible, match=message):
        retenir_depense(poste(demande, 2026), instructeur, montant, motif)
    assert not DepenseRetenue.objects.exists()
    assert not AuditLog.objects.filter(action__startswith="instruction.retenir").exists()


def test_reserve_aux_agents_de_la_dpid(demande, porteur, agent_slai, agent_finances, administrateur):
    for user in (porteur, agent_slai, agent_finances):
        with pytest.raises(PermissionDenied):
            retenir_depense(poste(demande, 2026), user, D("0"), "Non.")
        with pytest.raises(PermissionDenied):
            retenir_ressource(ressource(demande, 2026), user, D("0"), "Non.")
        with pytest.raises(PermissionDenied):
            equilibrer_part_departement(demande, user)
    assert not DepenseRetenue.objects.exists() and not RessourceRetenue.objects.exists()
    assert retenir_depense(poste(demande, 2026), administrateur, D("0"), "Admin DPID.") is not None


@pytest.mark.parametrize(
    "statut",
    [StatutDemande.BROUILLON, StatutDemande.DEPOSEE, StatutDemande.COMPLEMENTS, StatutDemande.ACCORDEE],
)
def test_seulement_en_instruction(instructeur, statut):
    demande = DemandeFactory(statut=statut, budget=True)
    with pytest.raises(InstructionImpossible, match="en instruction"):
        retenir_depense(poste(demande, 2026), instructeur, D("0"), "Trop tôt ou trop tard.")
    with pytest.raises(InstructionImpossible):
        equilibrer_part_departement(demande, instructeur)
    assert not DepenseRetenue.objects.exists()


def test_une_demande_ajournee_reste_instruite(instructeur):
    demande = DemandeFactory(statut=StatutDemande.AJOURNEE, budget=True)
    assert retenir_ressource(ressource(demande, 2026), instructeur, D("20000"), "Ajournée : part revue.")
    assert AuditLog.objects.filter(action="instruction.retenir_ressource").count() == 1
