"""Pages publiques dans Chromium : connexion, appels ouverts, accessibilité et clavier."""

from playwright.sync_api import Page, expect

from tests.browser.conftest import page_ok


def test_page_de_connexion_accessible_au_clavier(page: Page):
    page.goto("/connexion/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Se connecter")
    page_ok(page, "connexion")
    # Le lien d'évitement est le premier élément focalisable et mène au contenu.
    page.keyboard.press("Tab")
    expect(page.locator(":focus")).to_have_text("Aller au contenu")
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{page.url.split('#')[0]}#contenu")


def test_connexion_refusee_affiche_une_erreur(page: Page, porteur):
    page.goto("/connexion/")
    page.get_by_label("Adresse électronique").fill(porteur.email)
    page.get_by_label("Mot de passe").fill("pas-le-bon")
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("alert")).to_contain_text("Adresse électronique ou mot de passe incorrect")
    page_ok(page, "connexion-erreur")
