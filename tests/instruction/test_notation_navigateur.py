"""L'instructeur note une demande dans Chromium (erreur en ligne, puis grille enregistrée), axe-core partout."""

from playwright.sync_api import Page, expect

from aap.demandes.choix import StatutDemande
from aap.instruction.models import Notation
from aap.instruction.notation import noter
from tests.demandes.factories import DemandeFactory
from tests.instruction.notation_outils import avec_grille, grille_uniforme
from tests.navigateur import page_ok


def test_noter_une_demande(navigateur, instructeur, agent_slai):
    demande = avec_grille(DemandeFactory(statut=StatutDemande.VALIDEE, territoires=["arrageois"], budget=True))
    noter(demande, agent_slai, grille_uniforme(demande, 1))
    codes = list(grille_uniforme(demande, 3))

    def scenario(page: Page) -> None:
        page.goto(f"/demandes/{demande.pk}/")
        expect(page.get_by_role("heading", name="Notation")).to_be_visible()
        page_ok(page, "notation-fiche-avant")
        page.get_by_role("link", name=f"Noter la demande {demande.reference}").click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("Noter la demande")
        page_ok(page, "notation-formulaire")
        for code in codes:
            page.locator(f"#id_note_{code}_3").check()
        page.get_by_role("group", name="Note : Partenariat").get_by_label("4 – Très satisfaisant").check()
        page.get_by_role("button", name="Enregistrer ma notation").click()
        expect(page.locator("#recap-erreurs")).to_contain_text("1 erreur")
        expect(page.locator("#id_commentaire_partenariat_error")).to_contain_text("Motivez la note 4")
        page_ok(page, "notation-erreur")
        page.get_by_label("Commentaire : Partenariat").fill("Partenariat formalisé avec le CCAS et la Mission locale.")
        page.get_by_role("button", name="Enregistrer ma notation").click()
        expect(page.get_by_role("status").first).to_contain_text("Votre notation est enregistrée")
        expect(page.get_by_role("table", name="Notes par critère et par évaluateur, sur 4")).to_be_visible()
        page_ok(page, "notation-fiche-apres")
        page.set_viewport_size({"width": 390, "height": 844})
        page_ok(page, "notation-fiche-mobile")

    navigateur(scenario, instructeur)
    assert Notation.objects.filter(evaluateur=instructeur).count() == 11
    assert Notation.objects.get(evaluateur=instructeur, critere="partenariat").note == 4
