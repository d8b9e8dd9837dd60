"""Pages publiques dans Chromium : connexion, accessibilité et clavier."""

from playwright.sync_api import Page, expect

from tests.navigateur import page_ok


def test_page_de_connexion_accessible_au_clavier(navigateur):
    def scenario(page: Page) -> None:
        page.goto("/connexion/")
        expect(page.get_by_role("heading", level=1)).to_have_text("Se connecter")
        page_ok(page, "connexion")
        # Le lien d'évitement est le premier élément focalisable et mène au contenu.
        page.keyboard.press("Tab")
        expect(page.locator(":focus")).to_have_text("Aller au contenu")
        page.keyboard.press("Enter")
        expect(page).to_have_url(f"{page.url.split('#')[0]}#contenu")

    navigateur(scenario)


def test_connexion_refusee_affiche_une_erreur(navigateur, porteur):
    def scenario(page: Page) -> None:
        page.goto("/connexion/")
        page.get_by_label("Adresse électronique").fill(porteur.email)
        page.get_by_label("Mot de passe").fill("pas-le-bon")
        page.get_by_role("button", name="Se connecter").click()
        expect(page.get_by_role("alert")).to_contain_text("Adresse électronique ou mot de passe incorrect")
        page_ok(page, "connexion-erreur")

    navigateur(scenario)


def test_ecran_etroit_sans_defilement_horizontal(navigateur):
    def scenario(page: Page) -> None:
        page.goto("/connexion/")
        largeur = page.evaluate("document.documentElement.scrollWidth")
        assert largeur <= 380, f"la page déborde : {largeur}px pour un écran de 375px"
        page_ok(page, "connexion-mobile")

    navigateur(scenario, largeur=375)
