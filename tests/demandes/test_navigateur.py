"""Parcours des demandes dans Chromium (Playwright) : enregistrement automatique, totaux en direct, dépôt,
validation, liste et fiche côté agents ; axe-core sur chaque page (fixture `navigateur` et `page_ok` de
`tests/navigateur.py`)."""

from __future__ import annotations

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from aap.demandes.choix import StatutDemande
from aap.demandes.models import Demande
from tests.demandes.factories import DemandeFactory, SessionAppelFactory
from tests.navigateur import page_ok


pytestmark = pytest.mark.browser


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


def test_ecran_etroit(navigateur, porteur, structure, session_ouverte):
    demande = DemandeFactory(structure=structure, session=session_ouverte, cree_par=porteur, budget=True)

    def scenario(page: Page) -> None:
        for chemin, nom in (("dossier/", "dossier"), ("budget/", "budget"), ("", "detail")):
            page.goto(f"/demandes/{demande.pk}/{chemin}")
            page_ok(page, f"demandes-mobile-{nom}")
            largeur = page.evaluate("document.documentElement.scrollWidth")
            assert largeur <= 390, f"{nom} : la page déborde ({largeur} px)"

    navigateur(scenario, porteur, largeur=390)
