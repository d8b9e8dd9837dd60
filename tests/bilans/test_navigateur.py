"""Pages des bilans dans Chromium : aucune violation d'accessibilité grave (axe-core), captures pour relecture."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from aap.bilans import services
from aap.bilans.services_controles import enregistrer_controle, verifications_proposees
from tests.bilans.outils import bilan_de, convention_signee, donnees, verser
from tests.navigateur import page_ok


pytestmark = pytest.mark.django_db(transaction=True)


def test_pages_des_bilans_accessibles(navigateur, instructeur, gestionnaire):
    convention, porteur = convention_signee()
    verser(convention, {"avance": Decimal("3000.00")})
    operation = convention.operations.get()
    intermediaire, final = bilan_de(convention), bilan_de(convention, "bilan_final")
    services.deposer_bilan(intermediaire, porteur, donnees(intermediaire))
    enregistrer_controle(
        operation,
        instructeur,
        date_controle=datetime.date(2026, 6, 1),
        sur_place=False,
        verifications=[
            {
                "libelle": v,
                "resultat": "conforme" if i else "non_conforme",
                "commentaire": "Facture manquante" * (not i),
            }
            for i, v in enumerate(verifications_proposees(operation))
        ],
        resultat="partiel",
        montant_non_justifie=Decimal("450.00"),
    )

    def porteur_pages(page):
        page.goto(reverse("bilans:mes_bilans"))
        page_ok(page, "bilans-mes-bilans")
        page.goto(reverse("bilans:saisir", args=[final.pk]))
        page_ok(page, "bilans-saisir")
        page.get_by_label("Entrées de participants sur la période").fill("-3")
        page.get_by_role("button", name="Enregistrer le brouillon").click()
        page_ok(page, "bilans-saisir-erreurs")
        assert page.locator("#recap-erreurs").is_visible()
        page.goto(reverse("bilans:saisir", args=[intermediaire.pk]))
        page_ok(page, "bilans-lecture")
        page.goto(reverse("bilans:documents_annuels", args=[convention.structure_id]))
        page_ok(page, "bilans-documents-annuels-porteur")

    navigateur(porteur_pages, user=porteur)

    def agent_pages(page):
        page.goto(reverse("bilans:liste"))
        page_ok(page, "bilans-liste")
        page.goto(reverse("bilans:detail", args=[intermediaire.pk]))
        page_ok(page, "bilans-examen")
        page.get_by_label("Score de la charte qualité (%)").fill("82,5")
        page.get_by_role("button", name="Accepter le bilan").click()
        page_ok(page, "bilans-examen-accepte")
        assert page.get_by_text("Accepté").first.is_visible()
        page.goto(reverse("bilans:controles", args=[operation.pk]))
        page_ok(page, "bilans-controles")
        page.goto(reverse("bilans:documents_en_retard"))
        page_ok(page, "bilans-documents-en-retard")
        page.goto(reverse("bilans:documents_annuels", args=[convention.structure_id]))
        page_ok(page, "bilans-documents-annuels-agent")

    navigateur(agent_pages, user=instructeur)
    navigateur(
        lambda page: (page.goto(reverse("bilans:relances")), page_ok(page, "bilans-relances")), user=gestionnaire
    )
