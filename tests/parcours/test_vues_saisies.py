"""Saisies du suivi depuis la fiche : chaque formulaire (chemin heureux et erreur en ligne), rôles (403), portée
(404), fragments htmx, contrat d'engagement et ses actions, orientation d'une personne."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from aap.parcours import choices as c
from aap.parcours import models as m
from tests.factories import StructureFactory, territoire
from tests.parcours.factories import (
    ContratFactory,
    OrientationFactory,
    PersonneFactory,
    RendezVousFactory,
    a_paris,
)
from tests.parcours.test_vues import structure_de


pytestmark = pytest.mark.usefixtures("catalogue_2026")

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def orientation(referent):
    return OrientationFactory(structure=structure_de(referent))


def url(nom: str, pk: int) -> str:
    return reverse("parcours:action", args=[nom, pk])


def test_rendez_vous_planifie_puis_presence(client, referent, orientation):
    client.force_login(referent)
    assert client.get(url("rendez_vous", orientation.pk)).status_code == 200
    reponse = client.post(
        url("rendez_vous", orientation.pk),
        {"jour": "2026-03-09", "heure": "14:30", "mode": "physique", "presence": "prevu"},
    )
    assert reponse.status_code == 302
    assert (
        reponse.url == reverse("parcours:personne", args=[orientation.personne_id]) + f"?orientation={orientation.pk}"
    )
    rdv = orientation.rendez_vous.get()
    assert rdv.debut == a_paris(datetime.date(2026, 3, 9), 14, 30) and rdv.presence == c.Presence.PREVU
    reponse = client.post(url("presence", rdv.pk), {"presence": "honore"})
    assert reponse.status_code == 302
    rdv.refresh_from_db()
    assert rdv.presence == c.Presence.HONORE


def test_rendez_vous_erreurs_en_ligne(client, referent, orientation):
    client.force_login(referent)
    reponse = client.post(
        url("rendez_vous", orientation.pk), {"jour": "2026-03-09", "mode": "physique", "presence": "prevu"}
    )
    assert reponse.status_code == 400 and "field--error" in reponse.text and "recap-erreurs" in reponse.text
    # Refus du service (avant l'orientation du 02/03/2026) : message en tête du formulaire.
    reponse = client.post(
        url("rendez_vous", orientation.pk),
        {"jour": "2026-02-01", "heure": "10:00", "mode": "physique", "presence": "prevu"},
    )
    assert reponse.status_code == 400 and "recap-erreurs" in reponse.text
    assert not orientation.rendez_vous.exists()


def test_saisies_par_role_et_portee(client, referent, agent_slai, instructeur, agent_finances, orientation):
    client.force_login(agent_slai)
    assert client.get(url("rendez_vous", orientation.pk)).status_code == 403
    assert client.get(url("sortie", orientation.pk)).status_code == 200
    client.force_login(referent)
    assert client.get(url("inconnue", orientation.pk)).status_code == 404
    contrat = ContratFactory(orientation=orientation)
    assert client.get(url("revue_slai", contrat.pk)).status_code == 403
    ailleurs = OrientationFactory(
        personne=PersonneFactory(territoire=territoire("calaisis")), structure=StructureFactory()
    )
    assert client.get(url("rendez_vous", ailleurs.pk)).status_code == 404
    client.force_login(agent_slai)
    assert client.get(url("sortie", ailleurs.pk)).status_code == 404
    client.force_login(agent_finances)
    assert client.get(url("sortie", orientation.pk)).status_code == 403


def test_fragment_htmx_puis_redirection_htmx(client, referent, orientation):
    client.force_login(referent)
    fragment = client.get(url("diagnostic", orientation.pk), **HTMX)
    assert fragment.status_code == 200 and "<html" not in fragment.text and 'hx-post="' in fragment.text
    assert 'type="checkbox"' in fragment.text and "Mobilité" in fragment.text
    erreur = client.post(url("diagnostic", orientation.pk), {"moment": "initial"}, **HTMX)
    assert erreur.status_code == 200 and "<html" not in erreur.text and "field--error" in erreur.text
    ok = client.post(
        url("diagnostic", orientation.pk),
        {"moment": "initial", "date": "2026-03-05", "freins": ["mobilite", "logement"]},
        **HTMX,
    )
    assert ok.status_code == 204 and ok["HX-Redirect"].startswith(
        reverse("parcours:personne", args=[orientation.personne_id])
    )
    diagnostic = orientation.diagnostics.get()
    assert sorted(diagnostic.freins.values_list("frein", flat=True)) == ["logement", "mobilite"]


def test_contrat_avec_ses_actions(client, referent, orientation):
    client.force_login(referent)
    adresse = reverse("parcours:contrat", args=[orientation.pk])
    page = client.get(adresse)
    assert page.status_code == 200
    assert page.text.count("<legend>Action ") == 3  # actions_ce_min de la fiche 5.1
    donnees = {
        "date_signature": "2026-03-20",
        "date_debut": "2026-03-20",
        "heures_hebdo_prevues": "10",
        "observations": "",
        "actions-TOTAL_FORMS": "3",
        "actions-INITIAL_FORMS": "0",
        "actions-MIN_NUM_FORMS": "0",
        "actions-MAX_NUM_FORMS": "30",
    }
    actions = [("Atelier mobilité", "sociale"), ("Recherche de stage", "insertion_pro"), ("", "sociale")]
    for i, (libelle, categorie) in enumerate(actions):
        donnees[f"actions-{i}-categorie"] = categorie
        if libelle:
            donnees |= {
                f"actions-{i}-libelle": libelle,
                f"actions-{i}-categorie": categorie,
                f"actions-{i}-date_debut": "2026-03-20",
                f"actions-{i}-date_fin": "2026-09-19",
                f"actions-{i}-detail": "Détail de l'action",
            }
    reponse = client.post(adresse, donnees)
    assert reponse.status_code == 302
    contrat = orientation.contrats.get()
    assert contrat.rang == 1 and contrat.actions.count() == 2
    suivante = client.get(reponse.url)
    assert "Atelier mobilité" in suivante.text
    assert "au moins 3" in suivante.text  # avertissement (deux actions) affiché sans bloquer


def test_contrat_erreur_en_ligne(client, referent, orientation):
    client.force_login(referent)
    adresse = reverse("parcours:contrat", args=[orientation.pk])
    donnees = {
        "date_signature": "",
        "date_debut": "2026-03-20",
        "actions-TOTAL_FORMS": "1",
        "actions-INITIAL_FORMS": "0",
        "actions-0-libelle": "Atelier",
        "actions-0-categorie": "sociale",
        "actions-0-date_debut": "2026-03-20",
        "actions-0-date_fin": "bientôt",
    }
    reponse = client.post(adresse, donnees)
    assert reponse.status_code == 400 and reponse.text.count("field--error") == 2
    assert "Action 1 : vérifiez les champs signalés." in reponse.text
    sans_action = {
        "date_signature": "2026-03-20",
        "date_debut": "2026-03-20",
        "actions-TOTAL_FORMS": "3",
        "actions-INITIAL_FORMS": "0",
    } | {f"actions-{i}-categorie": "sociale" for i in range(3)}  # comme un navigateur : la liste a une valeur
    reponse = client.post(adresse, sans_action)
    assert reponse.status_code == 400 and "Action 1 : vérifiez les champs signalés." in reponse.text
    assert "Action 2 : vérifiez" not in reponse.text  # les lignes laissées vides sont ignorées
    assert not orientation.contrats.exists()


def test_heures_revue_cloture(client, referent, agent_slai, orientation):
    contrat = ContratFactory(orientation=orientation)
    client.force_login(referent)
    reponse = client.post(url("heures", contrat.pk), {"semaine": "2026-03-25", "heures": "12"})
    assert reponse.status_code == 302
    heures = contrat.heures.get()
    assert heures.semaine == datetime.date(2026, 3, 23) and heures.heures == 12  # ramenée au lundi
    assert client.post(url("heures", contrat.pk), {"semaine": "2026-03-30", "heures": "-1"}).status_code == 400
    client.force_login(agent_slai)
    assert client.post(url("revue_slai", contrat.pk), {"date": "2026-08-01"}).status_code == 302
    contrat.refresh_from_db()
    assert contrat.revue_slai_le == datetime.date(2026, 8, 1)
    client.force_login(referent)
    assert client.post(url("cloture", contrat.pk), {"date_cloture": "2026-09-15"}).status_code == 302
    contrat.refresh_from_db()
    assert contrat.statut == c.StatutContrat.CLOS and contrat.date_cloture == datetime.date(2026, 9, 15)


def test_suspension_demandee_puis_decidee(client, referent, agent_slai, orientation):
    rdv = RendezVousFactory(
        orientation=orientation, presence=c.Presence.ABSENCE_INJUSTIFIEE, debut=a_paris(datetime.date(2026, 3, 5))
    )
    client.force_login(referent)
    assert client.post(url("suspension", orientation.pk), {"date_demande": "2026-03-06"}).status_code == 400
    reponse = client.post(
        url("suspension", orientation.pk), {"date_demande": "2026-03-06", "motif": "Absence", "rendez_vous": rdv.pk}
    )
    assert reponse.status_code == 302
    demande = orientation.suspensions.get()
    assert demande.rendez_vous == rdv
    assert client.get(url("decision_suspension", demande.pk)).status_code == 403
    client.force_login(agent_slai)
    assert (
        client.post(url("decision_suspension", demande.pk), {"acceptee": "oui", "date": "2026-03-10"}).status_code
        == 302
    )
    demande.refresh_from_db()
    assert demande.statut == c.StatutDemande.ACCEPTEE


def test_reorientation_demandee_puis_refusee(client, referent, agent_slai, orientation):
    client.force_login(referent)
    assert (
        client.post(
            url("reorientation", orientation.pk),
            {"sphere": "emploi", "argumentaire": "", "date_demande": "2026-04-01"},
        ).status_code
        == 400
    )
    assert (
        client.post(
            url("reorientation", orientation.pk),
            {
                "sphere": "emploi",
                "argumentaire": "Prêt à l'emploi : deux stages réussis, permis obtenu.",
                "date_demande": "2026-04-01",
            },
        ).status_code
        == 302
    )
    demande = orientation.reorientations.get()
    client.force_login(agent_slai)
    page = client.get(url("decision_reorientation", demande.pk))
    assert page.status_code == 200 and "<optgroup" in page.text
    assert (
        client.post(url("decision_reorientation", demande.pk), {"acceptee": "non", "date": "2026-04-10"}).status_code
        == 302
    )
    demande.refresh_from_db()
    assert demande.statut == c.StatutDemande.REFUSEE


def test_phase_dsp_puis_decision(client, referent, agent_slai):
    accueil = OrientationFactory(structure=structure_de(referent), parcours="accueil_dsp")
    client.force_login(referent)
    fiche = client.get(reverse("parcours:personne", args=[accueil.personne_id])).text
    assert "Transmettre la DSP et la préconisation" in fiche
    reponse = client.post(
        url("dsp", accueil.pk),
        {"date_dsp": "2026-03-10", "sphere_preconisee": "emploi", "preconisee_le": "2026-03-12"},
    )
    assert reponse.status_code == 302
    phase = m.PhaseDsp.objects.get(orientation=accueil)
    client.force_login(agent_slai)
    assert "Décider l'orientation" in client.get(reverse("parcours:personne", args=[accueil.personne_id])).text
    dispositif = accueil.dispositif
    invalide = client.post(
        url("decision_dsp", phase.pk),
        {"structure": accueil.structure_id, "dispositif": dispositif.pk, "parcours": "inconnu", "date": "2026-03-20"},
    )
    assert invalide.status_code == 400
    ok = client.post(
        url("decision_dsp", phase.pk),
        {
            "structure": accueil.structure_id,
            "dispositif": dispositif.pk,
            "parcours": "remobilisation_sociale_intensive",
            "date": "2026-03-20",
        },
    )
    assert ok.status_code == 302
    phase.refresh_from_db()
    assert (
        phase.statut == c.StatutPreconisation.DECIDEE and phase.decision.parcours == "remobilisation_sociale_intensive"
    )


def test_sortie_types_groupes_par_famille(client, referent, orientation):
    client.force_login(referent)
    page = client.get(url("sortie", orientation.pk))
    assert (
        '<optgroup label="Emploi durable">' in page.text
        and '<optgroup label="Changement de situation financière">' in page.text
    )
    assert client.post(url("sortie", orientation.pk), {"date_sortie": "2026-06-30"}).status_code == 400
    assert client.post(url("sortie", orientation.pk), {"date_sortie": "2026-06-30", "type": "cdi"}).status_code == 302
    sortie = m.Sortie.objects.get(orientation=orientation)
    assert sortie.famille == c.FamilleSortie.EMPLOI_DURABLE
    page = client.get(reverse("parcours:personne", args=[orientation.personne_id])).text
    assert "Sortie le <strong>30/06/2026</strong> : CDI" in page and "Planifier un rendez-vous" not in page


def test_justificatif(client, referent, orientation):
    client.force_login(referent)
    assert client.post(url("justificatif", orientation.pk), {"nature": "attestation_caf"}).status_code == 400
    assert (
        client.post(
            url("justificatif", orientation.pk), {"nature": "attestation_caf", "verifie_le": "2026-03-04"}
        ).status_code
        == 302
    )
    justificatif = orientation.personne.justificatifs.get()
    assert justificatif.structure == orientation.structure and justificatif.verifie_le == datetime.date(2026, 3, 4)


def test_orienter_une_nouvelle_personne_puis_la_retrouver(client, agent_slai, referent, porteur):
    structure = structure_de(referent)
    dispositif = OrientationFactory.build().dispositif
    adresse = reverse("parcours:orienter")
    client.force_login(porteur)
    assert client.get(adresse).status_code == 403
    client.force_login(referent)
    assert client.get(adresse).status_code == 403
    client.force_login(agent_slai)
    page = client.get(adresse)
    assert page.status_code == 200 and "<optgroup" in page.text
    donnees = {
        "organisme": "caf",
        "numero_allocataire": "9900001",
        "nom": "Testeur",
        "prenom": "Léa",
        "categorie": "brsa",
        "territoire": territoire("arrageois").pk,
        "structure": structure.pk,
        "dispositif": dispositif.pk,
        "parcours": "remobilisation_sociale_intensive",
        "date_orientation": "2026-03-02",
    }
    manque = client.post(adresse, {**donnees, "nom": ""})
    assert manque.status_code == 400 and "Personne inconnue" in manque.text
    mauvais = client.post(adresse, {**donnees, "parcours": "accompagnement_social_professionnel_intensif"})
    assert mauvais.status_code == 400 and "field--error" in mauvais.text
    reponse = client.post(adresse, donnees)
    assert reponse.status_code == 302
    personne = m.Personne.objects.get(numero_allocataire="9900001")
    orientation = personne.orientations.get()
    assert orientation.structure == structure and orientation.decidee_par == agent_slai
    # Personne connue : le numéro suffit ; le service refuse un second parcours en cours (erreur en ligne).
    deja = client.post(adresse, {**donnees, "nom": "", "prenom": "", "categorie": ""})
    assert deja.status_code == 400 and m.Personne.objects.filter(numero_allocataire="9900001").count() == 1


def test_orienter_fragment_htmx_des_parcours(client, agent_slai):
    dispositif = OrientationFactory.build().dispositif
    client.force_login(agent_slai)
    fragment = client.get(reverse("parcours:orienter"), {"dispositif": dispositif.pk}, **HTMX)
    assert fragment.status_code == 200 and "<html" not in fragment.text
    assert 'value="accueil_dsp"' in fragment.text and "<optgroup" not in fragment.text


def test_le_formulaire_de_sortie_ne_propose_pas_la_reorientation():
    """La sortie « réorientation » ne vient que d'une décision du Département sur une demande de réorientation."""
    from aap.parcours.forms_suivi import SortieForm

    valeurs = {v for _groupe, types in SortieForm().fields["type"].choices[1:] for v, _l in types}
    assert "reorientation" not in valeurs and "aah" in valeurs
    assert not SortieForm({"date_sortie": "2026-11-20", "type": "reorientation"}).is_valid()


def test_la_dsp_reste_a_transmettre_tant_que_le_departement_n_a_pas_decide(client, referent):
    """Une phase d'accueil créée sans DSP (import, démonstration) propose encore de transmettre la DSP."""
    from aap.parcours.models import PhaseDsp
    from tests.parcours.factories import OrientationFactory
    from tests.parcours.test_vues import structure_de

    accueil = OrientationFactory(structure=structure_de(referent), parcours="accueil_dsp")
    PhaseDsp.objects.create(orientation=accueil)
    client.force_login(referent)
    page = client.get(reverse("parcours:personne", args=[accueil.personne_id])).content.decode()
    assert "Transmettre la DSP et la préconisation" in page
    PhaseDsp.objects.filter(orientation=accueil).update(statut="decidee")
    page = client.get(reverse("parcours:personne", args=[accueil.personne_id])).content.decode()
    assert "la préconisation" not in page
