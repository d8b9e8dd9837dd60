"""Écrans du circuit : rôles (403), périmètre (404), formulaires, fiche de la demande, liste des agents."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.utils.html import escape

from aap.demandes.choix import StatutDemande
from aap.demandes.templatetags.demandes_ui import TONS, statut_badge
from aap.instruction import circuit
from aap.instruction.models import Affectation, ControleCompletude, DemandeComplements
from aap.structures.models import RoleMembre
from tests.demandes.factories import DemandeFactory
from tests.factories import MembreFactory


@pytest.fixture
def structure(porteur):
    return porteur.adhesions.get().structure


@pytest.fixture
def recue(structure, porteur):
    return DemandeFactory(structure=structure, cree_par=porteur, statut=StatutDemande.VALIDEE, budget=True)


def page(client, url, **params) -> str:
    reponse = client.get(url, params)
    assert reponse.status_code == 200, reponse.status_code
    return reponse.content.decode()


# --- DPID : complétude et compléments ----------------------------------------------------------------


def test_completude_pre_remplie_puis_incomplet_mene_aux_complements(client, recue, gestionnaire):
    client.force_login(gestionnaire)
    url = f"/instruction/demandes/{recue.pk}/completude/"
    contenu = page(client, url)
    assert "<h1>Contrôle de complétude" in contenu and "Pièces de la structure à fournir" in contenu
    assert re.search(r'value="non"[^>]*checked', contenu) and not re.search(r'value="oui"[^>]*checked', contenu)
    detecte = circuit.manques_detectes(recue)[0]
    reponse = client.post(url, {"complete": "non", "manques": [detecte], "autres": "- RIB\n\n", "commentaire": ""})
    assert reponse.status_code == 302 and reponse.url == f"/instruction/demandes/{recue.pk}/complements/"
    controle = ControleCompletude.objects.get()
    assert controle.manques == [detecte, "RIB"] and not controle.complete
    formulaire = page(client, reponse.url)
    assert escape(f"- {detecte}") in formulaire and "- RIB" in formulaire  # le motif reprend le contrôle


def test_completude_erreurs_de_saisie(client, recue, instructeur):
    client.force_login(instructeur)
    url = f"/instruction/demandes/{recue.pk}/completude/"
    contenu = client.post(url, {"complete": "non", "autres": "", "commentaire": ""}).content.decode()
    assert "Indiquez au moins un point manquant ou un commentaire." in contenu
    reponse = client.post(url, {"complete": "oui"})
    assert reponse.status_code == 302 and reponse.url == f"/demandes/{recue.pk}/"
    assert ControleCompletude.objects.get().complete
    assert "Dernier contrôle de complétude" in page(client, reponse.url)


def test_demander_des_complements_par_l_ecran(client, recue, gestionnaire):
    client.force_login(gestionnaire)
    url = f"/instruction/demandes/{recue.pk}/complements/"
    contenu = client.post(url, {"motif": "RIB", "echeance": "01/01/2020"}).content.decode()
    assert "ne peut pas être déjà passée" in contenu
    reponse = client.post(url, {"motif": "Le RIB de la structure.", "echeance": "2099-03-31"})
    assert reponse.status_code == 302
    recue.refresh_from_db()
    assert recue.statut == StatutDemande.COMPLEMENTS
    assert DemandeComplements.objects.get().echeance == datetime.date(2099, 3, 31)
    fiche = page(client, f"/demandes/{recue.pk}/")
    assert "Tour 1" in fiche and "Le RIB de la structure." in fiche and "Compléments demandés à la structure" in fiche
    # Plus de compléments ni de contrôle tant que la structure n'a pas redéposé : retour à la fiche.
    assert client.get(url).status_code == 302
    assert client.get(f"/instruction/demandes/{recue.pk}/completude/").status_code == 302


@pytest.mark.parametrize("nom", ["agent_slai", "agent_finances", "porteur"])
def test_ecrans_dpid_interdits_aux_autres_roles(client, recue, nom, request):
    client.force_login(request.getfixturevalue(nom))
    for ecran in ("completude", "complements"):
        assert client.get(f"/instruction/demandes/{recue.pk}/{ecran}/").status_code == 403
        assert client.post(f"/instruction/demandes/{recue.pk}/{ecran}/", {"motif": "x"}).status_code == 403
    assert not DemandeComplements.objects.exists()


def test_ecrans_dpid_hors_perimetre(client, structure, gestionnaire):
    brouillon = DemandeFactory(structure=structure)
    client.force_login(gestionnaire)
    assert client.get(f"/instruction/demandes/{brouillon.pk}/completude/").status_code == 404
    assert client.post(f"/instruction/demandes/{brouillon.pk}/complements/", {"motif": "x"}).status_code == 404


# --- Structure : redépôt et retrait ---------------------------------------------------------------------


def test_redepot_par_l_ecran(client, recue, porteur, gestionnaire, instructeur):
    Affectation.objects.create(demande=recue, instructeur=instructeur, affectee_par=gestionnaire)
    circuit.demander_complements(recue, gestionnaire, "Précisez les moyens matériels.")
    client.force_login(porteur)
    fiche = page(client, f"/demandes/{recue.pk}/")
    assert "Le Département demande des compléments" in fiche and "Précisez les moyens matériels." in fiche
    assert f'href="/demandes/{recue.pk}/redeposer/"' in fiche
    assert "Compléter et redéposer" in page(client, "/demandes/mes-demandes/")
    dossier = page(client, f"/demandes/{recue.pk}/dossier/")
    assert "Enregistrer les modifications" in dossier and "hx-post" in dossier
    assert "disabled" not in page(client, f"/demandes/{recue.pk}/budget/").split("<form", 1)[1][:3000]
    url = f"/demandes/{recue.pk}/redeposer/"
    assert "Précisez les moyens matériels." in page(client, url)
    assert "Ce champ est obligatoire" in client.post(url, {"reponse": ""}).content.decode()
    with_ok = client.post(url, {"reponse": "Moyens matériels détaillés."})
    assert with_ok.status_code == 302 and with_ok.url == f"/demandes/{recue.pk}/"
    recue.refresh_from_db()
    assert recue.statut == StatutDemande.VALIDEE
    fiche = page(client, f"/demandes/{recue.pk}/")
    assert "Moyens matériels détaillés." in fiche and "Demande redéposée avec les compléments" in fiche


def test_redepot_d_un_dossier_incomplet_affiche_les_manques(client, recue, porteur, gestionnaire):
    circuit.demander_complements(recue, gestionnaire, "Pièces")
    recue.moyens_humains = ""
    recue.save()
    client.force_login(porteur)
    contenu = client.post(f"/demandes/{recue.pk}/redeposer/", {"reponse": "Voilà"}).content.decode()
    assert "Le dossier n&#x27;est pas encore complet" in contenu and "les moyens humains" in contenu
    recue.refresh_from_db()
    assert recue.statut == StatutDemande.COMPLEMENTS


def test_retrait_par_l_ecran_de_confirmation(client, recue, porteur):
    client.force_login(porteur)
    assert f'href="/demandes/{recue.pk}/retirer/"' in page(client, f"/demandes/{recue.pk}/")
    url = f"/demandes/{recue.pk}/retirer/"
    assert "Le retrait est définitif." in page(client, url)
    contenu = client.post(url, {"motif": "Abandon du projet"}).content.decode()
    assert "Je confirme retirer cette demande" in contenu and "field--error" in contenu
    reponse = client.post(url, {"motif": "Abandon du projet", "confirmation": "on"})
    assert reponse.status_code == 302
    recue.refresh_from_db()
    assert recue.statut == StatutDemande.RETIREE and recue.retrait_motif == "Abandon du projet"
    fiche = page(client, f"/demandes/{recue.pk}/")
    assert "Retirée par la structure" in fiche and "Abandon du projet" in fiche
    assert f'href="/demandes/{recue.pk}/retirer/"' not in fiche
    assert client.get(url).status_code == 302  # plus rien à retirer


def test_redepot_et_retrait_roles_et_perimetre(client, recue, structure, gestionnaire, autre_porteur):
    circuit.demander_complements(recue, gestionnaire, "Pièces")
    lecteur = MembreFactory(structure=structure, role=RoleMembre.LECTEUR).user
    client.force_login(lecteur)
    fiche = page(client, f"/demandes/{recue.pk}/")
    assert "redeposer/" not in fiche and "retirer/" not in fiche
    for ecran in ("redeposer", "retirer"):
        assert client.get(f"/demandes/{recue.pk}/{ecran}/").status_code == 403
    client.force_login(autre_porteur)
    for ecran in ("redeposer", "retirer"):
        assert client.post(f"/demandes/{recue.pk}/{ecran}/", {"motif": "x", "reponse": "x"}).status_code == 404
    client.force_login(gestionnaire)
    assert client.get(f"/demandes/{recue.pk}/retirer/").status_code == 403
    recue.refresh_from_db()
    assert recue.statut == StatutDemande.COMPLEMENTS and not mail.outbox[1:]


# --- Liste des agents : retraits hors montants, « Mes demandes à instruire » ------------------------------


def test_retirees_hors_des_montants_demandes(client, structure, porteur, instructeur):
    DemandeFactory(structure=structure, statut=StatutDemande.VALIDEE, montant_demande=Decimal("1000.00"))
    retiree = DemandeFactory(structure=structure, statut=StatutDemande.VALIDEE, montant_demande=Decimal("500.00"))
    circuit.retirer(retiree, porteur, "Abandon")
    client.force_login(instructeur)
    reponse = client.get("/demandes/agents/")
    assert reponse.context["total"]["nombre"] == 2 and reponse.context["total"]["montant"] == Decimal("1000.00")
    assert reponse.context["retirees"] == 1
    assert [s["montant"] for s in reponse.context["par_territoire"]] == [Decimal("1000.00")]
    contenu = reponse.content.decode()
    assert "dont 1 retirée par sa structure (hors montants)" in contenu
    assert 'class="ligne-retiree"' in contenu and "Retirée par la structure" in contenu
    seule = client.get("/demandes/agents/", {"statut": "retiree"})
    assert seule.context["total"]["montant"] == Decimal("0") and seule.context["retirees"] == 1


def test_mes_demandes_a_instruire(client, structure, instructeur, gestionnaire):
    a_moi = [
        DemandeFactory(structure=structure, statut=statut)
        for statut in (StatutDemande.VALIDEE, StatutDemande.COMPLEMENTS, StatutDemande.AJOURNEE)
    ]
    hors = [DemandeFactory(structure=structure, statut=s) for s in (StatutDemande.ACCORDEE, StatutDemande.RETIREE)]
    autre = DemandeFactory(structure=structure, statut=StatutDemande.VALIDEE)
    for demande in [*a_moi, *hors]:
        Affectation.objects.create(demande=demande, instructeur=instructeur, affectee_par=gestionnaire)
    client.force_login(instructeur)
    liste = page(client, "/demandes/agents/")
    assert "Mes demandes à instruire (3)" in liste and 'href="/demandes/agents/?a_instruire=1"' in liste
    reponse = client.get("/demandes/agents/", {"a_instruire": "1"})
    assert sorted(d.pk for d in reponse.context["page"]) == sorted(d.pk for d in a_moi)
    assert autre.pk not in [d.pk for d in reponse.context["page"]]
    assert "form_affectation" not in reponse.context  # pas d'affectation en masse depuis ce filtre
    client.force_login(gestionnaire)
    liste = page(client, "/demandes/agents/", a_instruire="1")
    assert "Mes demandes à instruire" not in liste  # filtre propre aux instructeurs, ignoré sinon
    assert client.get("/demandes/agents/", {"a_instruire": "1"}).context["total"]["nombre"] == 6


def test_chaque_statut_a_un_badge_lisible():
    assert set(TONS) == set(StatutDemande)
    for statut in StatutDemande:
        html = statut_badge(DemandeFactory.build(statut=statut))
        assert statut.label in html and "badge--" in html


def test_echeance_pendant_la_session_en_complements(client, recue, porteur, gestionnaire):
    with time_machine.travel(datetime.datetime(2026, 2, 10, 10, 0, tzinfo=ZoneInfo("Europe/Paris")), tick=False):
        circuit.demander_complements(recue, gestionnaire, "Pièces")
        client.force_login(porteur)
        fiche = page(client, f"/demandes/{recue.pk}/")
    assert "reste modifiable après la clôture, jusqu'à son redépôt" in fiche
    assert "pour déposer et valider" not in fiche and "echeance--urgent" not in fiche


def test_enregistrement_automatique_en_complements(client, recue, porteur, gestionnaire):
    circuit.demander_complements(recue, gestionnaire, "Précisez les objectifs.")
    client.force_login(porteur)
    reponse = client.get(f"/demandes/{recue.pk}/dossier/")
    formulaire = reponse.context["form"]
    donnees = {nom: formulaire[nom].value() for nom in formulaire.fields}
    donnees = {k: v for k, v in donnees.items() if v is not None}
    donnees["objectifs"] = "Objectifs précisés pour le Département."
    contenu = client.post(f"/demandes/{recue.pk}/dossier/enregistrement-automatique/", donnees).content.decode()
    assert "Modifications enregistrées à" in contenu
    recue.refresh_from_db()
    assert recue.objectifs == "Objectifs précisés pour le Département."
