"""Saisie du formulaire public de demande de compte dans Chromium, partagée par les parcours navigateur."""

from __future__ import annotations

from playwright.sync_api import Page


def remplir_demande_de_compte(
    page: Page,
    *,
    siret: str,
    raison_sociale: str,
    adresse: str,
    code_postal: str,
    commune: str,
    prenom: str,
    nom: str,
    email: str,
) -> None:
    """Remplit le formulaire (la représentante légale fait elle-même la demande) sans l'envoyer."""
    page.get_by_label("SIRET de la structure").fill(siret)
    page.get_by_label("Raison sociale").fill(raison_sociale)
    page.get_by_label("Forme juridique").select_option("association")
    page.get_by_label("Numéro et voie").fill(adresse)
    page.get_by_label("Code postal").fill(code_postal)
    page.get_by_label("Commune").fill(commune)
    page.get_by_label("Madame").check()
    page.locator("#id_representant_prenom").fill(prenom)
    page.locator("#id_representant_nom").fill(nom)
    page.get_by_label("Fonction (président·e, directeur·rice…)").fill("Présidente")
    page.get_by_label("Votre prénom").fill(prenom)
    page.get_by_label("Votre nom").fill(nom)
    page.get_by_label("Votre adresse électronique").fill(email)
