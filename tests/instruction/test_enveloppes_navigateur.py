"""Enveloppes dans Chromium (axe-core sur chaque page) : tableau de bord, simulation appliquée, proposition bloquée."""

from __future__ import annotations

from decimal import Decimal

from playwright.sync_api import Page, expect

from aap.instruction import repartition
from aap.instruction.models import Proposition
from tests.instruction.factories import EnveloppeFactory
from tests.instruction.outils_propositions import demande_recue, dispositif_sur_ligne
from tests.navigateur import page_ok


def test_tableau_simulation_et_proposition(navigateur, gestionnaire, monkeypatch):
    dispositif, ligne = dispositif_sur_ligne(ae="20000.00")
    enveloppe = EnveloppeFactory(dispositif=dispositif, ligne=ligne, montant=Decimal("10000.00"))
    demandes = [demande_recue(dispositif, m) for m in ("6000.00", "5000.00", "3000.00")]
    notes = {d.pk: Decimal(n) for d, n in zip(demandes, ("90", "80", "70"), strict=True)}
    monkeypatch.setattr(repartition, "scores", lambda ids: {pk: notes[pk] for pk in ids if pk in notes})
    monkeypatch.setattr(repartition, "montant_par_defaut", lambda d: d.montant_demande)

    def scenario(page: Page) -> None:
        page.goto("/instruction/enveloppes/")
        expect(page.get_by_role("heading", level=1)).to_contain_text("Enveloppes et lignes budgétaires")
        expect(page.get_by_role("link", name="Enveloppes")).to_have_attribute("aria-current", "page")
        page_ok(page, "enveloppes-tableau")
        page.get_by_role("link", name=f"Simuler la répartition de l'enveloppe {dispositif.code}").click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("Répartition simulée")
        page_ok(page, "enveloppes-simulation")
        page.get_by_label("Note minimale (stratégie proportionnelle)").fill("75")
        page.get_by_role("button", name="Recalculer").click()
        expect(page.get_by_role("table")).to_contain_text("inférieure au minimum 75")
        page.get_by_role("button", name="Appliquer la répartition A").click()
        expect(page.get_by_role("status").first).to_contain_text(
            "Répartition « Par rang jusqu'à épuisement » appliquée"
        )
        expect(page.get_by_role("table").first).to_contain_text("9\u00a0000,00\u00a0€")
        page_ok(page, "enveloppes-apres-application")
        page.goto(f"/instruction/demandes/{demandes[1].pk}/proposition/")
        page_ok(page, "proposition-formulaire")
        page.get_by_label("Montant proposé").fill("1000.01")
        page.get_by_role("button", name="Enregistrer la proposition").click()
        expect(page.get_by_role("alert").first).to_contain_text("Proposition bloquée")
        expect(page.locator("body")).to_contain_text("dépassement de 0,01\u00a0€")
        page_ok(page, "proposition-bloquee")
        page.get_by_label("Montant proposé").fill("1000.00")
        page.get_by_role("button", name="Enregistrer la proposition").click()
        expect(page.get_by_role("heading", name="Proposition de financement")).to_be_visible()
        page_ok(page, "proposition-sur-la-fiche")

    navigateur(scenario, gestionnaire)
    assert Proposition.objects.get(demande=demandes[1]).montant == Decimal("1000.00")
    assert sum(p.montant for p in Proposition.objects.filter(enveloppe=enveloppe)) == Decimal("10000.00")
