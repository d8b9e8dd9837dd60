"""Pages de la charte dans Chromium : aucune violation d'accessibilité grave (axe-core), captures pour relecture,
navigation au clavier jusqu'au formulaire de note ; vue étroite (mobile)."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from aap.qualite import services
from tests.factories import MembreFactory
from tests.navigateur import page_ok
from tests.parcours.factories import OrientationFactory, RendezVousFactory, a_paris
from tests.qualite.charte_outils import calculee, convention_52, d52, noter_tout


pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("catalogue_2026")]


def test_pages_de_la_charte_accessibles(navigateur, gestionnaire, porteur):
    structure = porteur.adhesions.get().structure
    convention = convention_52(structure)
    bilan = convention.operations.get().bilans.get(type="bilan_intermediaire")
    for jour in (3, 10, 25):
        orientation = OrientationFactory(
            structure=structure,
            dispositif=d52(),
            parcours="accompagnement_social_professionnel_intensif",
            date_orientation=datetime.date(2026, 3, jour),
        )
        RendezVousFactory(orientation=orientation, debut=a_paris(datetime.date(2026, 3, jour) + datetime.timedelta(9)))
    resultat = calculee(gestionnaire, structure)
    services.noter_critere(
        acteur=gestionnaire, resultat=resultat, critere="bilan_argumente", points="3.5", commentaire="Argumentés."
    )
    autre = calculee(gestionnaire, MembreFactory().structure)

    def agent(page):
        page.goto(reverse("qualite:liste"))
        page_ok(page, "charte-liste")
        page.goto(reverse("qualite:detail", args=[resultat.pk]))
        page_ok(page, "charte-detail-agent")
        page.get_by_label("Points (0 à 4)").first.fill("2")
        page.locator("#critere-reorientation").get_by_label("Commentaire (lu par la structure)").fill("Correct.")
        page.locator("#critere-reorientation").get_by_role("button").click()
        page.wait_for_url(f"**{reverse('qualite:detail', args=[resultat.pk])}#critere-reorientation")
        page_ok(page, "charte-detail-agent-note")
        page.goto(reverse("bilans:detail", args=[bilan.pk]))
        page_ok(page, "charte-bilan-agent")
        assert page.get_by_text("Charte qualité de la période du 01/01/2026 au 31/12/2026").is_visible()
        page.goto(reverse("qualite:detail", args=[autre.pk]))
        page.get_by_role("button", name="Communiquer à la structure").click()
        assert page.get_by_text("Notez d'abord les critères").is_visible()

    navigateur(agent, user=gestionnaire)

    resultat = services.communiquer(acteur=gestionnaire, resultat=noter_tout(gestionnaire, resultat))
    services.repondre(acteur=porteur, resultat=resultat, texte="Nos bilans comportent des propositions.")

    def structure_page(page):
        page.goto(reverse("qualite:mes_chartes"))
        page_ok(page, "charte-mes-chartes")
        page.goto(reverse("qualite:detail", args=[resultat.pk]))
        page_ok(page, "charte-detail-structure")
        page.get_by_label("Critère concerné").select_option("partenariat_slai")
        page.get_by_label("Votre observation").fill("Nous participons à tous les comités.")
        page.get_by_role("button", name="Envoyer l'observation").click()
        assert page.get_by_text("Nous participons à tous les comités.").is_visible()

    navigateur(structure_page, user=porteur, largeur=390)
    assert resultat.reponses.count() == 2
