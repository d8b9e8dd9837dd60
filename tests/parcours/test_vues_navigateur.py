"""Pages des parcours dans Chromium (axe-core sans violation grave, captures dans test-artifacts/) : le référent
ouvre la fiche, planifie un rendez-vous dans le panneau htmx puis signe un contrat ; l'agent SLAI oriente."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from tests.navigateur import navigateur, page_ok  # noqa: F401 - fixture
from tests.parcours.factories import ContratFactory, OrientationFactory, RendezVousFactory, a_paris
from tests.parcours.test_vues import structure_de


pytestmark = pytest.mark.usefixtures("catalogue_2026")


def test_referent_suit_un_parcours(navigateur, referent):  # noqa: F811
    structure = structure_de(referent)
    orientation = OrientationFactory(structure=structure, personne__nom="Navigatrice")
    suivie = OrientationFactory(structure=structure, personne__nom="Suivi")
    RendezVousFactory(orientation=suivie, debut=a_paris(datetime.date(2026, 3, 9), 9))
    ContratFactory(orientation=suivie)

    def scenario(page):
        page.goto(reverse("parcours:liste"))
        page_ok(page, "parcours-liste-referent")
        page.get_by_role("link", name="SUIVI").first.click()
        page_ok(page, "parcours-fiche-suivie")
        page.goto(reverse("parcours:personne", args=[orientation.personne_id]))
        page_ok(page, "parcours-fiche")
        page.set_viewport_size({"width": 390, "height": 900})
        page_ok(page, "parcours-fiche-mobile")
        page.set_viewport_size({"width": 1280, "height": 900})
        page.get_by_role("link", name="Planifier un rendez-vous").click()
        page.locator("#panneau-saisie form").wait_for()
        page.fill("#id_jour", "2026-03-09")
        page.fill("#id_heure", "10:30")
        page.get_by_label("Physique").check()
        page.get_by_label("Honoré").check()
        page_ok(page, "parcours-fiche-panneau-rendez-vous")
        page.get_by_role("button", name="Enregistrer").click()
        page.get_by_text("Rendez-vous planifié.").wait_for()
        page_ok(page, "parcours-fiche-apres-rendez-vous")
        page.goto(reverse("parcours:contrat", args=[orientation.pk]))
        page.get_by_role("button", name="Enregistrer").click()
        page.locator("#recap-erreurs").wait_for()
        page_ok(page, "parcours-contrat-erreurs")
        page.goto(reverse("parcours:action", args=["sortie", orientation.pk]))
        page_ok(page, "parcours-sortie")
        page.goto(reverse("parcours:alertes"))
        page_ok(page, "parcours-alertes")
        page.goto(reverse("parcours:entrees_sorties") + f"?structure={structure.pk}&date_comite=2026-03-20")
        page_ok(page, "parcours-entrees-sorties")

    navigateur(scenario, user=referent)
    assert orientation.rendez_vous.count() == 1


def test_slai_oriente(navigateur, agent_slai, referent):  # noqa: F811
    OrientationFactory(structure=structure_de(referent))

    def scenario(page):
        page.goto(reverse("parcours:liste"))
        page_ok(page, "parcours-liste-slai")
        page.get_by_role("link", name="Orienter une personne").click()
        assert page.locator("#id_parcours optgroup").count() > 1  # sans choix : tous les parcours, par dispositif
        page.get_by_label("Dispositif").select_option(label=page.locator("#id_dispositif option").nth(1).inner_text())
        # htmx remplace la liste des parcours par ceux de la fiche du dispositif choisi (plus de groupes).
        page.wait_for_function("document.querySelectorAll('#id_parcours optgroup').length === 0")
        assert page.locator("#id_parcours option[value='accueil_dsp']").count() == 1
        page_ok(page, "parcours-orienter")
        page.get_by_role("button", name="Orienter").click()
        page.locator("#recap-erreurs").wait_for()
        page_ok(page, "parcours-orienter-erreurs")

    navigateur(scenario, user=agent_slai, largeur=390)
