"""Demande de compte publique : formulaire, contrôles, doublons, accusé de réception."""

import pytest
from django.core import mail
from django.urls import reverse

from aap.core.models import AuditLog
from aap.structures import services
from aap.structures.models import DemandeCompte, StatutDemandeCompte
from tests.factories import StructureFactory
from tests.siret import siret_valide
from tests.structures.factories import DemandeCompteFactory


URL = reverse("structures:demande_compte")


def donnees(**kw):
    siret = siret_valide(777)
    base = {
        "siret": f"{siret[:9]} {siret[9:]}",
        "raison_sociale": "Association Les Chemins d'Artois",
        "forme_juridique": "association",
        "adresse": "12 rue des Tilleuls",
        "code_postal": "62000",
        "commune": "Arras",
        "est_siege": "True",
        "representant_civilite": "Mme",
        "representant_prenom": "Camille",
        "representant_nom": "Durand",
        "representant_fonction": "Présidente",
        "demandeur_prenom": "Camille",
        "demandeur_nom": "Durand",
        "email": "Camille.Durand@exemple.fr",
        "demandeur_est_representant": "True",
        "telephone": "03 21 00 00 00",
        "message": "",
    }
    return {**base, **kw}


def test_la_page_est_publique(client):
    reponse = client.get(URL)
    assert reponse.status_code == 200
    contenu = reponse.content.decode()
    assert "<h1>Demander l'ouverture d'un compte</h1>" in contenu
    assert 'name="siret"' in contenu and "L'ouverture n'est pas automatique" in contenu


def test_envoi_valide_confirmation_et_accuse_de_reception(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        reponse = client.post(URL, donnees())
    assert reponse.status_code == 302
    assert reponse.url == reverse("structures:demande_compte_envoyee")
    demande = DemandeCompte.objects.get()
    assert demande.siret == siret_valide(777)
    assert demande.email == "camille.durand@exemple.fr"
    assert demande.statut == StatutDemandeCompte.EN_ATTENTE and not demande.structure_deja_inscrite
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["camille.durand@exemple.fr"]
    assert "Association Les Chemins d'Artois" in mail.outbox[0].body
    assert "n'est pas automatique" in mail.outbox[0].body
    page = client.get(reponse.url).content.decode()
    assert "Votre demande a bien été envoyée" in page and siret_valide(777) in page
    entree = AuditLog.objects.for_object(demande).get()
    assert entree.action == "demande_compte.soumettre" and entree.acteur is None


def test_erreurs_en_ligne(client):
    reponse = client.post(URL, donnees(siret="12345678901234", raison_sociale="", email="pas-un-courriel"))
    assert reponse.status_code == 200
    contenu = reponse.content.decode()
    assert 'id="recap-erreurs"' in contenu
    assert 'id="id_siret_error"' in contenu and "clé de contrôle incorrecte" in contenu
    assert 'id="id_raison_sociale_error"' in contenu
    assert 'id="id_email_error"' in contenu
    assert 'aria-invalid="true"' in contenu
    assert not DemandeCompte.objects.exists()


def test_code_postal_hors_pas_de_calais_refuse(client):
    reponse = client.post(URL, donnees(code_postal="59000", commune="Lille"))
    assert reponse.status_code == 200
    contenu = reponse.content.decode()
    assert 'id="id_code_postal_error"' in contenu
    assert "doit se trouver dans le Pas-de-Calais" in contenu
    assert not DemandeCompte.objects.exists()


def test_demande_en_attente_pour_le_meme_siret_refusee(client):
    DemandeCompteFactory(siret=siret_valide(777))
    reponse = client.post(URL, donnees(email="autre@exemple.fr"))
    assert reponse.status_code == 200
    contenu = reponse.content.decode()
    assert 'id="id_siret_error"' in contenu and "déjà en cours d&#x27;examen" in contenu
    assert DemandeCompte.objects.count() == 1


def test_une_demande_deja_traitee_n_empeche_pas_une_nouvelle(client):
    DemandeCompteFactory(siret=siret_valide(777), statut=StatutDemandeCompte.REFUSEE, motif_refus="Incomplet")
    assert client.post(URL, donnees()).status_code == 302
    assert DemandeCompte.objects.count() == 2


def test_le_service_refuse_aussi_le_doublon_en_attente():
    DemandeCompteFactory(siret=siret_valide(777))
    with pytest.raises(services.DemandeDejaEnCours):
        services.soumettre_demande_compte({**donnees(), "est_siege": True, "demandeur_est_representant": True})


def test_structure_deja_inscrite_acceptee_mais_signalee(client, django_capture_on_commit_callbacks):
    structure = StructureFactory(siret=siret_valide(777))
    with django_capture_on_commit_callbacks(execute=True):
        reponse = client.post(URL, donnees())
    demande = DemandeCompte.objects.get()
    assert demande.structure_deja_inscrite and demande.structure == structure
    page = client.get(reponse.url).content.decode()
    assert "Cette structure a déjà un compte" in page and "vous rattachera" in page
    assert "vous rattachera à son compte" in mail.outbox[0].body


def test_demandeur_se_disant_representant_avec_un_autre_nom(client):
    reponse = client.post(URL, donnees(demandeur_nom="Martin"))
    assert reponse.status_code == 200
    assert "votre nom diffère de celui du représentant" in reponse.content.decode()
    assert client.post(URL, donnees(demandeur_nom="Martin", demandeur_est_representant="False")).status_code == 302
