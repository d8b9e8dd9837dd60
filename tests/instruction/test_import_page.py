"""Page d'import d'un tableau de propositions : dépôt contrôlé, simulation en tâche de fond (rien n'est écrit),
résultat en tableaux, import réel lancé depuis le résultat au nom de l'agent, idempotence, permissions."""

from __future__ import annotations

import datetime
import html
import re
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from aap.commission.models import Inscription, SeanceCP, StatutSeance
from aap.core.models import AuditLog, StatutTache, TacheFond
from aap.demandes.models import Demande
from aap.instruction.importation import taches as import_taches
from aap.instruction.models import Proposition
from aap.structures.fichiers import PNG, XLSX, contenu_de_test
from aap.structures.models import Structure
from tests.commission.factories import SeanceCPFactory
from tests.factories import UserFactory
from tests.instruction.test_import_propositions import DONNEES, _xlsx, etat


URL = reverse("instruction:import_propositions")


def _fichier(contenu: bytes | None = None, nom: str = "propositions.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(nom, DONNEES.read_bytes() if contenu is None else contenu, content_type="text/csv")


def _simuler(client, django_capture_on_commit_callbacks, fichier=None, **donnees) -> TacheFond:  # noqa: ANN001
    with django_capture_on_commit_callbacks(execute=True):
        reponse = client.post(URL, {"fichier": fichier or _fichier(), "annee": 2026, **donnees})
    tache = TacheFond.objects.get(type=import_taches.TYPE_SIMULATION, pk=TacheFond.objects.latest("pk").pk)
    assert reponse.status_code == 302 and reponse["Location"] == reverse("core:tache", args=[tache.pk])
    return tache


def _importer(client, django_capture_on_commit_callbacks, simulation: TacheFond) -> TacheFond:  # noqa: ANN001
    with django_capture_on_commit_callbacks(execute=True):
        reponse = client.post(reverse("instruction:import_executer", args=[simulation.pk]))
    tache = TacheFond.objects.filter(type=import_taches.TYPE_IMPORT).latest("pk")
    assert reponse.status_code == 302 and reponse["Location"] == reverse("core:tache", args=[tache.pk])
    tache.refresh_from_db()
    assert tache.statut == StatutTache.TERMINEE, tache.erreurs
    return tache


def _texte(reponse) -> str:  # noqa: ANN001
    return re.sub(r"[ \t\r\n]+", " ", html.unescape(reponse.content.decode()))


@pytest.fixture
def agent(client, catalogue_2026, instructeur):
    client.force_login(instructeur)
    return instructeur


# --- Permissions ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["porteur", "agent_slai", "agent_finances"])
def test_page_refusee_aux_autres_roles(client, request, role, instructeur):
    client.force_login(request.getfixturevalue(role))
    simulation = TacheFond.objects.create(
        type=import_taches.TYPE_SIMULATION, libelle="x", fonction="x", demandee_par=instructeur
    )
    assert client.get(URL).status_code == 403
    assert client.post(URL, {"fichier": _fichier(), "annee": 2026}).status_code == 403
    assert client.get(reverse("instruction:import_resultat", args=[simulation.pk])).status_code == 403
    assert client.post(reverse("instruction:import_executer", args=[simulation.pk])).status_code == 403
    assert not TacheFond.objects.exclude(pk=simulation.pk).exists()


def test_anonyme_renvoye_a_la_connexion(client):
    for url in (URL, reverse("instruction:import_resultat", args=[1])):
        reponse = client.get(url)
        assert reponse.status_code == 302 and reponse["Location"].startswith(reverse("core:login"))


@pytest.mark.parametrize("role", ["instructeur", "gestionnaire", "administrateur"])
def test_page_ouverte_a_la_dpid_et_liee_depuis_les_enveloppes(client, request, role, catalogue_2026):
    client.force_login(request.getfixturevalue(role))
    reponse = client.get(URL)
    assert reponse.status_code == 200
    assert '<option value="2026" selected>2026</option>' in reponse.content.decode()
    assert f'href="{URL}"' in client.get(reverse("instruction:enveloppes")).content.decode()


def test_pas_de_lien_pour_les_finances(client, agent_finances, catalogue_2026):
    client.force_login(agent_finances)
    assert f'href="{URL}"' not in client.get(reverse("instruction:enveloppes")).content.decode()


def test_resultat_d_un_autre_agent_introuvable(client, agent, django_capture_on_commit_callbacks, administrateur):
    simulation = _simuler(client, django_capture_on_commit_callbacks)
    client.force_login(UserFactory(role="instructeur"))
    assert client.get(reverse("instruction:import_resultat", args=[simulation.pk])).status_code == 404
    assert client.post(reverse("instruction:import_executer", args=[simulation.pk])).status_code == 404
    assert not TacheFond.objects.filter(type=import_taches.TYPE_IMPORT).exists()
    client.force_login(administrateur)
    assert client.get(reverse("instruction:import_resultat", args=[simulation.pk])).status_code == 200


# --- Simulation -------------------------------------------------------------------------------------------


def test_simulation_montre_rejets_et_lignes_a_creer_sans_rien_ecrire(
    client, agent, django_capture_on_commit_callbacks, settings
):
    avant = etat()
    simulation = _simuler(client, django_capture_on_commit_callbacks, cp="2026-05-26")
    simulation.refresh_from_db()
    assert simulation.statut == StatutTache.TERMINEE, simulation.erreurs
    apres = etat()
    assert {k: v for k, v in apres.items() if k != "audit"} == {k: v for k, v in avant.items() if k != "audit"}
    assert not SeanceCP.objects.exists() and not Demande.objects.exists()

    # Fichier rangé sous MEDIA_ROOT/imports/<date>/<uuid>.csv, lancement tracé au nom de l'agent.
    chemin = simulation.parametres["chemin"]
    assert re.fullmatch(rf"imports/{timezone.localdate().isoformat()}/[0-9a-f]{{32}}\.csv", chemin)
    assert (Path(settings.MEDIA_ROOT) / chemin).read_bytes() == DONNEES.read_bytes()
    assert simulation.parametres["nom"] == "propositions.csv" and simulation.parametres["cp"] == "2026-05-26"
    journal = AuditLog.objects.get(action="instruction.import_propositions.simuler")
    assert journal.acteur == agent and journal.details["nom"] == "propositions.csv"
    assert journal.details["chemin"] == chemin and journal.details["annee"] == 2026

    resultat = simulation.resultat
    assert resultat["compte"] == {
        "lignes": 12,
        "demandes": 5,
        "structures": 2,
        "inscriptions": 5,
        "deja": 0,
        "rejetees": 7,
        "hors_budget": 1,
    }
    assert resultat["lien"] == reverse("instruction:import_resultat", args=[simulation.pk])

    # La page de la tâche renvoie au résultat ; le résultat est rendu en tableau.
    page_tache = client.get(reverse("core:tache", args=[simulation.pk])).content.decode()
    assert resultat["lien"] in page_tache and "Voir le détail et importer pour de bon" in page_tache
    texte = _texte(client.get(resultat["lien"]))
    assert "Simulation : rien n'a été écrit." in texte
    assert "Séance de la CP du 26/05/2026 : serait créée (phase « Import »)." in texte
    assert "territoire inconnu « Arras »" in texte
    assert "SIRET « 12345678901234 » invalide" in texte
    assert "Association Les Passerelles" in texte and "structure à créer par la ligne 2" in texte
    assert "107\u00a0076,00\u00a0€" in texte and "Arrageois" in texte
    assert "Importer pour de bon" in texte
    assert "Rejetées ou en échec (7)" in texte and "À créer ou créées (5)" in texte

    rejetees = _texte(client.get(resultat["lien"], {"lignes": "rejetees"}))
    assert "territoire inconnu « Arras »" in rejetees and "107\u00a0076,00\u00a0€" not in rejetees


def test_simulation_d_un_classeur_xlsx(client, agent, django_capture_on_commit_callbacks, tmp_path):
    classeur = _xlsx(DONNEES, tmp_path / "propositions.xlsx")
    fichier = SimpleUploadedFile("propositions.xlsx", classeur.read_bytes())
    simulation = _simuler(client, django_capture_on_commit_callbacks, fichier=fichier)
    simulation.refresh_from_db()
    assert simulation.parametres["chemin"].endswith(".xlsx")
    assert simulation.resultat["format"] == "XLSX"
    assert simulation.resultat["compte"]["demandes"] == 5 and simulation.resultat["compte"]["rejetees"] == 7


def test_resultat_long_pagine(client, agent, django_capture_on_commit_callbacks):
    entete = DONNEES.read_text(encoding="utf-8").splitlines()[0]
    lignes = [f"Nulle part {i};5;5.2;Association Les Passerelles;90000000090002;Ligne {i};1 000,00" for i in range(60)]
    fichier = _fichier("\n".join([entete, *lignes]).encode())
    simulation = _simuler(client, django_capture_on_commit_callbacks, fichier=fichier)
    url = reverse("instruction:import_resultat", args=[simulation.pk])
    premiere = _texte(client.get(url))
    assert "1–50 sur 60" in premiere
    assert "territoire inconnu « Nulle part 0 »" in premiere and "« Nulle part 59 »" not in premiere
    assert "« Nulle part 59 »" in _texte(client.get(url, {"page": 2}))
    # Rien à créer : pas de bouton d'import, et l'import est refusé.
    assert "rien à importer" in premiere and "import_executer" not in premiere
    reponse = client.post(reverse("instruction:import_executer", args=[simulation.pk]))
    assert reponse.status_code == 302 and not TacheFond.objects.filter(type=import_taches.TYPE_IMPORT).exists()


# --- Fichier refusé ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("nom", "contenu", "message"),
    [
        ("image.csv", contenu_de_test(PNG), "son contenu est un image PNG"),
        ("programme.csv", b"MZ\x90\x00" + b"\x00" * 60, "exécutables"),
        ("tableau.xlsx", b"territoire;montant\n", "n'est pas un classeur Excel XLSX"),
        ("faux.xlsx", contenu_de_test(XLSX), "Classeur XLSX illisible"),
        ("tableau.pdf", contenu_de_test(XLSX), "ne sont pas acceptés"),
        ("vide.csv", b"", "vide"),
        ("entete.csv", b"territoire;dispositif;montant\nArtois;5.2;1 000,00\n", "colonne(s) manquante(s)"),
        ("seul.csv", DONNEES.read_bytes().splitlines()[0] + b"\n", "aucune ligne de données"),
    ],
)
def test_fichier_refuse_sur_la_page(
    client, agent, django_capture_on_commit_callbacks, settings, nom, contenu, message
):
    with django_capture_on_commit_callbacks(execute=True):
        reponse = client.post(URL, {"fichier": SimpleUploadedFile(nom, contenu), "annee": 2026})
    assert reponse.status_code == 200
    texte = _texte(reponse)
    assert "Le formulaire contient" in texte and message in texte
    assert not TacheFond.objects.exists()
    assert not (Path(settings.MEDIA_ROOT) / "imports").exists()


def test_fichier_trop_gros_refuse(client, agent, settings):
    settings.UPLOAD_MAX_BYTES = 100
    reponse = client.post(URL, {"fichier": _fichier(), "annee": 2026})
    assert reponse.status_code == 200 and "la taille maximale est de 100 octets" in _texte(reponse)
    assert not TacheFond.objects.exists()


def test_seance_votee_refusee_sur_la_page(client, agent, catalogue_2026):
    SeanceCPFactory(date=datetime.date(2026, 5, 26), edition=catalogue_2026, statut=StatutSeance.VOTEE)
    reponse = client.post(URL, {"fichier": _fichier(), "annee": 2026, "cp": "2026-05-26"})
    assert reponse.status_code == 200 and "son ordre du jour ne change plus" in _texte(reponse)
    assert not TacheFond.objects.exists()


# --- Import réel ------------------------------------------------------------------------------------------


def test_import_reel_ecrit_au_nom_de_l_agent_puis_ne_cree_plus_rien(
    client, agent, django_capture_on_commit_callbacks, administrateur
):
    simulation = _simuler(client, django_capture_on_commit_callbacks, cp="2026-05-26")
    premier = _importer(client, django_capture_on_commit_callbacks, simulation)

    assert premier.parametres["simulation_id"] == simulation.pk
    assert premier.resultat["compte"]["demandes"] == 5 and premier.resultat["compte"]["rejetees"] == 7
    assert Demande.objects.filter(reference__startswith="IMP2026-").count() == 5
    assert Structure.objects.filter(siret__in=["90000000090002", "90000000090010"]).count() == 2
    assert set(Proposition.objects.values_list("proposee_par", flat=True)) == {agent.pk}  # pas l'administrateur
    assert set(Demande.objects.values_list("cree_par", flat=True)) == {agent.pk}
    seance = SeanceCP.objects.get(date=datetime.date(2026, 5, 26))
    assert seance.creee_par == agent and Inscription.objects.filter(seance=seance).count() == 5
    assert AuditLog.objects.filter(action="instruction.import_propositions.importer", acteur=agent).count() == 1
    assert AuditLog.objects.filter(action="demande.importer", acteur=agent).count() == 5

    texte = _texte(client.get(reverse("instruction:import_resultat", args=[premier.pk])))
    assert "Import terminé" in texte and "Séance de la CP du 26/05/2026 créée (phase « Import »)." in texte
    assert "Importée" in texte and "Simulation d'origine" in texte
    demande = Demande.objects.get(dispositif__code="5.3")
    assert f'<a href="{reverse("demandes:detail", args=[demande.pk])}"><span class="code">{demande.reference}' in texte
    assert "Déjà lancé depuis cette simulation" in _texte(
        client.get(reverse("instruction:import_resultat", args=[simulation.pk]))
    )

    apres_premier = etat()
    second = _importer(client, django_capture_on_commit_callbacks, simulation)
    assert {k: v for k, v in etat().items() if k != "audit"} == {
        k: v for k, v in apres_premier.items() if k != "audit"
    }
    assert second.resultat["compte"]["demandes"] == 0 and second.resultat["compte"]["deja"] == 5
    assert second.resultat["compte"]["structures"] == 0 and second.resultat["compte"]["inscriptions"] == 0
    texte = _texte(client.get(reverse("instruction:import_resultat", args=[second.pk])))
    assert "Déjà importées (5)" in texte


def test_ligne_en_echec_a_l_import_montree_avec_sa_raison(
    client, agent, django_capture_on_commit_callbacks, monkeypatch
):
    from aap.instruction.importation import ecriture

    simulation = _simuler(client, django_capture_on_commit_callbacks)
    original = ecriture._creer_proposition

    def creer_ou_echouer(plan, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003
        if plan.numero == 4:
            raise RuntimeError("panne simulée")
        return original(plan, *args, **kwargs)

    monkeypatch.setattr(ecriture, "_creer_proposition", creer_ou_echouer)
    tache = _importer(client, django_capture_on_commit_callbacks, simulation)
    assert tache.resultat["compte"]["demandes"] == 4 and tache.resultat["compte"]["rejetees"] == 8
    echec = next(ligne for ligne in tache.resultat["lignes"] if ligne["numero"] == 4)
    assert echec["etat"] == "echec" and "panne simulée" in echec["raison"]
    assert not Demande.objects.filter(dispositif__code="5.7").exists()
    texte = _texte(client.get(reverse("instruction:import_resultat", args=[tache.pk]), {"lignes": "rejetees"}))
    assert "En échec" in texte and "panne simulée" in texte


# --- Dans Chromium (axe-core sur chaque page) -------------------------------------------------------------


def test_parcours_dans_le_navigateur(navigateur, gestionnaire, catalogue_2026):
    from playwright.sync_api import Page, expect

    from tests.navigateur import page_ok

    def scenario(page: Page) -> None:
        page.goto(reverse("instruction:enveloppes"))
        page.get_by_role("link", name="Importer un tableau de propositions").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Importer un tableau de propositions")
        page_ok(page, "import-propositions-formulaire")
        page.get_by_label("Tableau des propositions").set_input_files(str(DONNEES))
        page.get_by_label("Date de la séance de la Commission permanente (facultatif)").fill("2026-05-26")
        page.get_by_role("button", name="Lancer la simulation").click()
        page.get_by_role("link", name="Voir le détail et importer pour de bon").click()
        expect(page.get_by_role("table")).to_contain_text("territoire inconnu « Arras »")
        page_ok(page, "import-propositions-simulation")
        page.get_by_role("button", name="Importer pour de bon").click()
        page.get_by_role("link", name="Voir le détail de l'import").click()
        expect(page.get_by_role("status").first).to_contain_text("Import terminé")
        page.get_by_role("link", name="Déjà importées (0)").focus()
        page_ok(page, "import-propositions-import")

    navigateur(scenario, gestionnaire)
    assert Demande.objects.filter(reference__startswith="IMP2026-", cree_par=gestionnaire).count() == 5
    assert Inscription.objects.filter(seance__date=datetime.date(2026, 5, 26)).count() == 5
