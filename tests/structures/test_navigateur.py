"""Parcours du portail partenaires dans Chromium, avec contrôle axe-core de chaque page.

La fixture `navigateur` (tests/navigateur.py) joue chaque scénario dans un Chromium neuf.
"""

from playwright.sync_api import Page, expect

from aap.structures.models import DemandeCompte, Structure
from tests.navigateur import page_ok
from tests.siret import siret_valide
from tests.structures.factories import DemandeCompteFactory, DocumentStructureFactory
from tests.structures.formulaires import remplir_demande_de_compte


def test_demande_de_compte_publique(navigateur):
    navigateur(_demande_de_compte)
    assert DemandeCompte.objects.get().siret == siret_valide(4242)


def _demande_de_compte(page: Page) -> None:
    page.goto("/structures/demande-de-compte/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Demander l'ouverture d'un compte")
    page_ok(page, "structures-demande-compte")
    remplir_demande_de_compte(
        page, siret=siret_valide(4242), raison_sociale="Association Essai Navigateur", adresse="1 place des Héros",
        code_postal="59000", commune="Lille", prenom="Alice", nom="Martin", email="alice.martin@exemple.fr",
    )  # fmt: skip
    page.get_by_role("button", name="Envoyer la demande").click()
    recap = page.locator("#recap-erreurs")
    expect(recap).to_be_focused()
    expect(recap).to_contain_text("Pas-de-Calais")
    page_ok(page, "structures-demande-compte-erreurs")
    page.get_by_label("Code postal").fill("62000")
    page.get_by_label("Commune").fill("Arras")
    page.get_by_role("button", name="Envoyer la demande").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Votre demande a bien été envoyée")
    page_ok(page, "structures-demande-compte-envoyee")


def test_agent_valide_une_demande(navigateur, instructeur):
    demande = DemandeCompteFactory(raison_sociale="Asso à valider")
    navigateur(lambda onglet: _agent_valide(onglet, demande), instructeur)
    assert Structure.objects.filter(siret=demande.siret).exists()


def _agent_valide(onglet: Page, demande: DemandeCompte) -> None:
    onglet.goto("/structures/agents/demandes-de-compte/")
    page_ok(onglet, "structures-agents-demandes-compte")
    onglet.get_by_role("link", name="Asso à valider").click()
    page_ok(onglet, "structures-agents-demande-compte")
    onglet.get_by_role("button", name="Valider la demande").click()
    expect(onglet.get_by_role("status").first).to_contain_text("Demande validée")
    structure = Structure.objects.get(siret=demande.siret)
    onglet.goto(f"/structures/agents/{structure.pk}/")
    page_ok(onglet, "structures-agents-fiche")
    onglet.goto("/structures/agents/")
    page_ok(onglet, "structures-agents-liste")


def test_espace_porteur(navigateur, porteur, lecteur):
    structure = porteur.adhesions.get().structure
    DocumentStructureFactory(structure=structure)
    navigateur(lambda onglet: _espace_porteur(onglet, structure), porteur)
    structure.refresh_from_db()
    assert structure.bic == "CEPAFRPP627"


def _espace_porteur(onglet: Page, structure: Structure) -> None:
    onglet.goto("/structures/mes-structures/")
    page_ok(onglet, "structures-mes-structures")
    onglet.get_by_role("link", name=structure.raison_sociale).click()
    expect(onglet.get_by_role("heading", level=1)).to_contain_text(structure.raison_sociale)
    page_ok(onglet, "structures-profil")
    onglet.get_by_role("link", name="Modifier le profil").click()
    page_ok(onglet, "structures-modifier")
    onglet.get_by_role("button", name="Enregistrer").click()
    expect(onglet.locator("#recap-erreurs")).to_be_focused()
    onglet.get_by_label("Territoire MDS").select_option(label="Arrageois")
    expect(onglet.locator("#id_bic_error")).to_contain_text("Indiquez le BIC")  # IBAN enregistré, BIC manquant
    onglet.get_by_label("BIC").fill("CEPAFRPP627")
    onglet.get_by_role("button", name="Enregistrer").click()
    expect(onglet.get_by_role("status").first).to_contain_text("profil de la structure est enregistré")
    onglet.goto(f"/structures/{structure.pk}/pieces/ajouter/?type=rib")
    page_ok(onglet, "structures-piece")
    onglet.goto(f"/structures/{structure.pk}/membres/")
    page_ok(onglet, "structures-membres")
