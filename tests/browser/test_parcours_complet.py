"""Les deux parcours de bout en bout du portail, dans Chromium, axe-core sur chaque page visitée :

1. une structure demande un compte → un agent DPID le valide → le demandeur choisit son mot de passe
   par le lien reçu → il rédige une demande → équilibre son budget → la dépose et la valide → télécharge
   le récépissé ;
2. un agent filtre la liste des demandes et en ouvre une.
"""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import Page, expect

from aap.demandes.choix import StatutDemande
from aap.demandes.models import Demande
from aap.structures.models import Structure
from tests.catalogue.conftest import session_demo
from tests.navigateur import page_ok
from tests.siret import siret_valide
from tests.structures.formulaires import remplir_demande_de_compte


SIRET = siret_valide(777)
EMAIL = "direction@tremplin-arras.fr"
MOT_DE_PASSE = "Tremplin-Arras-2026!"


@pytest.fixture
def session_ouverte(catalogue_2026):
    aujourd_hui = timezone.localdate()
    # 5.4 Coach Jeunesse : frais de personnel + forfait 40 %, part du Département ≤ 40 % avec le FSE+.
    return session_demo("5.4", aujourd_hui - datetime.timedelta(days=2), aujourd_hui + datetime.timedelta(days=12))


def _demander_un_compte(page: Page) -> None:
    page.goto("/appels/")
    page_ok(page, "parcours-1-appels-ouverts")
    page.get_by_role("link", name="Demander un compte").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Demander l'ouverture d'un compte")
    page_ok(page, "parcours-2-demande-de-compte")
    remplir_demande_de_compte(
        page, siret=SIRET, raison_sociale="Association Tremplin Arras", adresse="3 rue Gambetta",
        code_postal="62000", commune="Arras", prenom="Inès", nom="Delattre", email=EMAIL,
    )  # fmt: skip
    page.get_by_role("button", name="Envoyer la demande").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Votre demande a bien été envoyée")
    page_ok(page, "parcours-3-demande-envoyee")


def _agent_valide(page: Page) -> None:
    page.goto("/structures/agents/demandes-de-compte/")
    page_ok(page, "parcours-4-agent-demandes-de-compte")
    page.get_by_role("link", name="Association Tremplin Arras").click()
    page_ok(page, "parcours-5-agent-demande-de-compte")
    page.get_by_role("button", name="Valider la demande").click()
    expect(page.get_by_role("status").first).to_contain_text("Demande validée")


def _choisir_mot_de_passe(page: Page, lien: str) -> None:
    page.goto(lien)
    expect(page.get_by_role("heading", level=1)).to_have_text("Choisir votre mot de passe")
    page_ok(page, "parcours-6-mot-de-passe")
    page.locator("#id_new_password1").fill(MOT_DE_PASSE)
    page.locator("#id_new_password2").fill(MOT_DE_PASSE)
    page.get_by_role("button", name="Enregistrer mon mot de passe").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mot de passe enregistré")
    page_ok(page, "parcours-6b-mot-de-passe-enregistre")
    # Le lien ne sert qu'une fois.
    page.goto(lien)
    expect(page.get_by_role("alert")).to_contain_text("Ce lien n'est plus valable")
    page_ok(page, "parcours-6c-lien-perime")


def _rediger_deposer_valider(page: Page, session_pk: int) -> None:
    page.goto("/connexion/")
    page.get_by_label("Adresse électronique").fill(EMAIL)
    page.get_by_label("Mot de passe").fill(MOT_DE_PASSE)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mes demandes de subvention")
    page_ok(page, "parcours-6d-mes-demandes")

    page.goto(f"/demandes/nouvelle/?session={session_pk}")
    page_ok(page, "parcours-7-nouvelle-demande")
    page.get_by_label("Intitulé de l'opération").fill("Coach jeunesse Arras 2026-2027")
    page.get_by_label("Arrageois").check()
    page.get_by_role("button", name="Créer la demande").click()

    # Le dossier : chaque champ est enregistré automatiquement.
    expect(page.locator("#statut-brouillon")).to_be_visible()
    page_ok(page, "parcours-8-dossier")
    textes = {
        "Description de l'opération": "Repérage et accompagnement de jeunes de 16 à 25 ans « hors radars ».",
        "Objectifs": "Remobiliser 60 jeunes par an vers un parcours d'insertion.",
        "Résultats attendus": "60 % des jeunes accompagnés engagés dans un parcours à 6 mois.",
        "Moyens humains": "Deux coachs à temps plein, encadrés par la directrice.",
        "Moyens matériels": "Un local en centre-ville, un véhicule de service.",
        "Partenaires mobilisés et rôle de chacun": "Mission Locale de l'Arrageois, SLAI, clubs de prévention.",
    }
    for label, texte in textes.items():
        page.get_by_label(label, exact=True).fill(texte)
    page.get_by_label("ETP", exact=True).fill("2")
    page.get_by_label("Places d'accompagnement", exact=True).fill("60")
    page.get_by_label("Places d'accompagnement", exact=True).blur()
    expect(page.locator("#statut-brouillon")).to_contain_text(re.compile(r"Brouillon enregistré à \d\d:\d\d"))

    # Le budget : deux coachs en 2026 et 2027, forfait de 40 % calculé, ressources équilibrées.
    page.get_by_role("link", name="Plan de financement").first.click()
    page_ok(page, "parcours-9-budget-vide")
    for annee in (2026, 2027):
        page.locator(f"#id_postes-{annee}-0-libelle").fill("Coach jeunesse")
        page.locator(f"#id_postes-{annee}-0-etp").fill("2")
        page.locator(f"#id_postes-{annee}-0-taux_affectation").fill("100")
        page.locator(f"#id_postes-{annee}-0-cout_annuel").fill("80000")
        page.locator(f"#id_postes-{annee}-0-mois").fill("12")
        # 80 000 € de personnel + 32 000 € de forfait = 112 000 € ; Département 40 % = 44 800 €.
        page.locator(f"#id_r_{annee}_departement").fill("44800")
        page.locator(f"#id_r_{annee}_fse_plus").fill("67200")
    page.locator("#id_r_2027_fse_plus").blur()
    expect(page.locator("#budget-totaux")).to_contain_text("224\u00a0000,00")
    page.get_by_role("button", name="Enregistrer le plan de financement").click()
    expect(page.locator("#budget-totaux")).not_to_contain_text("n'est pas équilibré")
    page_ok(page, "parcours-10-budget-equilibre")

    # Dépôt puis validation par la représentante légale, récépissé téléchargé.
    page.get_by_role("link", name="Aller au dépôt").click()
    page.get_by_role("button", name="Déposer la demande").click()
    expect(page.get_by_text("Demande déposée.")).to_be_visible()
    page_ok(page, "parcours-11-deposee")
    page.get_by_role("link", name="Valider la demande").first.click()
    page_ok(page, "parcours-11b-valider")
    page.get_by_label("J'atteste sur l'honneur").check()
    page.get_by_role("button", name="Valider la demande").click()
    lien = page.get_by_role("link", name="Télécharger le récépissé (PDF)")
    expect(lien).to_be_visible()
    page_ok(page, "parcours-12-validee")
    with page.expect_download() as telechargement:
        lien.click()
    chemin = telechargement.value.path()
    with open(chemin, "rb") as fichier:
        assert fichier.read(5) == b"%PDF-"


def test_parcours_complet_du_porteur(navigateur, instructeur, session_ouverte):
    navigateur(_demander_un_compte)
    navigateur(_agent_valide, instructeur)
    structure = Structure.objects.get(siret=SIRET)
    # Le courriel donne l'adresse publique (SITE_URL) ; le test suit le même chemin sur le serveur de test.
    lien = re.search(r"https?://[^/\s]+(/mot-de-passe/definir/\S+/)", mail.outbox[-1].body).group(1)
    navigateur(lambda page: _choisir_mot_de_passe(page, lien))
    navigateur(lambda page: _rediger_deposer_valider(page, session_ouverte.pk))

    demande = Demande.objects.get(structure=structure)
    assert demande.statut == StatutDemande.VALIDEE and demande.attestation_honneur
    assert demande.cout_total == Decimal("224000.00") and demande.montant_demande == Decimal("89600.00")
    assert demande.recepisse and len(demande.recepisse_empreinte) == 64


def test_agent_filtre_et_ouvre_une_demande(navigateur, instructeur, catalogue_2026):
    from aap.core.demo.generateur import generer

    generer(nb_structures=6, nb_demandes=12, seed=3)
    cible = Demande.objects.filter(statut=StatutDemande.VALIDEE).select_related("structure").first()
    territoire = cible.territoires.first()

    def scenario(page: Page) -> None:
        page.goto("/demandes/agents/")
        expect(page.get_by_role("heading", level=1)).to_have_text("Demandes de subvention")
        page_ok(page, "parcours-agent-1-liste")
        page.get_by_label("Territoire").select_option(str(territoire.pk))
        page.get_by_label("Statut").select_option(StatutDemande.VALIDEE)
        page.get_by_role("button", name="Filtrer").click()
        expect(page).to_have_url(re.compile(rf"territoire={territoire.pk}"))
        lignes = page.locator("table").first.locator("tbody tr")
        expect(lignes.first).to_contain_text(territoire.nom)
        page_ok(page, "parcours-agent-2-liste-filtree")
        page.get_by_role("link", name=cible.reference).click()
        expect(page.get_by_role("heading", level=1)).to_contain_text(cible.reference)
        page_ok(page, "parcours-agent-3-demande")

    navigateur(scenario, instructeur)
