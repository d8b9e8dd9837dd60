"""Circuit dans Chromium (axe-core sur chaque page) : la DPID contrôle la complétude et demande des compléments,
la structure redépose, puis retire sa demande ; l'instructeur retrouve ses demandes à instruire."""

from playwright.sync_api import Page, expect

from aap.demandes.choix import StatutDemande
from aap.instruction.models import Affectation, ControleCompletude, DemandeComplements
from tests.demandes.factories import DemandeFactory
from tests.navigateur import page_ok


def test_complements_redepot_puis_retrait(navigateur, porteur, gestionnaire, instructeur):
    structure = porteur.adhesions.get().structure
    demande = DemandeFactory(structure=structure, statut=StatutDemande.VALIDEE, territoires=["arrageois"], budget=True)
    Affectation.objects.create(demande=demande, instructeur=instructeur, affectee_par=gestionnaire)

    def dpid(page: Page) -> None:
        page.goto(f"/demandes/{demande.pk}/")
        page.get_by_role("link", name="Contrôler la complétude").click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("Contrôle de complétude")
        page_ok(page, "circuit-completude")
        page.get_by_label("Autres points manquants").fill("Convention de partenariat avec le CCAS")
        page.get_by_role("button", name="Enregistrer le contrôle").click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("Demander des compléments")
        expect(page.get_by_label("Compléments attendus")).to_contain_text("Convention de partenariat avec le CCAS")
        page_ok(page, "circuit-complements")
        page.get_by_role("button", name="Envoyer la demande de compléments").click()
        expect(page.get_by_role("status").first).to_contain_text("Compléments demandés (tour 1)")
        expect(page.get_by_role("heading", name="Tour 1")).to_be_visible()
        page_ok(page, "circuit-fiche-agent-complements")

    navigateur(dpid, gestionnaire)
    assert ControleCompletude.objects.get().manques[-1] == "Convention de partenariat avec le CCAS"

    def structure_redepose_puis_retire(page: Page) -> None:
        page.goto(f"/demandes/{demande.pk}/")
        expect(page.get_by_text("Le Département demande des compléments")).to_be_visible()
        page_ok(page, "circuit-fiche-porteur-complements")
        page.get_by_role("link", name="Redéposer la demande").click()
        page_ok(page, "circuit-redepot")
        page.get_by_label("Votre réponse au Département").fill("Convention signée avec le CCAS jointe au dossier.")
        page.get_by_role("button", name="Redéposer la demande").click()
        expect(page.get_by_role("status").first).to_contain_text("Demande redéposée")
        page.get_by_role("link", name="Retirer la demande").click()
        page_ok(page, "circuit-retrait")
        page.get_by_label("Motif du retrait").fill("Financement obtenu par ailleurs.")
        page.get_by_label("Je confirme retirer cette demande").check()
        page.get_by_role("button", name="Retirer la demande").click()
        expect(page.get_by_role("status").first).to_contain_text("retirée")
        expect(page.get_by_text("Demande retirée par la structure le")).to_be_visible()
        page_ok(page, "circuit-fiche-retiree")

    navigateur(structure_redepose_puis_retire, porteur)
    demande.refresh_from_db()
    assert demande.statut == StatutDemande.RETIREE
    assert DemandeComplements.objects.get().reponse == "Convention signée avec le CCAS jointe au dossier."


def test_mes_demandes_a_instruire(navigateur, porteur, gestionnaire, instructeur):
    structure = porteur.adhesions.get().structure
    a_moi = DemandeFactory(structure=structure, statut=StatutDemande.COMPLEMENTS, budget=True)
    DemandeFactory(structure=structure, statut=StatutDemande.VALIDEE, budget=True)
    Affectation.objects.create(demande=a_moi, instructeur=instructeur, affectee_par=gestionnaire)

    def scenario(page: Page) -> None:
        page.goto("/demandes/agents/")
        page.get_by_role("navigation", name="Menu principal").get_by_role(
            "link", name="Mes demandes à instruire"
        ).click()
        expect(page.get_by_label("Mes demandes à instruire (1)")).to_be_checked()
        expect(page.get_by_role("table").first.get_by_role("link", name=a_moi.reference)).to_be_visible()
        expect(page.locator("caption").first).to_contain_text("1 demande")
        page_ok(page, "circuit-mes-demandes-a-instruire")

    navigateur(scenario, instructeur)
