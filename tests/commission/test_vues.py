"""Pages de la Commission permanente : droits (403 porteur, lecture SLAI/finances, 404), parcours DPID,
génération des documents en tâche de fond (backend immédiat sous pytest), téléchargements contrôlés."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from aap.commission.models import (
    Decision,
    Elu,
    GenerationDocuments,
    Inscription,
    Mandat,
    SeanceCP,
    StatutGeneration,
    StatutSeance,
)
from aap.commission.services_decisions import approuver, notifier
from aap.demandes.choix import StatutDemande
from aap.instruction.models import ModeleConvention
from tests.commission.cp_fabrique import seance_garnie
from tests.commission.factories import EluFactory, InscriptionFactory, MandatFactory, SeanceCPFactory
from tests.commission.test_decisions import seance_votee
from tests.commission.test_services import seance_avec
from tests.demandes.factories import EditionFactory
from tests.factories import MembreFactory, StructureFactory
from tests.instruction.factories import PropositionFactory


def connecte(client, user):
    client.force_login(user)
    return client


def pages_lecture(seance: SeanceCP, elu_id: int) -> list[str]:
    return [
        reverse("commission:seances"),
        reverse("commission:seance", args=[seance.pk]),
        reverse("commission:presences", args=[seance.pk]),
        reverse("commission:elus"),
        reverse("commission:elu", args=[elu_id]),
    ]


def test_porteur_403_partout(client, porteur):
    seance, _ = seance_avec(1)
    elu = EluFactory()
    connecte(client, porteur)
    for url in [*pages_lecture(seance, elu.pk), reverse("commission:inscrire", args=[seance.pk])]:
        assert client.get(url).status_code == 403, url
    assert client.post(reverse("commission:generer", args=[seance.pk])).status_code == 403


def test_anonyme_redirige_vers_la_connexion(client):
    seance, _ = seance_avec(1)
    reponse = client.get(reverse("commission:seance", args=[seance.pk]))
    assert reponse.status_code == 302 and reverse("core:login") in reponse.url


@pytest.mark.parametrize("role", ["agent_slai", "agent_finances"])
def test_lecture_seule_pour_slai_et_finances(client, role, request):
    agent = request.getfixturevalue(role)
    seance, (inscription,) = seance_avec(1)
    elu = EluFactory()
    connecte(client, agent)
    for url in pages_lecture(seance, elu.pk):
        reponse = client.get(url)
        assert reponse.status_code == 200, url
        assert "Nouvelle séance" not in reponse.content.decode()
    ecritures = [
        ("get", reverse("commission:seance_creer")),
        ("get", reverse("commission:inscrire", args=[seance.pk])),
        ("get", reverse("commission:vote", args=[seance.pk])),
        ("post", reverse("commission:desinscrire", args=[inscription.pk])),
        ("post", reverse("commission:generer", args=[seance.pk])),
        ("get", reverse("commission:elu_creer")),
    ]
    for methode, url in ecritures:
        assert getattr(client, methode)(url).status_code == 403, url
    assert Inscription.objects.filter(pk=inscription.pk).exists()


def test_404_hors_perimetre(client, gestionnaire):
    connecte(client, gestionnaire)
    assert client.get(reverse("commission:seance", args=[999999])).status_code == 404
    assert client.post(reverse("commission:desinscrire", args=[999999])).status_code == 404
    assert client.get(reverse("commission:generation", args=[999999])).status_code == 404
    assert client.get(reverse("commission:courrier", args=[999999])).status_code == 404


def test_creer_une_seance(client, gestionnaire):
    edition = EditionFactory()
    connecte(client, gestionnaire)
    assert client.get(reverse("commission:seance_creer")).status_code == 200
    reponse = client.post(
        reverse("commission:seance_creer"),
        {"date": "2026-11-23", "edition": edition.pk, "phase": "Phase 2", "numero_rapport": "41"},
    )
    seance = SeanceCP.objects.get()
    assert reponse.status_code == 302 and reponse.url == reverse("commission:seance", args=[seance.pk])
    assert (seance.phase, seance.numero_rapport, seance.creee_par) == ("Phase 2", 41, gestionnaire)
    page = client.get(reponse.url).content.decode()
    assert "Commission permanente du 23/11/2026" in page
    # Même date : refusé, erreur en ligne.
    doublon = client.post(
        reverse("commission:seance_creer"), {"date": "2026-11-23", "edition": edition.pk, "phase": "X"}
    )
    assert doublon.status_code == 200 and SeanceCP.objects.count() == 1


def test_modifier_une_seance(client, gestionnaire):
    seance = SeanceCPFactory()
    connecte(client, gestionnaire)
    url = reverse("commission:seance_modifier", args=[seance.pk])
    assert client.get(url).status_code == 200
    donnees = {
        "date": "2026-12-14",
        "edition": seance.edition_id,
        "phase": "Phase 2",
        "numero_deliberation": "2026-999",
    }
    assert client.post(url, donnees).status_code == 302
    seance.refresh_from_db()
    assert seance.numero_deliberation == "2026-999"


def test_liste_des_seances_avec_totaux(client, instructeur):
    seance_avec(2)
    connecte(client, instructeur)
    page = client.get(reverse("commission:seances")).content.decode()
    assert "CP du 14/12/2026" in page and "En préparation" in page


def test_inscrire_par_selection_et_toute_la_selection_filtree(client, gestionnaire):
    seance = SeanceCPFactory()
    cochee, filtree, autre = PropositionFactory(), PropositionFactory(), PropositionFactory()
    filtree.demande.structure.raison_sociale = "Structure Filtrée Unique"
    filtree.demande.structure.save()
    connecte(client, gestionnaire)
    url = reverse("commission:inscrire", args=[seance.pk])
    page = client.get(url).content.decode()
    assert cochee.demande.reference in page and autre.demande.reference in page
    assert client.post(url, {"propositions": [cochee.pk]}).status_code == 302
    filtre = client.get(url, {"q": "filtrée unique"}).content.decode()
    assert filtree.demande.reference in filtre and autre.demande.reference not in filtre
    client.post(url, {"q": "filtrée unique", "toutes": "1"})
    assert set(seance.inscriptions.values_list("proposition_id", flat=True)) == {cochee.pk, filtree.pk}


def test_retirer_une_inscription(client, gestionnaire):
    seance, (inscription, _) = seance_avec(2)
    connecte(client, gestionnaire)
    reponse = client.post(reverse("commission:desinscrire", args=[inscription.pk]))
    assert reponse.status_code == 302
    assert seance.inscriptions.count() == 1


def test_fiche_de_la_seance_groupee_par_thematique_avec_interesses(client, instructeur):
    seance = seance_garnie()
    structure = seance.inscriptions.first().proposition.demande.structure
    elu = EluFactory(nom="Duporge")
    MandatFactory(elu=elu, structure=structure, fonction="Président du CCAS")
    connecte(client, instructeur)
    page = client.get(reverse("commission:seance", args=[seance.pk])).content.decode()
    assert "Thématique 1 : Parcours accompagnement RSA" in page
    assert "Thématique 5 : Contreparties FSE" in page
    assert "Président du CCAS, " + structure.raison_sociale in page
    assert "Tous les contrôles sont passés" in page
    assert "Générer les documents" in page


def test_controle_bloquant_liste_avec_lien_vers_la_demande(client, gestionnaire):
    seance = seance_garnie()
    fautive = seance.inscriptions.select_related("proposition__demande").order_by("pk").first()
    fautive.proposition.modele_convention = ""
    fautive.proposition.save()
    connecte(client, gestionnaire)
    page = client.get(reverse("commission:seance", args=[seance.pk])).content.decode()
    assert "aucun modèle de convention" in page
    assert reverse("demandes:detail", args=[fautive.proposition.demande.pk]) in page
    assert "Générer les documents</button>" not in page
    reponse = client.post(reverse("commission:generer", args=[seance.pk]))
    assert reponse.status_code == 302 and not GenerationDocuments.objects.exists()
    # Corrigée, la génération est de nouveau proposée.
    fautive.proposition.modele_convention = ModeleConvention.TYPE
    fautive.proposition.save()
    assert (
        "Générer les documents</button>" in client.get(reverse("commission:seance", args=[seance.pk])).content.decode()
    )


def test_generation_en_tache_de_fond_et_telechargement(client, gestionnaire, agent_finances, porteur, settings,
                                                      django_capture_on_commit_callbacks):  # fmt: skip
    seance = seance_garnie()
    connecte(client, gestionnaire)
    with django_capture_on_commit_callbacks(execute=True):
        reponse = client.post(reverse("commission:generer", args=[seance.pk]))
    assert reponse.status_code == 302
    generation = GenerationDocuments.objects.get()
    assert generation.statut == StatutGeneration.TERMINEE, generation.erreurs
    assert generation.progression == 100 and len(generation.fichiers) == 6
    assert all(f.startswith(f"commission/2026-05-26/{generation.pk}/") for f in generation.fichiers)
    panneau = client.get(reverse("commission:generation", args=[generation.pk])).content.decode()
    assert "hx-trigger" not in panneau  # terminée : plus d'interrogation
    assert "rapport-cp-2026-05-26.docx" in panneau
    index = next(i for i, f in enumerate(generation.fichiers) if f.endswith(".xlsx"))
    connecte(client, agent_finances)
    fichier = client.get(reverse("commission:document", args=[generation.pk, index]))
    assert fichier.status_code == 200
    assert b"".join(fichier.streaming_content)[:2] == b"PK"
    assert "attachment" in fichier["Content-Disposition"]
    assert client.get(reverse("commission:document", args=[generation.pk, 99])).status_code == 404
    connecte(client, porteur)
    assert client.get(reverse("commission:document", args=[generation.pk, index])).status_code == 403


def test_generation_en_cours_interrogee_chaque_seconde(client, instructeur, gestionnaire):
    seance, _ = seance_avec(1)
    generation = GenerationDocuments.objects.create(
        seance=seance,
        demandee_par=gestionnaire,
        statut=StatutGeneration.EN_COURS,
        progression=40,
        etape="Rapport (PDF)",
    )
    connecte(client, instructeur)
    panneau = client.get(reverse("commission:generation", args=[generation.pk])).content.decode()
    assert 'hx-trigger="every 1s"' in panneau
    assert '<progress id="progression-' in panneau and 'value="40"' in panneau
    assert "Rapport (PDF)" in panneau


def test_vote_puis_decisions_puis_notification(client, gestionnaire):
    seance, (a, b) = seance_avec(2)
    elus = [EluFactory() for _ in range(5)]
    Mandat.objects.create(elu=elus[0], structure=a.proposition.demande.structure, fonction="CA")
    MembreFactory(structure=b.proposition.demande.structure)
    connecte(client, gestionnaire)
    url = reverse("commission:vote", args=[seance.pk])
    formulaire = client.get(url)
    assert formulaire.context["form"].initial["non_participants"] == [elus[0].pk]
    assert formulaire.context["form"].initial["abstention"] == 1
    faux = client.post(url, {"pour": 5, "contre": 0, "abstention": 1, "absents_sans_delegation": 0, "adopte": "on"})
    assert faux.status_code == 200 and "5 membres" in faux.content.decode()
    juste = {
        "pour": 4,
        "contre": 0,
        "abstention": 1,
        "absents_sans_delegation": 0,
        "adopte": "on",
        "non_participants": [elus[0].pk],
        "groupes_pour": ["socialiste"],
    }
    assert client.post(url, juste).status_code == 302
    seance.refresh_from_db()
    assert seance.statut == StatutSeance.VOTEE
    page = client.get(reverse("commission:decisions", args=[seance.pk])).content.decode()
    assert "Tout approuver au montant proposé (2)" in page
    decider = reverse("commission:decider", args=[a.pk])
    client.post(decider, {f"d{a.pk}-decision": "rejetee", f"d{a.pk}-motif": ""})
    a.refresh_from_db()
    assert a.decision == ""  # motif manquant
    client.post(decider, {f"d{a.pk}-decision": "approuvee", f"d{a.pk}-montant": "1000.00"})
    a.refresh_from_db()
    assert (a.decision, a.montant_vote) == (Decision.APPROUVEE, Decimal("1000.00"))
    client.post(reverse("commission:tout_approuver", args=[seance.pk]))
    b.refresh_from_db()
    assert b.decision == Decision.APPROUVEE and b.proposition.demande.statut == StatutDemande.ACCORDEE
    client.post(reverse("commission:notifier", args=[seance.pk]))
    seance.refresh_from_db()
    assert seance.statut == StatutSeance.CLOTUREE


def test_courrier_pour_le_porteur_de_la_structure_seulement(client, gestionnaire, porteur, autre_porteur):
    structure = porteur.adhesions.get().structure
    seance, _ = seance_votee(0)
    inscription = InscriptionFactory(seance=seance, proposition__demande__structure=structure)
    approuver(inscription, gestionnaire)
    demande = inscription.proposition.demande
    connecte(client, porteur)
    fiche = client.get(reverse("demandes:detail", args=[demande.pk])).content.decode()
    assert "Décision de la Commission permanente" not in fiche  # pas encore notifiée
    assert client.get(reverse("commission:courrier", args=[inscription.pk])).status_code == 404
    notifier(seance, gestionnaire)
    fiche = client.get(reverse("demandes:detail", args=[demande.pk])).content.decode()
    assert "Subvention accordée" in fiche
    lien = reverse("commission:courrier", args=[inscription.pk])
    assert lien in fiche
    reponse = client.get(lien)
    assert reponse.status_code == 200 and b"".join(reponse.streaming_content)[:4] == b"%PDF"
    connecte(client, autre_porteur)
    assert client.get(lien).status_code == 404


def test_registre_des_elus_et_mandats(client, gestionnaire):
    connecte(client, gestionnaire)
    donnees = {
        "civilite": "Mme",
        "prenom": "Maryse",
        "nom": "Exemple",
        "groupe": "socialiste",
        "voix_deliberative": "on",
        "actif": "on",
    }
    reponse = client.post(reverse("commission:elu_creer"), donnees)
    elu = Elu.objects.get()
    assert reponse.url == reverse("commission:elu", args=[elu.pk])
    structure = StructureFactory(raison_sociale="CCAS de Liévin-Exemple")
    StructureFactory(raison_sociale="Autre association")
    url = reverse("commission:elu", args=[elu.pk])
    recherche = client.get(url, {"q": "liévin-exemple"}).content.decode()
    assert "CCAS de Liévin-Exemple" in recherche and "Autre association" not in recherche
    par_siret = client.get(url, {"q": structure.siret}).content.decode()
    assert "CCAS de Liévin-Exemple" in par_siret
    client.post(url, {"formulaire": "mandat", "q": "liévin", "mandat-structure": structure.pk,
                      "mandat-fonction": "Vice-présidente du CCAS"})  # fmt: skip
    mandat = Mandat.objects.get(elu=elu)
    assert mandat.structure == structure
    assert "Vice-présidente du CCAS" in client.get(url).content.decode()
    client.post(reverse("commission:mandat_supprimer", args=[mandat.pk]))
    assert not Mandat.objects.exists()


def test_presences(client, gestionnaire):
    seance, _ = seance_avec(1)
    a, b = EluFactory(nom="Aaa"), EluFactory(nom="Bbb")
    connecte(client, gestionnaire)
    url = reverse("commission:presences", args=[seance.pk])
    assert client.get(url).status_code == 200
    donnees = {
        "form-TOTAL_FORMS": "2",
        "form-INITIAL_FORMS": "2",
        "form-0-elu": a.pk,
        "form-0-statut": "present",
        "form-1-elu": b.pk,
        "form-1-statut": "excuse",
        "form-1-delegation_a": a.pk,
    }
    assert client.post(url, donnees).status_code == 302
    assert seance.presences.get(elu=b).delegation_a == a
