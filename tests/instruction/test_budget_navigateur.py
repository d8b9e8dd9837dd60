"""Budget retenu dans Chromium : l'instructeur écarte une dépense, rééquilibre, la structure voit le motif
(axe-core sur chaque page)."""

from decimal import Decimal

from playwright.sync_api import Page, expect

from aap.demandes.choix import StatutDemande
from aap.instruction.budget import montant_retenu, plan_retenu
from tests.demandes.factories import DemandeFactory
from tests.navigateur import page_ok


def test_instructeur_ecarte_une_depense_et_reequilibre(navigateur, instructeur, porteur):
    demande = DemandeFactory(statut=StatutDemande.VALIDEE, budget=True, structure=porteur.adhesions.get().structure)
    poste = demande.depenses.get(annee=2026)

    def agent(page: Page) -> None:
        page.goto(f"/demandes/{demande.pk}/")
        expect(page.get_by_role("heading", name="Budget retenu")).to_be_visible()
        page_ok(page, "budget-retenu-fiche-agent")
        page.get_by_role("link", name="Instruire le budget retenu").click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("Budget retenu")
        page_ok(page, "budget-retenu-initial")
        page.get_by_label(f"Montant retenu : {poste.libelle} (2026)").fill("30000")
        page.get_by_role("button", name="Enregistrer le budget retenu").click()
        expect(page.get_by_text("Motivez la réduction").first).to_be_visible()
        page_ok(page, "budget-retenu-erreur")
        page.get_by_label(f"Motif : {poste.libelle} (2026)").fill("Salaire au-delà de la grille de la convention.")
        page.get_by_role("button", name="Enregistrer le budget retenu").click()
        expect(page.get_by_role("status").first).to_contain_text("1 ligne modifiée")
        expect(page.get_by_text("la part du Département est réduite de 16 800,00 €")).to_be_visible()
        page_ok(page, "budget-retenu-desequilibre")
        page.get_by_role("button", name="Ajuster la part du Département").click()
        expect(page.get_by_role("status").first).to_contain_text("équilibré chaque année")
        page_ok(page, "budget-retenu-equilibre")

    navigateur(agent, instructeur)
    assert plan_retenu(demande).equilibre and montant_retenu(demande) == Decimal("30240.00")

    def structure(page: Page) -> None:
        page.goto(f"/demandes/{demande.pk}/")
        expect(page.get_by_text("Salaire au-delà de la grille de la convention.")).to_be_visible()
        page_ok(page, "budget-retenu-vu-par-la-structure")

    navigateur(structure, porteur)
