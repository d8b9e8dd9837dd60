"""Le parcours de l'issue 4 dans Chromium, axe-core sur chaque page visitée, sur le catalogue 2026 réel :

une demande 5.1 (fiche F01) votée par la Commission permanente → la gestionnaire génère les conventions de la
séance (tâche de fond), télécharge le document Word et l'envoie → le porteur dépose l'exemplaire signé → la
gestionnaire signe pour le Département : l'avance est proposée, elle la valide → les finances l'exportent (XLSX)
et enregistrent le mandat → le porteur dépose le bilan intermédiaire (après une erreur signalée sur place) → la
gestionnaire l'accepte avec un score qualité : l'acompte est modulé par l'atteinte → après la fin de l'opération,
le bilan final, plus faible, est accepté : le trop-perçu fait l'objet d'un ordre de reversement, au centime.

L'horloge du processus (celle du serveur de test aussi) avance avec time-machine : signature en juin 2026, bilan
intermédiaire en mars 2027, bilan final en février 2028 (opération du 01/01/2026 au 31/12/2027).
"""

from __future__ import annotations

import datetime
import io
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import time_machine
from django.utils import timezone
from docx import Document
from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from aap.bilans.models import Bilan, StatutBilan
from aap.catalogue.models import SessionAppel
from aap.commission import services as commission
from aap.commission import services_decisions as decisions
from aap.commission.models import Inscription
from aap.conventions.models import Convention, StatutConvention
from aap.core.demo.pieces import pdf_demo
from aap.core.models import TacheFond
from aap.core.templatetags.aap_ui import euros, nombre
from aap.demandes.choix import StatutDemande
from aap.instruction.models import ModeleConvention
from aap.instruction.propositions import proposer
from aap.qualite import services as charte
from aap.qualite.selectors import periode_charte
from aap.versements import exports
from aap.versements import services as versements
from aap.versements.models import Echeance, OrdreReversement, StatutEcheance, StatutVersement, Versement
from tests.commission.factories import EluFactory, SeanceCPFactory
from tests.demandes.factories import DemandeFactory
from tests.factories import MembreFactory, StructureFactory
from tests.navigateur import page_ok
from tests.qualite.charte_outils import noter_tout, points_pour


PARIS = ZoneInfo("Europe/Paris")
DATE_CP = datetime.date(2026, 5, 26)
SIGNATURE = datetime.datetime(2026, 6, 15, 9, 30, tzinfo=PARIS)
BILAN_INTERMEDIAIRE = datetime.datetime(2027, 3, 10, 9, 30, tzinfo=PARIS)
BILAN_FINAL = datetime.datetime(2028, 2, 15, 9, 30, tzinfo=PARIS)

MONTANT = Decimal("45678.91")  # au plus la part du Département demandée (47 040,00 €)
DSP, PLACES = 800, 70  # engagements conventionnés : DSP par an (flux annuel), places en file active (stock)
STRUCTURE = "Association Tremplin Arras"
MONTANT_EN_LETTRES = "quarante-cinq mille six cent soixante-dix-huit euros et quatre-vingt-onze centimes"


def _e(montant: Decimal) -> str:
    """Le montant tel que les pages l'affichent (« 98 765,43 € », espaces insécables)."""
    return euros(montant)


def _montants_attendus() -> dict[str, Decimal]:
    """Le calcul refait à la main, d'après la fiche F01 et la règle de modulation écrite dans edition.yaml."""
    centime = Decimal("0.01")
    avance = (MONTANT * Decimal("0.30")).quantize(centime, rounding=ROUND_DOWN)  # 13 703,67 (tronqué au centime)
    acompte_prevu = (MONTANT * Decimal("0.50")).quantize(centime, rounding=ROUND_DOWN)  # 22 839,45
    # Bilan intermédiaire : 640 DSP sur 800 (80 %), 70 places sur 70 (100 %), charte qualité 75 %.
    atteinte_volume = (Decimal("0.80") + Decimal("1.00")) / 2  # 0,90
    taux_intermediaire = Decimal("0.40") * atteinte_volume + Decimal("0.60") * Decimal("0.75")  # 0,81
    # Droit cumulé = montant × 80 % (avance + acompte) × taux d'atteinte, moins l'avance déjà versée.
    droit_cumule = (MONTANT * Decimal("0.80") * taux_intermediaire).quantize(centime, rounding=ROUND_HALF_UP)
    acompte = droit_cumule - avance
    # Bilan final : cible DSP = 800 × 2 ans = 1 600, réalisé 960 (60 %) ; 49 places sur 70 (70 %) ; qualité 50 %.
    taux_final = Decimal("0.40") * (Decimal("0.60") + Decimal("0.70")) / 2 + Decimal("0.60") * Decimal("0.50")
    droit_final = (MONTANT * taux_final).quantize(centime, rounding=ROUND_HALF_UP)  # × 0,56
    return {
        "avance": avance,
        "acompte_prevu": acompte_prevu,
        "droit_cumule": droit_cumule,
        "acompte": acompte,
        "droit_final": droit_final,
        "trop_percu": avance + acompte - droit_final,
    }


ATTENDU = _montants_attendus()


def _seance_votee(catalogue_2026, gestionnaire, structure):  # noqa: ANN001, ANN202 - fixtures, SeanceCP
    """Une demande 5.1 validée, proposée avec ses DSP et ses places, inscrite à une CP votée et approuvée."""
    session = SessionAppel.objects.get(dispositif__code="5.1", numero=1)
    demande = DemandeFactory(
        session=session,
        statut=StatutDemande.VALIDEE,
        territoires=["arrageois"],
        structure=structure,
        intitule="Plateforme DSP et remobilisation sociale – Arrageois",
        date_debut=datetime.date(2026, 1, 1),
        date_fin=datetime.date(2027, 12, 31),
        participants=None,
        postes_insertion=None,
        budget=True,
    )
    proposition = proposer(
        demande,
        gestionnaire,
        {
            "montant": MONTANT,
            "etp": Decimal("2.00"),
            "dsp": DSP,
            "places": PLACES,
            "modele_convention": ModeleConvention.TYPE,
        },
    )
    seance = SeanceCPFactory(
        date=DATE_CP, edition=catalogue_2026, phase="Phase 1", numero_deliberation="2026-187", creee_par=gestionnaire
    )
    assert commission.inscrire(seance, [proposition], gestionnaire) == 1
    for _ in range(5):
        EluFactory()
    decisions.enregistrer_vote(seance, gestionnaire, decisions.SaisieVote(5, 0, 0, 0, adopte=True))
    decisions.approuver(Inscription.objects.get(seance=seance), gestionnaire)
    return seance


def _texte_docx(chemin: str) -> str:
    """Tout le texte du document Word (corps, tableaux, en-têtes et pieds de page)."""
    document = Document(chemin)
    morceaux = ["".join(t.text or "" for t in document.element.body.iter() if t.tag.endswith("}t"))]
    for section in document.sections:
        for partie in (section.header, section.footer):
            morceaux.extend(p.text for p in partie.paragraphs)
    return "\n".join(morceaux)


def _generer_envoyer(page: Page, convention_attendue: str, montant_lettres: str) -> None:
    page.goto("/conventions/documents/")
    page_ok(page, "issue4-01-documents-des-conventions")
    page.get_by_role("link", name=f"CP du {DATE_CP:%d/%m/%Y}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Conventions de la CP du {DATE_CP:%d/%m/%Y}")
    page_ok(page, "issue4-02-seance-a-generer")
    page.get_by_role("button", name="Générer les conventions").click()
    # Page de la tâche de fond : progression puis compte rendu (immédiat sous pytest).
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Génération des conventions de la CP du {DATE_CP:%d/%m/%Y}"
    )
    expect(page.get_by_role("status").first).to_contain_text("1 convention générée")
    page_ok(page, "issue4-03-tache-generation")
    page.get_by_role("link", name=f"Conventions de la CP du {DATE_CP:%d/%m/%Y}").click()
    expect(page.get_by_role("status").first).to_contain_text("Toutes les opérations approuvées")
    page_ok(page, "issue4-04-seance-generee")

    page.goto("/conventions/")
    page_ok(page, "issue4-05-liste-des-conventions")
    page.get_by_role("link", name=convention_attendue, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Convention n° {convention_attendue}")
    page_ok(page, "issue4-06-convention-generee")
    with page.expect_download() as telechargement:
        page.get_by_role("link", name="Convention à signer (Word)").click()
    assert telechargement.value.suggested_filename == f"convention-{convention_attendue}.docx"
    texte = _texte_docx(telechargement.value.path())
    assert convention_attendue in texte
    assert montant_lettres in texte
    assert STRUCTURE in texte

    page.get_by_role("button", name="Envoyer à la structure pour signature").click()
    expect(page.get_by_role("status").first).to_contain_text("Convention envoyée")
    page_ok(page, "issue4-07-convention-envoyee")


def _porteur_signe(page: Page, numero: str, pdf: Path) -> None:
    page.goto("/conventions/mes-conventions/")
    expect(page.get_by_role("status").first).to_contain_text("1 convention à signer")
    page_ok(page, "issue4-08-mes-conventions")
    page.get_by_role("link", name=numero, exact=True).click()
    page_ok(page, "issue4-09-convention-a-signer")
    page.get_by_label("Convention signée (PDF)").set_input_files(str(pdf))
    page.get_by_role("button", name="Déposer la convention signée").click()
    expect(page.get_by_role("status").first).to_contain_text("Convention signée déposée")
    expect(page.get_by_role("link", name="Convention signée par la structure (PDF)")).to_be_visible()
    page_ok(page, "issue4-10-convention-signee-structure")


def _signer_valider_avance(page: Page, convention: Convention) -> None:
    page.goto(f"/conventions/{convention.pk}/")
    page.get_by_role("button", name="Signer pour le Département").click()
    expect(page.get_by_role("status").first).to_contain_text("l'avance est exigible")
    echeancier = page.get_by_role("table", name="Échéancier de l'opération")
    ligne_avance = echeancier.get_by_role("row", name="Avance 30 %")
    expect(ligne_avance).to_contain_text(_e(ATTENDU["avance"]))
    expect(ligne_avance).to_contain_text("Proposé")
    page_ok(page, "issue4-11-convention-signee-avance-proposee")
    ligne_avance.get_by_role("link", name="voir le calcul de l'avance").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Avance 30 % – convention n° {convention.numero}")
    expect(page.locator(".calcul__totaux")).to_contain_text(f"30 % de la subvention = {_e(ATTENDU['avance'])}")
    page_ok(page, "issue4-12-versement-avance")
    page.get_by_role("button", name=f"Valider le versement de {_e(ATTENDU['avance'])}").click()
    expect(page.get_by_role("status").first).to_contain_text("valid")
    page_ok(page, "issue4-13-avance-validee")


def _finances_exportent_et_paient(page: Page, convention: Convention) -> None:
    page.goto("/versements/exports/")
    page_ok(page, "issue4-14-exports")
    page.get_by_role("button", name="Exporter les 1 ordre de paiement").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Export des ordres de paiement vers les finances")
    expect(page.get_by_role("status").first).to_contain_text("1 ordre de paiement transmis aux finances")
    page_ok(page, "issue4-15-tache-export")
    with page.expect_download() as telechargement:
        page.locator(".tache").get_by_role("link", name=".xlsx").click()
    assert telechargement.value.suggested_filename.startswith("ordres-de-paiement-")
    with open(telechargement.value.path(), "rb") as fichier:
        feuille = load_workbook(io.BytesIO(fichier.read())).active
    entetes = [c.value for c in feuille[1]]
    ligne = dict(zip(entetes, [c.value for c in feuille[2]], strict=True))
    assert ligne["Tiers (SIRET)"] == convention.structure.siret
    assert ligne["IBAN"] == convention.structure.iban and ligne["BIC"] == convention.structure.bic
    assert Decimal(str(ligne["Montant"])) == ATTENDU["avance"]
    assert ligne["N° de convention"] == convention.numero and ligne["Type d'échéance"] == "Avance"
    assert ligne["Code opération"] == "C02-446A05"  # ligne budgétaire du 5.1 (délibération du 26/05/2026)
    page.get_by_role("link", name="Voir l'export et enregistrer les paiements").click()
    page_ok(page, "issue4-16-export")
    # Le mandat de la ligne de l'avance (libellés propres à chaque ligne du tableau).
    page.get_by_label(f"N° de mandat – convention {convention.numero}, avance").fill("M-2026-004512")
    page.get_by_label(f"Date de paiement – convention {convention.numero}, avance").fill(SIGNATURE.date().isoformat())
    page.get_by_role("button", name="Enregistrer les paiements saisis").click()
    expect(page.get_by_role("status").first).to_contain_text("1 paiement enregistré")
    expect(page.get_by_role("table")).to_contain_text("mandat n° M-2026-004512 le 15/06/2026")
    page_ok(page, "issue4-17-avance-payee")


INDICATEURS_CHIFFRES = {  # fiche F01 : les indicateurs à cible chiffrée attendent un nombre
    "Délai du 1er rendez-vous d'accompagnement": "12",
    "Délai de signature du CE": "3",
    "Rendez-vous": "2",
    "Durée moyenne des parcours": "7",
}


def _remplir_bilan(page: Page, *, dsp: str | None, places: str, entrees: str, texte: str, part: Decimal) -> None:
    """Remplit le bilan ; le bilan financier déclare `part` du plan retenu (dépenses réalisées, ressources perçues)."""
    if dsp is not None:
        page.get_by_label("DSP réalisées").fill(dsp)
    page.get_by_label("Places d'accompagnement occupées (file active moyenne)").fill(places)
    page.get_by_label("Entrées de participants sur la période").fill(entrees)
    page.get_by_label("Emploi durable").fill("4")
    page.get_by_label("Changement de situation financière").fill("6")
    page.get_by_label("Abandon").fill("2")
    for nom, valeur in INDICATEURS_CHIFFRES.items():
        groupe = page.get_by_role("group", name=nom, exact=True)
        groupe.get_by_label("Valeur constatée (nombre)").fill(valeur)
    contractualisation = page.get_by_role("group", name="Taux de contractualisation", exact=True)
    contractualisation.get_by_label("Valeur constatée").fill("92 %")
    contractualisation.get_by_label("Commentaire").fill("CE validés pour 92 % des personnes accueillies.")
    page.get_by_label("Bilan qualitatif (bilan pédagogique)").fill(texte)
    # Bilan financier : chaque ligne du plan retenu (dépenses puis ressources), montant prévu × `part`.
    for ligne in page.locator("table.table-saisie tbody tr").all():
        prevu = Decimal(ligne.locator("td.num").inner_text().replace("\u202f", "").replace("\xa0", "")
                        .replace(" ", "").replace("€", "").replace(",", "."))  # fmt: skip
        ligne.locator("input").fill(str((prevu * part).quantize(Decimal("0.01"))).replace(".", ","))


def _porteur_depose_intermediaire(page: Page, bilan: Bilan) -> None:
    page.goto("/bilans/")
    page_ok(page, "issue4-18-mes-bilans")
    page.get_by_role(
        "link", name=f"Saisir : bilan intermédiaire, convention {bilan.operation.convention.numero}"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Bilan intermédiaire")
    expect(page.get_by_text(f"Cible de ce bilan : {nombre(DSP)}")).to_be_visible()
    page_ok(page, "issue4-19-bilan-intermediaire-vide")
    # 640 DSP sur 800 (80 %) et 70 places sur 70 : d'abord sans les DSP, l'erreur s'affiche sur place.
    _remplir_bilan(
        page,
        dsp=None,
        places=str(PLACES),
        entrees="58",
        texte="Plateforme d'accueil ouverte sur Arras et Saint-Pol ; 58 entrées en remobilisation sociale.",
        part=Decimal("0.48"),
    )
    page.get_by_role("button", name="Déposer le bilan").click()
    expect(page.locator("#recap-erreurs")).to_be_visible()
    champ_dsp = page.get_by_label("DSP réalisées")
    expect(champ_dsp).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_text("Indiquez le réalisé : « DSP réalisées ».").first).to_be_visible()
    page_ok(page, "issue4-20-bilan-intermediaire-erreur")
    champ_dsp.fill("640")
    page.get_by_role("button", name="Déposer le bilan").click()
    expect(page.get_by_role("status").first).to_contain_text("Bilan intermédiaire déposé")
    page_ok(page, "issue4-21-bilan-intermediaire-depose")


def _charte_definitive(bilan: Bilan, score: str, agent) -> None:  # noqa: ANN001
    """La charte qualité de la période du bilan, rendue définitive avec `score` % : aucun parcours n'est suivi
    dans ce test, les critères calculés sont sans objet et les notes d'appréciation font le score (issue 5)."""
    operation = bilan.operation
    debut, fin = periode_charte(bilan)
    resultat = charte.calculer(
        acteur=agent, structure=operation.convention.structure, dispositif=operation.dispositif, debut=debut, fin=fin
    )
    resultat = noter_tout(agent, resultat, points_pour(operation.dispositif, Decimal(score)))
    maintenant = timezone.now()
    resultat = charte.communiquer(acteur=agent, resultat=resultat, at=maintenant - datetime.timedelta(days=30))
    resultat = charte.rendre_definitif(acteur=agent, resultat=resultat, at=maintenant)
    assert resultat.score == Decimal(score)


def _accepter(page: Page, bilan: Bilan, score: str, capture: str) -> None:
    page.goto(f"/conventions/{bilan.operation.convention_id}/")
    page.get_by_role("link", name=f"Examiner le {bilan.libelle.lower()}").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(bilan.libelle)
    # Le score n'est plus saisi : c'est celui de la charte qualité définitive de la période (issue 5).
    expect(page.locator("main")).to_contain_text(f"Score de la charte qualité retenu : {score}")
    page_ok(page, f"{capture}-examen")
    page.get_by_role("button", name="Accepter le bilan").click()
    expect(page.get_by_role("status").first).to_contain_text(f"{bilan.libelle} accepté")
    page_ok(page, f"{capture}-accepte")


def _valider_acompte(page: Page, convention: Convention) -> None:
    page.goto(f"/conventions/{convention.pk}/")
    ligne_acompte = page.get_by_role("table", name="Échéancier de l'opération").get_by_role("row", name="Acompte 50 %")
    expect(ligne_acompte).to_contain_text(_e(ATTENDU["acompte"]))
    expect(ligne_acompte).to_contain_text("Proposé")
    page_ok(page, "issue4-24-convention-acompte-propose")
    ligne_acompte.get_by_role("link", name="voir le calcul de l'acompte").click()
    calcul = page.locator(".calcul__totaux")
    expect(calcul).to_contain_text(f"{_e(MONTANT)} × 80 %")
    expect(calcul).to_contain_text(_e(ATTENDU["droit_cumule"]))
    expect(calcul).to_contain_text(_e(ATTENDU["acompte"]))
    expect(page.get_by_role("table", name="Atteinte des engagements au bilan intermédiaire")).to_contain_text("81")
    page_ok(page, "issue4-25-versement-acompte")
    page.get_by_role("button", name=f"Valider le versement de {_e(ATTENDU['acompte'])}").click()
    expect(page.get_by_role("status").first).to_contain_text("Versement validé")
    page_ok(page, "issue4-26-acompte-valide")


def _porteur_depose_final(page: Page, bilan: Bilan) -> None:
    page.goto(f"/conventions/{bilan.operation.convention_id}/")
    page_ok(page, "issue4-27-convention-porteur-avant-bilan-final")
    # Le porteur voit le calcul de l'acompte ligne par ligne, comme l'agent.
    page.get_by_role("link", name="voir le calcul de l'acompte").click()
    expect(page.locator(".calcul__totaux")).to_contain_text(_e(ATTENDU["droit_cumule"]))
    expect(page.get_by_role("button", name="Valider", exact=False)).to_have_count(0)
    page_ok(page, "issue4-27b-porteur-calcul-acompte")
    page.get_by_role("link", name=f"Convention n° {bilan.operation.convention.numero}").click()
    page.get_by_role("link", name="Saisir le bilan final").click()
    expect(page.get_by_text(f"Cible de ce bilan : {nombre(DSP * 2)}")).to_be_visible()  # flux annuel × 2 ans
    # 960 DSP sur 1 600 (60 %), 49 places sur 70 (70 %).
    _remplir_bilan(
        page,
        dsp="960",
        places="49",
        entrees="41",
        texte="Deux postes vacants pendant cinq mois : file active réduite, DSP en retrait en 2027.",
        part=Decimal("0.86"),
    )
    page.get_by_role("button", name="Déposer le bilan").click()
    expect(page.get_by_role("status").first).to_contain_text("Bilan final déposé")
    page_ok(page, "issue4-28-bilan-final-depose")


def _constater_reversement(page: Page, convention: Convention) -> None:
    page.goto(f"/conventions/{convention.pk}/")
    echeancier = page.get_by_role("table", name="Échéancier de l'opération")
    expect(echeancier.get_by_role("row", name="Solde 20 %")).to_contain_text("Rien à verser")
    reversements = page.get_by_role("table", name="Ordres de reversement de l'opération")
    expect(reversements).to_contain_text(_e(ATTENDU["trop_percu"]))
    page_ok(page, "issue4-31-convention-reversement")
    reversements.get_by_role("link").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Ordre de reversement")
    expect(page.locator(".lead")).to_contain_text(f"{_e(ATTENDU['trop_percu'])} réclamés à {STRUCTURE}")
    calcul = page.locator(".calcul__totaux")
    expect(calcul).to_contain_text(f"{_e(MONTANT)} × 56 % = {_e(ATTENDU['droit_final'])}")
    expect(calcul).to_contain_text(_e(ATTENDU["avance"] + ATTENDU["acompte"]))
    page_ok(page, "issue4-32-ordre-de-reversement")


def _porteur_voit_reversement(page: Page, convention: Convention) -> None:
    page.goto("/conventions/mes-conventions/")
    page.get_by_role("link", name=convention.numero, exact=True).click()
    reversements = page.get_by_role("table", name="Ordres de reversement de l'opération")
    expect(reversements).to_contain_text(_e(ATTENDU["trop_percu"]))
    page_ok(page, "issue4-33-porteur-convention-reversement")
    reversements.get_by_role("link").first.click()
    expect(page.locator(".lead")).to_contain_text(f"reste dû : {_e(ATTENDU['trop_percu'])}")
    expect(page.get_by_role("button", name="Annuler l'ordre de reversement")).to_have_count(0)
    page_ok(page, "issue4-34-porteur-ordre-de-reversement")


def test_de_la_cp_au_reversement(navigateur, catalogue_2026, gestionnaire, instructeur, agent_finances, tmp_path):
    structure = StructureFactory(raison_sociale=STRUCTURE, iban="FR7630006000011234567890189", bic="AGRIFRPP836")
    porteur = MembreFactory(structure=structure).user
    pdf = tmp_path / "convention-signee.pdf"
    pdf.write_bytes(pdf_demo("Convention signee par la presidente"))

    with time_machine.travel(SIGNATURE, tick=True):
        seance = _seance_votee(catalogue_2026, gestionnaire, structure)
        numero = f"{DATE_CP.year}-00001"
        navigateur(lambda page: _generer_envoyer(page, numero, MONTANT_EN_LETTRES), gestionnaire)
        convention = Convention.objects.get(seance=seance)
        generation = TacheFond.objects.get(type="conventions.generation")
        assert (generation.statut, generation.progression, generation.demandee_par) == ("terminee", 100, gestionnaire)
        assert convention.numero == numero and convention.montant == MONTANT
        assert convention.statut == StatutConvention.ENVOYEE
        navigateur(lambda page: _porteur_signe(page, numero, pdf), porteur)
        navigateur(lambda page: _signer_valider_avance(page, convention), gestionnaire)
        navigateur(lambda page: _finances_exportent_et_paient(page, convention), agent_finances)

    convention.refresh_from_db()
    assert convention.statut == StatutConvention.SIGNEE
    operation = convention.operations.get()
    assert operation.engagements == {"etp": "2.00", "places": str(PLACES), "dsp": str(DSP)}
    avance = Versement.objects.get(echeance__operation=operation, echeance__type="avance")
    assert (avance.montant, avance.statut, avance.reference_paiement) == (
        ATTENDU["avance"],
        StatutVersement.PAYE,
        "M-2026-004512",
    )
    intermediaire = Bilan.objects.get(operation=operation, type="bilan_intermediaire")
    final = Bilan.objects.get(operation=operation, type="bilan_final")
    assert (intermediaire.echeance, final.echeance) == (datetime.date(2027, 3, 31), datetime.date(2028, 3, 31))

    with time_machine.travel(BILAN_INTERMEDIAIRE, tick=True):
        navigateur(lambda page: _porteur_depose_intermediaire(page, intermediaire), porteur)
        _charte_definitive(intermediaire, "75", gestionnaire)
        navigateur(lambda page: _accepter(page, intermediaire, "75", "issue4-22-bilan-intermediaire"), instructeur)
        navigateur(lambda page: _valider_acompte(page, convention), gestionnaire)
        # Les finances transmettent et paient l'acompte (même chemin que l'avance, déjà parcouru dans Chromium).
        export = exports.exporter(agent_finances)
        versements.enregistrer_paiement(
            export.versements.get(), agent_finances, date=BILAN_INTERMEDIAIRE.date(), reference="M-2027-001207"
        )

    acompte = Versement.objects.get(echeance__operation=operation, echeance__type="acompte")
    assert (acompte.montant, acompte.statut) == (ATTENDU["acompte"], StatutVersement.PAYE)
    assert ATTENDU["acompte"] < ATTENDU["acompte_prevu"]  # modulé : moins que les 50 % de l'échéancier
    intermediaire.refresh_from_db()
    assert intermediaire.statut == StatutBilan.ACCEPTE and intermediaire.score_qualite == Decimal("75")
    assert intermediaire.realisations == {"dsp": "640", "places": str(PLACES)}

    with time_machine.travel(BILAN_FINAL, tick=True):
        navigateur(lambda page: _porteur_depose_final(page, final), porteur)
        _charte_definitive(final, "50", gestionnaire)
        navigateur(lambda page: _accepter(page, final, "50", "issue4-29-bilan-final"), gestionnaire)
        navigateur(lambda page: _constater_reversement(page, convention), gestionnaire)
        navigateur(lambda page: _porteur_voit_reversement(page, convention), porteur)

    solde = Echeance.objects.get(operation=operation, type="solde")
    assert solde.statut == StatutEcheance.SANS_OBJET and not hasattr(solde, "versement")
    ordre = OrdreReversement.objects.get(operation=operation)
    assert ordre.montant == ATTENDU["trop_percu"] == Decimal("4019.74")
    assert ordre.origine == "modulation" and ordre.statut == "emis"
    assert Decimal(ordre.calcul["droit"]) == ATTENDU["droit_final"] == Decimal("25580.19")
    # Versé − réclamé = droit final : au centime près.
    assert versements.deja_verse(operation) - versements.deja_reclame(operation) == ATTENDU["droit_final"]
    convention.refresh_from_db()
    assert convention.statut == StatutConvention.SIGNEE  # soldée seulement une fois le trop-perçu remboursé
