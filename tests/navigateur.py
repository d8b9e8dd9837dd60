"""Parcours dans un vrai navigateur : Playwright pilote le Chromium de Debian, axe-core contrôle chaque page.

- `navigateur(scenario, user=None)` exécute `scenario(page)` dans un Chromium neuf, connecté en `user` si
  donné, face au serveur Django réel (`live_server`). Chromium tourne dans un fil dédié : l'API synchrone
  de Playwright n'admet qu'une instance par fil, et sa boucle asyncio reste ainsi hors du fil des tests
  (l'ORM de Django n'a pas à la tolérer ailleurs).
- `page_ok(page, nom)` après chaque navigation : aucune violation axe-core « serious » ou « critical »
  (WCAG 2.0/2.1 A et AA, bonnes pratiques) et une capture pleine page dans `test-artifacts/` pour relecture.
- Jamais `playwright install` : `executable_path="/usr/bin/chromium"` (paquet Debian, installé par `make test`).
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.db import connections
from django.test import Client
from playwright.sync_api import Page, sync_playwright


ROOT = Path(__file__).resolve().parents[1]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "navigateur" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.browser)


Scenario = Callable[[Page], None]


@pytest.fixture
def navigateur(live_server) -> Callable[..., None]:  # noqa: ANN001 - fixture de pytest-django
    """`navigateur(scenario, user=None, largeur=1280)` : joue `scenario(page)` dans Chromium."""
    if not Path(CHROMIUM).exists() or not AXE.exists():
        pytest.fail("Chromium ou axe-core introuvable : `make test` les installe (apt chromium, npm ci).")

    def lancer(scenario: Scenario, user=None, largeur: int = 1280) -> None:  # noqa: ANN001 - User ou None
        cookie = None
        if user is not None:
            client = Client()
            client.force_login(user)
            cookie = {"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}

        def dans_le_fil() -> None:
            try:
                with sync_playwright() as p:
                    browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
                    try:
                        context = browser.new_context(
                            base_url=live_server.url, locale="fr-FR", viewport={"width": largeur, "height": 900}
                        )
                        context.set_default_timeout(15_000)
                        if cookie:
                            context.add_cookies([cookie])
                        page = context.new_page()
                        page.on("dialog", lambda dialog: dialog.accept())
                        scenario(page)
                    finally:
                        browser.close()
            finally:
                connections.close_all()

        # Un scénario peut lire la base (ex. le lien reçu par courriel) depuis le fil de Playwright, où
        # tourne une boucle asyncio : on l'autorise le temps du scénario seulement.
        with ThreadPoolExecutor(max_workers=1) as fil, _orm_dans_la_boucle():
            fil.submit(dans_le_fil).result()

    return lancer


@contextmanager
def _orm_dans_la_boucle() -> Iterator[None]:
    avant = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        yield
    finally:
        if avant is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = avant


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:80] or "page"


def page_ok(page: Page, name: str | None = None) -> None:
    """Contrôle axe-core (aucune violation grave ou critique) et capture d'écran pleine page."""
    page.wait_for_load_state("load")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{_slug(name or page.url)}.png"), full_page=True)
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS)
    graves = [v for v in result["violations"] if v["impact"] in ("serious", "critical")]
    details = "\n".join(
        f"- {v['id']} ({v['impact']}): {v['help']} → {', '.join(n['target'][0] for n in v['nodes'][:5])}"
        for v in graves
    )
    assert not graves, f"Violations d'accessibilité sur {page.url} :\n{details}"
