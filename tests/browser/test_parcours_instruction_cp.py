"""Le parcours de l'issue 3 dans Chromium, axe-core sur chaque page visitée, sur le catalogue 2026 réel :

l'instructeur note une demande, écarte une partie d'une dépense et rééquilibre le plan, propose un financement
(sans choisir de modèle de convention) ; le SLAI donne son avis ; la gestionnaire crée la séance de la
Commission permanente, y inscrit les propositions, voit l'incohérence bloquante, la corrige sur la proposition,
génère et télécharge les documents, puis enregistre le vote.
"""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

from docx import Document
from playwright.sync_api import Page, expect

from aap.catalogue.models import SessionAppel
from aap.commission.models import SeanceCP, StatutSeance
from aap.demandes.choix import CategorieDepense, StatutDemande
from aap.instruction.budget import plan_retenu
from aap.instruction.models import AvisSlai, ModeleConvention, Notation
from aap.instruction.propositions import proposer
from tests.commission.factories import EluFactory
from tests.demandes.factories import DemandeFactory
from tests.factories import StructureFactory
from tests.navigateur import page_ok


DATE_CP = datetime.date(2026, 12, 14)


def _demande(session: SessionAppel, nom: str):  # noqa: ANN202 - Demande
    return DemandeFactory(
        session=session,
        statut=StatutDemande.VALIDEE,
        territoires=["arrageois"],
        structure=StructureFactory(raison_sociale=nom),
        date_debut=datetime.date(2026, 1, 1),
        date_fin=datetime.date(2027, 12, 31),
        budget=True,
    )


def test_de_la_notation_au_vote(navigateur, catalogue_2026, instructeur, agent_slai, gestionnaire):
    session = SessionAppel.objects.get(dispositif__code="5.1", numero=1)
    demande = _demande(session, "Association Tremplin Arras")
    autre = _demande(session, "Mission Locale de l'Arrageois")
    proposer(autre, gestionnaire, {"modele_convention": ModeleConvention.TYPE, "reference_convention": "Convention"})
    for _ in range(5):
        EluFactory()
    poste = demande.depenses.filter(categorie=CategorieDepense.PERSONNEL, annee=2026).first()

    def instruire(page: Page) -> None:
        page.goto(f"/demandes/{demande.pk}/")
        page_ok(page, "issue3-1-fiche-instructeur")
        page.get_by_role("link", name=f"Noter la demande {demande.reference}").click()
        for case in page.locator("input[type=radio][id$='_3']").all():
            case.check()
        page.get_by_role("button", name="Enregistrer ma notation").click()
        expect(page.get_by_role("status").first).to_contain_text("Votre notation est enregistrée")
        page_ok(page, "issue3-2-notation")

        page.get_by_role("link", name="Instruire le budget retenu").click()
        page.get_by_label(f"Montant retenu : {poste.libelle} (2026)").fill("30000")
        page.get_by_label(f"Motif : {poste.libelle} (2026)").fill("Salaire au-delà de la grille de la convention.")
        page.get_by_role("button", name="Enregistrer le budget retenu").click()
        expect(page.get_by_role("status").first).to_contain_text("1 ligne modifiée")
        page.get_by_role("button", name="Ajuster la part du Département").click()
        expect(page.get_by_role("status").first).to_contain_text("équilibré chaque année")
        page_ok(page, "issue3-3-budget-retenu")

        page.goto(f"/instruction/demandes/{demande.pk}/proposition/")
        page_ok(page, "issue3-4-proposition")
        page.get_by_role("button", name="Enregistrer la proposition").click()
        expect(page.get_by_role("status").first).to_be_visible()

    def avis(page: Page) -> None:
        page.goto(f"/demandes/{demande.pk}/")
        page.get_by_role("radio", name="Favorable", exact=True).check()
        page.get_by_label("Commentaire").fill("Action attendue sur le secteur d'Arras, en lien avec le CCAS.")
        page.get_by_role("button", name="Enregistrer l'avis").click()
        expect(page.get_by_role("status").first).to_contain_text("Avis du SLAI Arrageois enregistré")
        page_ok(page, "issue3-5-avis-slai")

    def commission(page: Page) -> None:
        page.goto("/commission/seances/nouvelle/")
        page_ok(page, "issue3-6-nouvelle-seance")
        page.get_by_label("Date de la réunion").fill(DATE_CP.isoformat())
        page.get_by_label("Phase").fill("Phase 3")
        page.get_by_role("button", name="Enregistrer").click()
        page.get_by_role("link", name="Inscrire des propositions").first.click()
        page_ok(page, "issue3-7-inscrire")
        page.get_by_role("button", name="Inscrire les 2 propositions de la sélection").click()
        expect(page.get_by_role("status").first).to_contain_text("2 propositions inscrites")
        # Incohérence bloquante : la proposition de l'instructeur n'a pas de modèle de convention.
        expect(page.get_by_text("aucun modèle de convention")).to_be_visible()
        expect(page.get_by_role("button", name="Générer les documents")).to_have_count(0)
        page_ok(page, "issue3-8-seance-bloquee")
        page.get_by_role("link", name=f"corriger {demande.reference}").click()
        page.goto(f"/instruction/demandes/{demande.pk}/proposition/")
        page.get_by_label("Modèle de convention").select_option(label="Convention type")
        page.get_by_role("button", name="Enregistrer la proposition").click()
        expect(page.get_by_role("status").first).to_be_visible()
        page.goto(f"/commission/seances/{SeanceCP.objects.get(date=DATE_CP).pk}/")
        expect(page.get_by_text("Tous les contrôles sont passés")).to_be_visible()
        page.get_by_role("button", name="Générer les documents").click()
        lien = page.get_by_role("link", name="deliberation-cp-2026-12-14.docx")
        expect(lien).to_be_visible(timeout=60_000)
        page_ok(page, "issue3-9-documents")
        with page.expect_download() as telechargement:
            lien.click()
        deliberation = Document(io.BytesIO(open(telechargement.value.path(), "rb").read()))
        texte = "\n".join(p.text for p in deliberation.paragraphs)
        assert "Association Tremplin Arras" not in texte  # les structures sont en annexe, pas dans les articles
        assert "de valider le financement de 1 dispositif" in texte.lower()
        page.get_by_role("link", name="Enregistrer le vote").click()
        page_ok(page, "issue3-10-vote")
        page.locator("#id_pour").fill("5")
        page.locator("#id_contre").fill("0")
        page.locator("#id_abstention").fill("0")
        page.get_by_role("button", name="Enregistrer le vote").click()
        expect(page.get_by_role("heading", name="Décisions de la CP du 14/12/2026")).to_be_visible()
        page_ok(page, "issue3-11-decisions")

    navigateur(instruire, instructeur)
    navigateur(avis, agent_slai)
    navigateur(commission, gestionnaire)

    assert Notation.objects.filter(demande=demande, evaluateur=instructeur).count() == 11
    retenu = plan_retenu(demande)
    assert retenu.equilibre and retenu.cout_total < demande.cout_total
    assert AvisSlai.objects.get(demande=demande).avis == "favorable"
    demande.refresh_from_db()
    assert demande.proposition.montant == retenu.montant_departement > Decimal("0")
    assert demande.proposition.modele_convention == ModeleConvention.TYPE
    seance = SeanceCP.objects.get(date=DATE_CP)
    assert seance.statut == StatutSeance.VOTEE and seance.vote.pour == 5
