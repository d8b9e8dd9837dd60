"""Écrans du porteur : liste, création, dossier (enregistrement automatique), budget, dépôt, validation."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.urls import reverse

from aap.core.models import AuditLog
from aap.demandes import services
from aap.demandes.choix import Financeur, StatutDemande
from aap.demandes.models import Demande
from tests.demandes.conftest import APRES_CLOTURE, DERNIERE_SECONDE, PENDANT
from tests.demandes.factories import M3, DemandeFactory, DispositifFactory, SessionAppelFactory
from tests.factories import territoire


pytestmark = pytest.mark.usefixtures("pendant_session")


def url(nom, demande=None, **params):
    chemin = reverse(f"demandes:{nom}", args=[demande.pk] if demande is not None else [])
    return chemin + ("?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else "")


def donnees_dossier(demande, **modifs):
    donnees = {
        "intitule": demande.intitule,
        "description": demande.description,
        "date_debut": demande.date_debut.isoformat(),
        "date_fin": demande.date_fin.isoformat(),
        "objectifs": demande.objectifs,
        "resultats_attendus": demande.resultats_attendus,
        "moyens_humains": demande.moyens_humains,
        "moyens_materiels": demande.moyens_materiels,
        "etp": "2",
        "places": "140",
        "dsp": "800",
        "territoires": [t.pk for t in demande.territoires.all()],
        "partenariats": demande.partenariats,
        "priorites_transversales": demande.priorites_transversales,
        "priorites_commentaire": "",
        "indicateurs_proposes": "",
    }
    donnees.update(modifs)
    return donnees


# --- Liste et création -----------------------------------------------------------------------------


def test_mes_demandes_montre_statut_montant_et_prochaine_action(client, porteur, demande):
    client.force_login(porteur)
    reponse = client.get(url("mes_demandes"))
    assert reponse.status_code == 200
    contenu = reponse.content.decode()
    assert demande.reference in contenu
    assert "Brouillon" in contenu and "Compléter et déposer" in contenu
    assert "reste 14 jours" in contenu


def test_mes_demandes_ne_montre_pas_celles_des_autres(client, autre_porteur, demande):
    client.force_login(autre_porteur)
    assert demande.reference not in client.get(url("mes_demandes")).content.decode()


def test_les_agents_n_ont_pas_les_ecrans_porteur(client, instructeur, demande):
    client.force_login(instructeur)
    assert client.get(url("mes_demandes")).status_code == 403
    assert client.get(url("nouvelle")).status_code == 403
    assert client.get(url("dossier", demande)).status_code == 403


def test_nouvelle_demande_sur_une_session_ouverte(client, porteur, structure, session):
    client.force_login(porteur)
    choix = client.get(url("nouvelle"))
    assert f"?session={session.pk}" in choix.content.decode()
    page = client.get(url("nouvelle", session=session.pk))
    assert page.status_code == 200 and "Arrageois" in page.content.decode()
    reponse = client.post(
        url("nouvelle"),
        {
            "session": session.pk,
            "structure": structure.pk,
            "intitule": "Remobilisation",
            "territoires": [territoire().pk],
        },
    )
    demande = Demande.objects.get(intitule="Remobilisation")
    assert reponse.status_code == 302 and reponse.url == url("dossier", demande)
    assert demande.structure == structure and demande.session == session


def test_nouvelle_demande_refuse_une_session_close(client, porteur, structure):
    close = SessionAppelFactory(ouverture=datetime.date(2025, 1, 1), cloture=datetime.date(2025, 2, 1))
    client.force_login(porteur)
    reponse = client.post(
        url("nouvelle"), {"session": close.pk, "structure": structure.pk, "intitule": "X", "territoires": [1]}
    )
    assert reponse.status_code == 200 and "n&#x27;est pas ouverte" in reponse.content.decode()
    assert not Demande.objects.exists()


def test_nouvelle_demande_pour_la_structure_d_un_autre_est_invalide(client, porteur, session):
    from tests.factories import StructureFactory

    autre = StructureFactory()
    client.force_login(porteur)
    reponse = client.post(
        url("nouvelle"), {"session": session.pk, "structure": autre.pk, "intitule": "X", "territoires": [1]}
    )
    assert reponse.status_code == 200 and not Demande.objects.exists()


# --- Dossier et enregistrement automatique ---------------------------------------------------------


def test_page_dossier_avec_sections_compteurs_et_echeance(client, porteur, demande):
    client.force_login(porteur)
    contenu = client.get(url("dossier", demande)).content.decode()
    for titre in (
        "Description de l&#x27;opération",
        "Objectifs et résultats attendus",
        "Moyens humains et matériels",
        "Partenariats",
        "Priorités transversales",
        "Indicateurs supplémentaires",
    ):
        assert titre in contenu
    assert 'name="dsp"' in contenu and 'name="places"' in contenu
    assert 'name="postes_insertion"' not in contenu  # la fiche F01 ne compte pas les postes en insertion
    assert 'aria-live="polite"' in contenu and "hx-post" in contenu
    assert "15/02/2026 à 23:59" in contenu and "Il reste <strong>14 jours et 14 heures</strong>" in contenu


def test_enregistrement_automatique(client, porteur, demande):
    client.force_login(porteur)
    reponse = client.post(
        url("autosave", demande), donnees_dossier(demande, objectifs="Objectifs revus"), HTTP_HX_REQUEST="true"
    )
    assert reponse.status_code == 200
    assert "Brouillon enregistré à 10:00" in reponse.content.decode()
    demande.refresh_from_db()
    assert demande.objectifs == "Objectifs revus"
    assert AuditLog.objects.for_object(demande).filter(action="demande.modifier").count() == 1


def test_enregistrement_automatique_signale_une_saisie_invalide(client, porteur, demande):
    client.force_login(porteur)
    reponse = client.post(url("autosave", demande), donnees_dossier(demande, etp="beaucoup"))
    assert "Brouillon non enregistré : corrigez « ETP »" in reponse.content.decode()


def test_enregistrement_sans_javascript(client, porteur, demande):
    client.force_login(porteur)
    reponse = client.post(url("dossier", demande), donnees_dossier(demande, partenariats="France Travail"))
    assert reponse.status_code == 302 and reponse.url == url("dossier", demande)
    demande.refresh_from_db()
    assert demande.partenariats == "France Travail"
    suite = client.get(reponse.url).content.decode()
    assert "Brouillon enregistré à 10:00" in suite


def test_un_lecteur_voit_le_dossier_en_lecture_seule(client, lecteur_structure, demande):
    client.force_login(lecteur_structure)
    page = client.get(url("dossier", demande)).content.decode()
    assert "lecture seule" in page and "hx-post" not in page
    assert client.post(url("dossier", demande), donnees_dossier(demande)).status_code == 403
    refus = client.post(url("autosave", demande), donnees_dossier(demande, objectifs="Pirate"))
    assert "Seuls le représentant légal et les gestionnaires" in refus.content.decode()
    demande.refresh_from_db()
    assert demande.objectifs != "Pirate"


def test_dossier_d_une_autre_structure_404(client, autre_porteur, demande):
    client.force_login(autre_porteur)
    for nom in ("detail", "dossier", "budget", "valider", "recepisse"):
        assert client.get(url(nom, demande)).status_code == 404, nom
    for nom in ("autosave", "budget_apercu", "deposer", "repasser_en_brouillon"):
        assert client.post(url(nom, demande), {}).status_code == 404, nom


# --- Budget ----------------------------------------------------------------------------------------


def donnees_budget(demande, cout="42000", dept="11760", fse="17640", **extra):
    donnees = {}
    for annee in demande.annees:
        donnees.update(
            {
                f"postes-{annee}-TOTAL_FORMS": "1",
                f"postes-{annee}-INITIAL_FORMS": "0",
                f"postes-{annee}-0-libelle": "Référente de parcours",
                f"postes-{annee}-0-etp": "1",
                f"postes-{annee}-0-taux_affectation": "50",
                f"postes-{annee}-0-cout_annuel": cout,
                f"postes-{annee}-0-mois": "12",
                f"r_{annee}_departement": dept,
                f"r_{annee}_fse_plus": fse,
            }
        )
    donnees.update(extra)
    return donnees


def test_page_budget_par_annee(client, porteur, demande):
    client.force_login(porteur)
    contenu = client.get(url("budget", demande)).content.decode()
    assert "Année 2026" in contenu and "Année 2027" in contenu
    assert "forfait de 40\u00a0%" in contenu  # règles lues dans la fiche
    assert "Le plan est équilibré et respecte les règles de la fiche." in contenu
    assert 'id="budget-annonce"' in contenu and 'aria-live="polite"' in contenu


def test_apercu_en_direct_explique_les_regles(client, porteur, demande):
    client.force_login(porteur)
    reponse = client.post(url("budget_apercu", demande), donnees_budget(demande, dept="12000", fse="17400"))
    contenu = reponse.content.decode()
    assert reponse.status_code == 200
    assert "29\u00a0400,00\u00a0€" in contenu  # 42 000 × 50 % + 40 % par an
    assert "58\u00a0800,00\u00a0€" in contenu
    assert "La part du Département (40,82 %) dépasse le maximum de 40 % du coût total" in contenu
    assert 'hx-swap-oob="innerHTML"' in contenu
    demande.refresh_from_db()
    assert demande.cout_total != 56000  # l'aperçu n'enregistre rien


def test_enregistrer_le_budget(client, porteur, demande):
    client.force_login(porteur)
    reponse = client.post(url("budget", demande), donnees_budget(demande))
    assert reponse.status_code == 302
    demande.refresh_from_db()
    assert demande.cout_total == 2 * 29400  # 21 000 + 8 400 par an
    assert demande.montant_demande == 2 * 11760
    assert "il est équilibré et conforme" in client.get(reponse.url).content.decode()
    reponse = client.post(url("budget", demande), donnees_budget(demande, dept="11760.01"))
    assert "ne respecte pas encore toutes les règles" in client.get(reponse.url).content.decode()


def test_ajouter_une_ligne_sans_javascript(client, porteur, demande):
    client.force_login(porteur)
    reponse = client.post(url("budget", demande), donnees_budget(demande, ajouter="postes-2026"))
    assert reponse.status_code == 200
    assert 'name="postes-2026-1-libelle"' in reponse.content.decode()
    demande.refresh_from_db()
    assert demande.depenses.filter(libelle="Référente de parcours").count() == 0


def test_budget_couts_reels_propose_les_autres_lignes(client, porteur, structure):
    session = SessionAppelFactory(dispositif=DispositifFactory(modele=M3))
    demande = DemandeFactory(structure=structure, session=session, budget=True)
    client.force_login(porteur)
    contenu = client.get(url("budget", demande)).content.decode()
    assert "Autres dépenses" in contenu and "Prestations externes" in contenu and "Locaux" in contenu


# --- Dépôt et validation ---------------------------------------------------------------------------


def test_deposer_puis_valider_puis_telecharger(client, porteur, demande):
    client.force_login(porteur)
    assert "Déposer la demande" in client.get(url("detail", demande)).content.decode()
    client.post(url("deposer", demande))
    demande.refresh_from_db()
    assert demande.statut == StatutDemande.DEPOSEE
    page = client.get(url("valider", demande)).content.decode()
    assert "Je soussigné(e)" in page and 'name="attestation_honneur"' in page
    refus = client.post(url("valider", demande), {})
    assert "Cochez l&#x27;attestation sur l&#x27;honneur" in refus.content.decode()
    reponse = client.post(url("valider", demande), {"attestation_honneur": "on"})
    assert reponse.status_code == 302
    demande.refresh_from_db()
    assert demande.statut == StatutDemande.VALIDEE
    fichier = client.get(url("recepisse", demande))
    assert fichier.status_code == 200 and fichier["Content-Type"] == "application/pdf"
    assert b"".join(fichier.streaming_content).startswith(b"%PDF")


def test_deposer_un_dossier_incomplet_explique_ce_qui_manque(client, porteur, demande):
    demande.ressources.filter(financeur=Financeur.DEPARTEMENT).delete()
    client.force_login(porteur)
    reponse = client.post(url("deposer", demande), follow=True)
    contenu = reponse.content.decode()
    assert "ne peut pas encore être déposée" in contenu
    assert "Points à compléter avant le dépôt" in contenu
    assert "Le plan ne prévoit aucun financement du Département." in contenu


def test_un_gestionnaire_ne_peut_pas_valider(client, gestionnaire_structure, demande, porteur):
    services.deposer(demande, porteur)
    client.force_login(gestionnaire_structure)
    assert client.get(url("valider", demande)).status_code == 403
    assert client.post(url("valider", demande), {"attestation_honneur": "on"}).status_code == 403
    demande.refresh_from_db()
    assert demande.statut == StatutDemande.DEPOSEE


# --- Clôture : requêtes forgées à la main ----------------------------------------------------------


def test_derniere_seconde_acceptee_par_les_vues(client, porteur, demande):
    with time_machine.travel(DERNIERE_SECONDE, tick=False):
        client.force_login(porteur)  # la session de connexion ne doit pas avoir expiré pendant le voyage
        client.post(url("deposer", demande))
        client.post(url("valider", demande), {"attestation_honneur": "on"})
    demande.refresh_from_db()
    assert demande.statut == StatutDemande.VALIDEE


def test_apres_minuit_toute_requete_forgee_est_refusee(client, porteur, structure, session, demande):
    deposee = DemandeFactory(structure=structure, session=session, budget=True)
    services.deposer(deposee, porteur, at=PENDANT)
    with time_machine.travel(APRES_CLOTURE, tick=False):
        client.force_login(porteur)
        client.post(url("autosave", demande), donnees_dossier(demande, objectifs="Trop tard"))
        client.post(url("dossier", demande), donnees_dossier(demande, objectifs="Trop tard"))
        client.post(url("budget", demande), donnees_budget(demande, cout="1"))
        reponse = client.post(url("deposer", demande), follow=True)
        message = "est close depuis le 15/02/2026 à minuit (heure de Paris) : la demande ne peut plus être déposée."
        assert message in reponse.content.decode()
        client.post(url("valider", deposee), {"attestation_honneur": "on"})
        client.post(url("repasser_en_brouillon", deposee))
        client.post(
            url("nouvelle"),
            {
                "session": session.pk,
                "structure": structure.pk,
                "intitule": "Tardive",
                "territoires": [territoire().pk],
            },
        )
        lecture = client.get(url("dossier", demande)).content.decode()
        assert "est close depuis le 15/02/2026" in lecture and "hx-post" not in lecture
    demande.refresh_from_db()
    deposee.refresh_from_db()
    assert demande.statut == StatutDemande.BROUILLON and demande.objectifs != "Trop tard"
    assert demande.depenses.first().cout_annuel != 1
    assert deposee.statut == StatutDemande.DEPOSEE
    assert not Demande.objects.filter(intitule="Tardive").exists()
