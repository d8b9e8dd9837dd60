"""Page du budget retenu (agents de la DPID) et ce que la fiche de la demande en montre à chacun."""

from decimal import Decimal

import pytest

from aap.core.models import AuditLog
from aap.demandes.choix import CategorieDepense, Financeur, StatutDemande
from aap.instruction.budget import montant_retenu, plan_retenu, retenir_depense, retenir_ressource
from aap.instruction.models import DepenseRetenue, RessourceRetenue
from tests.demandes.factories import DemandeFactory


D = Decimal


@pytest.fixture
def demande(porteur):
    """Demande reçue de la structure du porteur (voir `test_budget_services.demande` pour ses montants)."""
    return DemandeFactory(statut=StatutDemande.VALIDEE, budget=True, structure=porteur.adhesions.get().structure)


def url(demande, suite=""):
    return f"/instruction/demandes/{demande.pk}/budget/{suite}"


def donnees(demande, **changements):
    """Le formulaire tel qu'affiché (montants retenus actuels), avec des changements `d<pk>-montant=…`."""
    champs = {}
    for ligne in demande.depenses.all():
        champs[f"d{ligne.pk}-montant"] = str(ligne.montant)
        champs[f"d{ligne.pk}-motif"] = ""
    for ligne in demande.ressources.all():
        champs[f"r{ligne.pk}-montant"] = str(ligne.montant)
        champs[f"r{ligne.pk}-motif"] = ""
    champs.update(changements)
    return champs


def poste(demande, annee=2026):
    return demande.depenses.get(annee=annee, categorie=CategorieDepense.PERSONNEL)


def test_page_affiche_lignes_totaux_et_enregistre(client, demande, instructeur):
    client.force_login(instructeur)
    page = client.get(url(demande)).content.decode()
    assert "<h1>Budget retenu" in page and "Année 2026" in page and "Année 2027" in page
    assert "Forfait de 40" in page and "Recalculé sur la base retenue" in page
    assert "117\u00a0600,00\u00a0€" in page  # coût total demandé
    ligne = poste(demande)
    reponse = client.post(
        url(demande), donnees(demande, **{f"d{ligne.pk}-montant": "30000", f"d{ligne.pk}-motif": "Hors grille."})
    )
    assert reponse.status_code == 302 and reponse["Location"] == url(demande)
    assert DepenseRetenue.objects.get().montant_retenu == D("30000.00")
    assert AuditLog.objects.filter(action="instruction.retenir_depense").count() == 1
    page = client.get(url(demande)).content.decode()
    assert "Budget retenu enregistré : 1 ligne modifiée." in page
    assert "Réduite" in page and "Déséquilibré" in page and "Ressources en trop" in page
    assert "la part du Département est réduite de 16 800,00 €" in page  # proposé, pas encore appliqué
    assert not RessourceRetenue.objects.exists()

    # Le même formulaire renvoyé tel quel : rien de nouveau au journal.
    client.post(
        url(demande), donnees(demande, **{f"d{ligne.pk}-montant": "30000.00", f"d{ligne.pk}-motif": "Hors grille."})
    )
    assert AuditLog.objects.filter(action="instruction.retenir_depense").count() == 1

    reponse = client.post(url(demande, "equilibrer/"))
    assert reponse.status_code == 302
    assert plan_retenu(demande).equilibre and montant_retenu(demande) == D("30240.00")
    page = client.get(url(demande)).content.decode()
    assert "le plan retenu est équilibré chaque année" in page and "Rééquilibrer" not in page


def test_erreurs_de_saisie(client, demande, gestionnaire):
    client.force_login(gestionnaire)
    ligne = poste(demande)
    ressource = demande.ressources.get(annee=2026, financeur=Financeur.DEPARTEMENT)
    reponse = client.post(
        url(demande),
        donnees(
            demande,
            **{f"d{ligne.pk}-montant": "42000.01", f"r{ressource.pk}-montant": "100", f"r{ressource.pk}-motif": ""},
        ),
    )
    page = reponse.content.decode()
    assert reponse.status_code == 200 and "Le formulaire contient 2 erreurs" in page
    assert "Au plus le montant demandé (42 000,00 €)" in page and "Motivez la réduction" in page
    assert 'aria-invalid="true"' in page
    assert not DepenseRetenue.objects.exists() and not RessourceRetenue.objects.exists()


def test_404_hors_perimetre_403_mauvais_role(client, demande, porteur, agent_slai, agent_finances, instructeur):
    for user in (porteur, agent_slai, agent_finances):
        client.force_login(user)
        assert client.get(url(demande)).status_code == 403
        assert client.post(url(demande, "equilibrer/")).status_code == 403
    client.force_login(instructeur)
    brouillon = DemandeFactory(budget=True)  # le brouillon d'une structure n'est pas transmis : hors périmètre
    assert client.get(url(brouillon)).status_code == 404
    assert client.get("/instruction/demandes/999999/budget/").status_code == 404
    assert client.get(url(demande, "equilibrer/")).status_code == 405


def test_hors_instruction_lecture_seule(client, instructeur):
    demande = DemandeFactory(statut=StatutDemande.ACCORDEE, budget=True)
    client.force_login(instructeur)
    page = client.get(url(demande)).content.decode()
    assert "ne se modifie que pendant l'instruction" in page and "Enregistrer le budget retenu" not in page
    assert " disabled" in page
    ligne = poste(demande)
    assert client.post(url(demande), donnees(demande, **{f"d{ligne.pk}-montant": "0"})).status_code == 403
    client.post(url(demande, "equilibrer/"))
    assert not DepenseRetenue.objects.exists() and not RessourceRetenue.objects.exists()


def test_fiche_de_la_demande_selon_le_role(client, demande, porteur, instructeur, agent_slai):
    retenir_depense(poste(demande, 2027), instructeur, D("0"), "Poste non pourvu en 2027.")
    retenir_ressource(
        demande.ressources.get(annee=2026, financeur=Financeur.FSE_PLUS), instructeur, D("1"), "Motif interne FSE."
    )
    client.force_login(instructeur)
    page = client.get(f"/demandes/{demande.pk}/").content.decode()
    assert "Instruire le budget retenu" in page and "Plan retenu déséquilibré" in page
    assert "2 lignes écartées ou réduites." in page

    client.force_login(agent_slai)
    page = client.get(f"/demandes/{demande.pk}/").content.decode()
    assert "Plan retenu déséquilibré" in page and "Instruire le budget retenu" not in page

    client.force_login(porteur)
    page = client.get(f"/demandes/{demande.pk}/").content.decode()
    assert (
        "Dépenses écartées ou réduites à l&#x27;instruction" in page
        or "Dépenses écartées ou réduites à l'instruction" in page
    )
    assert "Poste non pourvu en 2027." in page and "Écartée" in page
    assert "Dépense écartée ou réduite à l&#x27;instruction" in page  # historique, libellé lisible
    assert "Motif interne FSE." not in page and "Plan retenu" not in page and "Instruire le budget" not in page


def test_porteur_sans_ajustement_ne_voit_rien(client, demande, porteur):
    client.force_login(porteur)
    page = client.get(f"/demandes/{demande.pk}/").content.decode()
    assert "écartées ou réduites" not in page


def test_autre_porteur_404(client, demande, autre_porteur):
    client.force_login(autre_porteur)
    assert client.get(f"/demandes/{demande.pk}/").status_code == 404
