"""La séance de CP dans Chromium (axe-core sur chaque page) : incohérence bloquante, correction, génération
des documents en tâche de fond, téléchargement, vote et décisions."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from aap.commission.models import Elu, GenerationDocuments, StatutGeneration, StatutSeance
from aap.demandes.choix import StatutDemande
from aap.instruction.models import ModeleConvention
from tests.commission.cp_fabrique import seance_garnie
from tests.commission.factories import EluFactory, MandatFactory
from tests.navigateur import page_ok


def test_seance_de_la_preparation_aux_decisions(navigateur, gestionnaire):
    seance = seance_garnie()
    fautive = seance.inscriptions.select_related("proposition__demande__structure").order_by("pk").first()
    proposition = fautive.proposition
    proposition.modele_convention = ""
    proposition.save()
    for _ in range(6):
        EluFactory()
    MandatFactory(elu=Elu.objects.first(), structure=proposition.demande.structure, fonction="Présidente du CCAS")

    def scenario(page: Page) -> None:
        page.goto("/commission/")
        page_ok(page, "commission-seances")
        page.get_by_role("link", name="CP du 26/05/2026").click()
        expect(page.get_by_role("heading", name="Commission permanente du 26/05/2026")).to_be_visible()
        expect(page.get_by_text("aucun modèle de convention")).to_be_visible()
        expect(page.get_by_role("button", name="Générer les documents")).to_have_count(0)
        page_ok(page, "commission-seance-bloquee")
        # Correction de la proposition fautive (ici directement en base), puis retour sur la séance.
        proposition.modele_convention = ModeleConvention.TYPE
        proposition.save()
        page.reload()
        expect(page.get_by_text("Tous les contrôles sont passés")).to_be_visible()
        page.get_by_role("button", name="Générer les documents").click()
        lien = page.get_by_role("link", name="rapport-cp-2026-05-26.docx")
        expect(lien).to_be_visible()
        page_ok(page, "commission-seance-documents")
        with page.expect_download() as telechargement:
            lien.click()
        assert telechargement.value.suggested_filename == "rapport-cp-2026-05-26.docx"
        page.get_by_role("link", name="Enregistrer le vote").click()
        page_ok(page, "commission-vote")
        page.locator("#id_pour").fill("5")
        page.locator("#id_abstention").fill("1")
        page.get_by_role("button", name="Enregistrer le vote").click()
        expect(page.get_by_role("heading", name="Décisions de la CP du 26/05/2026")).to_be_visible()
        page_ok(page, "commission-decisions")
        page.get_by_role("button", name="Tout approuver au montant proposé (7)").click()
        expect(page.get_by_role("status").first).to_contain_text("7 demandes approuvées")
        page_ok(page, "commission-decisions-prises")

    navigateur(scenario, gestionnaire)
    seance.refresh_from_db()
    assert seance.statut == StatutSeance.VOTEE
    assert GenerationDocuments.objects.get().statut == StatutGeneration.TERMINEE
    assert {i.proposition.demande.statut for i in seance.inscriptions.all()} == {StatutDemande.ACCORDEE}
