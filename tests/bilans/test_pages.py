"""Pages des bilans par rôle (200 / 403 / 404), saisie par formulaire, examen, documents annuels, contrôles,
bloc « bilans » de la page de la convention."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.loader import render_to_string
from django.urls import reverse

from aap.bilans import services
from aap.bilans.models import ControleServiceFait, DocumentAnnuel, StatutBilan
from aap.bilans.services_controles import verifications_proposees
from aap.structures.fichiers import PDF, contenu_de_test
from aap.versements.models import Echeance, StatutEcheance
from tests.bilans.outils import bilan_de, convention_signee, donnees, verser
from tests.factories import UserFactory, territoire


@pytest.fixture
def slai_calaisis():
    return UserFactory(role="slai", territoire=territoire("calaisis"))


def _post_complet(bilan) -> dict[str, str]:
    contenu = donnees(bilan)
    data = {f"mesure_{code}": "10" for code in contenu["realisations"]}
    data |= {f"indicateur_{code}": "12" for code in contenu["indicateurs"]}
    data |= {"entrees": "25", "sortie_emploi_durable": "2", "texte_qualitatif": "Bilan pédagogique."}
    data |= {f"depense_{i}": "1000,50" for i in range(len(contenu["depenses"]))}
    data |= {f"ressource_{i}": "800" for i in range(len(contenu["ressources"]))}
    return data


def test_mes_bilans_par_role(client, instructeur):
    convention, porteur = convention_signee()
    client.force_login(porteur)
    reponse = client.get(reverse("bilans:mes_bilans"))
    assert reponse.status_code == 200
    assert "Bilan intermédiaire" in reponse.text and convention.numero in reponse.text
    client.force_login(instructeur)
    assert client.get(reverse("bilans:mes_bilans")).status_code == 403


def test_saisie_par_formulaire_brouillon_erreurs_puis_depot(client):
    convention, porteur = convention_signee()
    bilan = bilan_de(convention)
    url = reverse("bilans:saisir", args=[bilan.pk])
    client.force_login(porteur)
    page = client.get(url)
    assert page.status_code == 200 and "Places occupées" in page.text and "Cible de ce bilan" in page.text
    assert client.post(url, {"mesure_dsp": "40", "brouillon": "1"}).status_code == 302
    bilan.refresh_from_db()
    assert bilan.statut == StatutBilan.A_PRODUIRE and bilan.realisations["dsp"] == "40"
    reponse = client.post(url, {"mesure_dsp": "-4", "deposer": "1"})
    assert reponse.status_code == 400 and "supérieure ou égale à 0" in reponse.text
    incomplet = _post_complet(bilan)
    del incomplet["mesure_places"]
    reponse = client.post(url, {**incomplet, "deposer": "1"})
    assert reponse.status_code == 400 and "Indiquez le réalisé" in reponse.text
    assert client.post(url, {**_post_complet(bilan), "deposer": "1"}).status_code == 302
    bilan.refresh_from_db()
    assert bilan.statut == StatutBilan.DEPOSE
    assert bilan.depenses[0]["realise"] == "1000.50"
    lecture = client.get(url)
    assert lecture.status_code == 200 and "Déposer le bilan" not in lecture.text


def test_saisie_hors_perimetre_ou_mauvais_role(client, autre_porteur, instructeur):
    convention, _ = convention_signee()
    url = reverse("bilans:saisir", args=[bilan_de(convention).pk])
    client.force_login(autre_porteur)
    assert client.get(url).status_code == 404
    client.force_login(instructeur)
    assert client.get(url).status_code == 403


@pytest.mark.parametrize("role", ["instructeur", "gestionnaire", "finances", "admin"])
def test_liste_des_agents(client, role):
    convention, _ = convention_signee()
    client.force_login(UserFactory(role=role))
    reponse = client.get(reverse("bilans:liste"))
    assert reponse.status_code == 200 and convention.numero in reponse.text
    filtree = client.get(reverse("bilans:liste"), {"statut": "accepte", "tri": "-structure"})
    assert filtree.status_code == 200 and convention.numero not in filtree.text


def test_liste_filtre_en_retard_et_territoire(client, instructeur, agent_slai, slai_calaisis):
    convention, _ = convention_signee()
    client.force_login(instructeur)
    with time_machine.travel(datetime.datetime(2027, 3, 31, 12), tick=False):
        client.force_login(instructeur)
        assert convention.numero not in client.get(reverse("bilans:liste"), {"en_retard": "on"}).text
    with time_machine.travel(datetime.datetime(2027, 4, 1, 12), tick=False):
        client.force_login(instructeur)
        assert convention.numero in client.get(reverse("bilans:liste"), {"en_retard": "on"}).text
    assert convention.numero not in client.get(reverse("bilans:liste"), {"territoire": territoire("calaisis").pk}).text
    client.force_login(agent_slai)
    assert convention.numero in client.get(reverse("bilans:liste")).text
    client.force_login(slai_calaisis)
    assert convention.numero not in client.get(reverse("bilans:liste")).text


def test_liste_interdite_au_porteur(client, porteur):
    client.force_login(porteur)
    assert client.get(reverse("bilans:liste")).status_code == 403


def test_examen_par_role_et_acceptation(client, instructeur, agent_finances, slai_calaisis, agent_slai):
    convention, porteur = convention_signee()
    bilan = bilan_de(convention)
    services.deposer_bilan(bilan, porteur, donnees(bilan))
    url = reverse("bilans:detail", args=[bilan.pk])
    client.force_login(porteur)
    assert client.get(url).status_code == 403
    client.force_login(slai_calaisis)
    assert client.get(url).status_code == 404
    for agent in (agent_slai, agent_finances):
        client.force_login(agent)
        page = client.get(url)
        assert page.status_code == 200 and "Accepter le bilan" not in page.text
        assert client.post(reverse("bilans:accepter", args=[bilan.pk]), {"score_qualite": "80"}).status_code == 403
    client.force_login(instructeur)
    assert "Accepter le bilan" in client.get(url).text
    manque = client.post(reverse("bilans:accepter", args=[bilan.pk]), {})
    assert manque.status_code == 400 and "Score de la charte qualité" in manque.text
    assert client.post(reverse("bilans:accepter", args=[bilan.pk]), {"score_qualite": "80,5"}).status_code == 302
    echeance = Echeance.objects.get(operation__convention=convention, type="acompte")
    assert echeance.statut == StatutEcheance.EXIGIBLE


def test_demande_de_modifications_par_la_page(client, gestionnaire):
    convention, porteur = convention_signee()
    bilan = bilan_de(convention)
    services.deposer_bilan(bilan, porteur, donnees(bilan))
    client.force_login(gestionnaire)
    url = reverse("bilans:modifications", args=[bilan.pk])
    assert client.post(url, {"motif": ""}).status_code == 400
    assert client.post(url, {"motif": "Détailler les sorties."}).status_code == 302
    bilan.refresh_from_db()
    assert bilan.statut == StatutBilan.A_MODIFIER
    client.force_login(porteur)
    assert "Détailler les sorties." in client.get(reverse("bilans:saisir", args=[bilan.pk])).text


def test_documents_annuels_pages(client, autre_porteur, instructeur):
    convention, porteur = convention_signee()
    structure = convention.structure
    url = reverse("bilans:documents_annuels", args=[structure.pk])
    client.force_login(porteur)
    page = client.get(url)
    assert page.status_code == 200 and "Exercice 2026" in page.text and "Balance générale" in page.text
    depot = reverse("bilans:document_deposer", args=[structure.pk, 2026, "rapport_activite"])
    fichier = SimpleUploadedFile("rapport.pdf", contenu_de_test(PDF), content_type="application/pdf")
    assert client.post(depot, {"p2026_rapport_activite-fichier": fichier}).status_code == 302
    document = DocumentAnnuel.objects.get()
    mauvais = SimpleUploadedFile("balance.pdf", contenu_de_test(PDF), content_type="application/pdf")
    depot_balance = reverse("bilans:document_deposer", args=[structure.pk, 2026, "balance_generale"])
    refus = client.post(depot_balance, {"p2026_balance_generale-fichier": mauvais})
    assert refus.status_code == 400 and "se dépose au format XLSX" in refus.text
    assert client.get(reverse("bilans:document_fichier", args=[document.pk])).status_code == 200
    assert client.get(reverse("bilans:documents_en_retard")).status_code == 403
    client.force_login(autre_porteur)
    assert client.get(url).status_code == 404
    assert client.get(reverse("bilans:document_fichier", args=[document.pk])).status_code == 404
    client.force_login(instructeur)
    assert (
        client.post(reverse("bilans:document_refuser", args=[document.pk]), {"motif": "Illisible"}).status_code == 302
    )
    document.refresh_from_db()
    assert document.statut == "refuse"
    with time_machine.travel(datetime.datetime(2027, 6, 30, 12), tick=False):
        client.force_login(instructeur)
        assert structure.raison_sociale not in client.get(reverse("bilans:documents_en_retard")).text
    with time_machine.travel(datetime.datetime(2027, 7, 1, 12), tick=False):
        client.force_login(instructeur)
        retards = client.get(reverse("bilans:documents_en_retard"), {"tri": "-pieces"})
    assert retards.status_code == 200 and structure.raison_sociale in retards.text


def test_controles_pages(client, instructeur, agent_finances, porteur):
    convention, _ = convention_signee()
    verser(convention, {"avance": Decimal("3000.00")})
    operation = convention.operations.get()
    url = reverse("bilans:controles", args=[operation.pk])
    client.force_login(agent_finances)
    page = client.get(url)
    assert page.status_code == 200 and "Consigner un contrôle" not in page.text
    client.force_login(porteur)
    assert client.get(url).status_code == 403
    client.force_login(instructeur)
    assert "Consigner un contrôle" in client.get(url).text
    data = {f"verif_{i}": "conforme" for i in range(len(verifications_proposees(operation)))}
    data |= {"date_controle": "2026-06-01", "resultat": "partiel", "montant_non_justifie": ""}
    erreur = client.post(url, data)
    assert erreur.status_code == 400 and "Indiquez le montant non justifié" in erreur.text
    assert client.post(url, {**data, "montant_non_justifie": "500"}).status_code == 302
    controle = ControleServiceFait.objects.get()
    assert controle.reversement.montant == Decimal("500.00")


def test_bloc_de_l_operation_sur_la_page_de_la_convention(instructeur, autre_porteur):
    convention, porteur = convention_signee()
    operation = convention.operations.get()
    contexte = {"operation": operation, "convention": convention}
    pour_porteur = render_to_string("bilans/_operation.html", {**contexte, "user": porteur})
    assert (
        "Bilan intermédiaire" in pour_porteur
        and reverse("bilans:saisir", args=[bilan_de(convention).pk]) in pour_porteur
    )
    assert "Documents annuels" in pour_porteur
    pour_agent = render_to_string("bilans/_operation.html", {**contexte, "user": instructeur})
    assert reverse("bilans:controles", args=[operation.pk]) in pour_agent
    assert "Bilans" not in render_to_string("bilans/_operation.html", {**contexte, "user": autre_porteur})


def test_retard_ecrit_en_toutes_lettres_le_lendemain_de_la_date_limite(client, instructeur):
    convention, _ = convention_signee()
    client.force_login(instructeur)
    url = reverse("bilans:detail", args=[bilan_de(convention).pk])
    with time_machine.travel(datetime.datetime(2027, 3, 31, 12), tick=False):
        client.force_login(instructeur)
        assert "En retard" not in client.get(url).text
    with time_machine.travel(datetime.datetime(2027, 4, 1, 12), tick=False):
        client.force_login(instructeur)
        assert "En retard" in client.get(url).text


def test_bloc_inclus_dans_la_page_de_la_convention(client):
    convention, porteur = convention_signee()
    client.force_login(porteur)
    page = client.get(reverse("conventions:detail", args=[convention.pk]))
    assert page.status_code == 200
    assert reverse("bilans:saisir", args=[bilan_de(convention).pk]) in page.text
    assert reverse("bilans:documents_annuels", args=[convention.structure_id]) in page.text
