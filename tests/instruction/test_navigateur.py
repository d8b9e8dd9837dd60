"""Le SLAI donne son avis depuis la fiche de la demande, dans Chromium (axe-core sur chaque page)."""

from playwright.sync_api import Page, expect

from aap.demandes.choix import StatutDemande
from aap.instruction.models import Avis, AvisSlai
from tests.demandes.factories import DemandeFactory
from tests.navigateur import page_ok


def test_avis_du_slai(navigateur, agent_slai):
    demande = DemandeFactory(statut=StatutDemande.VALIDEE, territoires=["arrageois"], budget=True)

    def scenario(page: Page) -> None:
        page.goto(f"/demandes/{demande.pk}/")
        expect(page.get_by_role("heading", name="Éligibilité")).to_be_visible()
        page_ok(page, "instruction-fiche-slai")
        page.get_by_label("Réservé").check()
        page.get_by_label("Commentaire").fill("Offre déjà présente sur le secteur ; à articuler avec le CCAS.")
        page.get_by_role("button", name="Enregistrer l'avis").click()
        expect(page.get_by_role("status").first).to_contain_text("Avis du SLAI Arrageois enregistré")
        page_ok(page, "instruction-avis-enregistre")

    navigateur(scenario, agent_slai)
    assert AvisSlai.objects.get(demande=demande).avis == Avis.RESERVE


def test_affectation_depuis_la_liste(navigateur, gestionnaire, instructeur):
    demande = DemandeFactory(statut=StatutDemande.VALIDEE, territoires=["arrageois"], budget=True)

    def scenario(page: Page) -> None:
        page.goto("/demandes/agents/")
        page.locator("#id_instructeur").select_option(str(instructeur.pk))
        page.get_by_role("button", name="Affecter la demande de la sélection").click()
        expect(page.get_by_role("status").first).to_contain_text("1 demande affectée")
        page_ok(page, "instruction-liste-affectee")
        page.get_by_role("link", name=demande.reference).click()
        expect(page.get_by_text(f"Instructeur : {instructeur}")).to_be_visible()
        page_ok(page, "instruction-fiche-affectee")

    navigateur(scenario, gestionnaire)
    assert demande.affectation.instructeur == instructeur
