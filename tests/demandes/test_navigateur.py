"""Parcours des demandes dans Chromium (Playwright) : enregistrement automatique, totaux en direct, dépôt,
validation, liste et fiche côté agents ; axe-core sur chaque page (`page_ok` de `tests/browser`).

Chaque scénario lance son propre Chromium dans un fil dédié : l'API synchrone de Playwright n'admet qu'une
instance par fil, et celle de `tests/browser` reste ouverte pour toute la session de tests.
"""

from __future__ import annotations

import datetime
import os
import re
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connections
from django.test import Client
from django.utils import timezone
from playwright.sync_api import Page, expect, sync_playwright

from aap.demandes.choix import StatutDemande
from aap.demandes.models import Demande
from tests.browser.conftest import AXE, CHROMIUM, CHROMIUM_ARGS, page_ok
from tests.demandes.factories import DemandeFactory, SessionAppelFactory


os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
pytestmark = pytest.mark.browser


@pytest.fixture
def navigateur(live_server) -> Callable:
    """`navigateur(scenario, user)` : exécute `scenario(page)` dans Chromium, connecté en `user`."""
    if not os.path.exists(CHROMIUM) or not AXE.exists():
        pytest.fail("Chromium ou axe-core introuvable : `make test` les installe.")

    def lancer(scenario: Callable[[Page], None], user) -> None:  # noqa: ANN001
        client = Client()
        client.force_login(user)
        cookie = {"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}

        def dans_le_fil() -> None:
            try:
                with sync_playwright() as p:
                    browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
                    try:
                        context = browser.new_context(
                            base_url=live_server.url, locale="fr-FR", viewport={"width": 1280, "height": 900}
                        )
                        context.set_default_timeout(15_000)
                        context.add_cookies([cookie])
                        page = context.new_page()
                        page.on("dialog", lambda dialog: dialog.accept())
                        scenario(page)
                    finally:
                        browser.close()
            finally:
                connections.close_all()

        with ThreadPoolExecutor(max_workers=1) as fil:
            fil.submit(dans_le_fil).result()

    return lancer


@pytest.fixture
def session_ouverte():
    aujourd_hui = timezone.localdate()
    return SessionAppelFactory(
        ouverture=aujourd_hui - datetime.timedelta(days=5), cloture=aujourd_hui + datetime.timedelta(days=10)
    )


def test_parcours_porteur(navigateur, porteur, structure, session_ouverte):
    demande = DemandeFactory(structure=structure, session=session_ouverte, cree_par=porteur, budget=True)

    def scenario(page: Page) -> None:
        page.goto("/demandes/mes-demandes/")
        expect(page.get_by_role("heading", level=1)).to_have_text("Mes demandes de subvention")
        page_ok(page, "demandes-mes-demandes")

        page.goto(f"/demandes/nouvelle/?session={session_ouverte.pk}")
        page_ok(page, "demandes-nouvelle")

        page.goto(f"/demandes/{demande.pk}/dossier/")
        page_ok(page, "demandes-dossier")
        page.get_by_label("Objectifs", exact=True).fill("Remobiliser 140 bénéficiaires du RSA en six mois.")
        page.get_by_label("Objectifs", exact=True).blur()
        expect(page.locator("#statut-brouillon")).to_contain_text(re.compile(r"Brouillon enregistré à \d\d:\d\d"))

        page.goto(f"/demandes/{demande.pk}/budget/")
        page_ok(page, "demandes-budget")
        page.locator("#id_r_2026_departement").fill("1")
        page.locator("#id_r_2026_departement").blur()
        expect(page.locator("#budget-totaux")).to_contain_text("En 2026, le plan n'est pas équilibré")
        expect(page.locator("#budget-annonce")).to_contain_text("non respectée")

        page.goto(f"/demandes/{demande.pk}/")
        page_ok(page, "demandes-detail-porteur")
        page.get_by_role("button", name="Déposer la demande").click()
        expect(page.get_by_text("Demande déposée.")).to_be_visible()
        page.get_by_role("link", name="Valider la demande").first.click()
        page_ok(page, "demandes-valider")
        page.get_by_label("J'atteste sur l'honneur").check()
        page.get_by_role("button", name="Valider la demande").click()
        expect(page.get_by_role("link", name="Télécharger le récépissé (PDF)")).to_be_visible()
        page_ok(page, "demandes-validee")

    navigateur(scenario, porteur)
    demande.refresh_from_db()
    assert demande.objectifs == "Remobiliser 140 bénéficiaires du RSA en six mois."
    assert demande.statut == StatutDemande.VALIDEE and demande.recepisse
    assert Demande.objects.get(pk=demande.pk).ressources.filter(montant=1).count() == 0  # l'aperçu n'enregistre pas


def test_liste_et_fiche_agents(navigateur, instructeur, structure, session_ouverte):
    demandes = [
        DemandeFactory(structure=structure, session=session_ouverte, budget=True, statut=StatutDemande.DEPOSEE,
                       deposee_le=timezone.now())
        for _ in range(3)
    ]  # fmt: skip

    def scenario(page: Page) -> None:
        page.goto("/demandes/agents/")
        expect(page.get_by_role("table").first).to_contain_text(demandes[0].reference)
        page_ok(page, "demandes-agents-liste")
        page.get_by_role("link", name=demandes[0].reference).click()
        expect(page.get_by_role("heading", level=1)).to_contain_text(demandes[0].reference)
        page_ok(page, "demandes-agents-fiche")

    navigateur(scenario, instructeur)
