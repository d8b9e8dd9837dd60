"""Pages publiques du catalogue dans Chromium : axe-core sur chaque page, filtres au clavier, écran étroit."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from tests.catalogue.conftest import session_demo
from tests.navigateur import page_ok


@pytest.fixture
def sessions_ouvertes(catalogue_2026):
    aujourd_hui = timezone.localdate()
    session_demo("5.5", aujourd_hui - datetime.timedelta(days=3), aujourd_hui + datetime.timedelta(days=20))
    session_demo("2.7", aujourd_hui - datetime.timedelta(days=3), aujourd_hui + datetime.timedelta(days=5))
    session_demo("5.10", aujourd_hui + datetime.timedelta(days=30), aujourd_hui + datetime.timedelta(days=60))


def test_appels_ouverts_et_filtre_au_clavier(navigateur, sessions_ouvertes):
    def scenario(page: Page) -> None:
        page.goto("/appels/")
        expect(page.get_by_role("heading", level=1)).to_have_text("Appels à projets ouverts")
        expect(page.get_by_role("status")).to_contain_text("2 sessions ouvertes")
        page_ok(page, "catalogue-appels-ouverts")
        page.get_by_label("Territoire", exact=True).select_option("boulonnais")
        page.get_by_label("Territoire", exact=True).press("Tab")
        page.keyboard.press("Enter")  # le bouton « Filtrer » suit la liste déroulante
        expect(page).to_have_url("/appels/?axe=&territoire=boulonnais")
        expect(page.get_by_role("status")).to_contain_text("1 session ouverte")
        expect(page.get_by_role("heading", level=3)).to_contain_text("5.5")
        page_ok(page, "catalogue-appels-filtres")
        page.get_by_role("link", name="Voir le dispositif 5.5").click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("chantiers d'insertion")
        expect(page.get_by_role("link", name="Déposer une demande").first).to_be_visible()
        page_ok(page, "catalogue-fiche-5-5-ouverte")

    navigateur(scenario)


def test_catalogue_et_fiches(navigateur, catalogue_2026):
    def scenario(page: Page) -> None:
        page.goto("/appels/2026/")
        expect(page.get_by_role("heading", level=1)).to_have_text("Catalogue 2026 des dispositifs")
        expect(page.get_by_role("table")).to_have_count(5)
        page_ok(page, "catalogue-2026")
        page.get_by_role("link", name="Contrepartie FSE – Coordinateurs des plateformes Logement d'abord").click()
        expect(page.get_by_role("heading", name="Financement", level=2)).to_be_visible()
        page_ok(page, "catalogue-fiche-5-11")
        page.goto("/appels/2026/premieres-heures/")
        expect(page.get_by_text("Fiche détaillée non publiée pour cette édition.")).to_be_visible()
        page_ok(page, "catalogue-fiche-3-8")

    navigateur(scenario)


def test_fiche_sur_ecran_etroit(navigateur, catalogue_2026):
    def scenario(page: Page) -> None:
        page.goto("/appels/2026/contrepartie-fse-dynamisation-des-parcours/")
        largeur = page.evaluate("document.documentElement.scrollWidth")
        assert largeur <= 375, f"la page déborde horizontalement ({largeur} px)"
        page_ok(page, "catalogue-fiche-5-1-mobile")

    navigateur(scenario, largeur=375)
