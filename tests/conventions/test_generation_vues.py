"""Pages de génération : « Conventions de la CP du … », tâche de fond, page des documents, droits."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from aap.conventions.models import Convention, StatutConvention
from aap.core.models import StatutTache, TacheFond
from tests.commission.factories import SeanceCPFactory
from tests.conventions.factories import inscription_approuvee
from tests.conventions.test_generation import voter
from tests.factories import StructureFactory


@pytest.fixture
def seance():
    seance = SeanceCPFactory()
    alpha = StructureFactory(raison_sociale="Alpha Insertion")
    inscription_approuvee(alpha, Decimal("10000.00"), seance)
    inscription_approuvee(alpha, Decimal("5000.00"), seance)
    inscription_approuvee(StructureFactory(raison_sociale="Beta Solidarité"), Decimal("24000.00"), seance)
    return voter(seance)


def test_generer_depuis_la_page_de_la_seance(client, gestionnaire, seance, django_capture_on_commit_callbacks):
    client.force_login(gestionnaire)
    page = client.get(reverse("conventions:seance", args=[seance.pk]))
    contenu = page.content.decode()
    assert page.status_code == 200
    assert "<h1>Conventions de la CP du 14/12/2026</h1>" in contenu
    assert "Générer les conventions" in contenu and contenu.count('badge--info">À générer') == 3
    with django_capture_on_commit_callbacks(execute=True):
        reponse = client.post(reverse("conventions:generer", args=[seance.pk]))
    tache = TacheFond.objects.get()
    assert reponse.status_code == 302 and reponse.url == reverse("core:tache", args=[tache.pk])
    assert tache.statut == StatutTache.TERMINEE, tache.erreurs
    assert tache.resultat["message"] == "2 conventions générées."
    assert tache.resultat["lien"] == reverse("conventions:seance", args=[seance.pk])
    assert Convention.objects.count() == 2
    page = client.get(reverse("conventions:seance", args=[seance.pk])).content.decode()
    assert "Toutes les opérations approuvées de cette séance sont conventionnées" in page
    assert "2026-00001" in page and "annexe 2" in page
    assert "Générer les conventions" not in page


def test_seance_non_votee_pas_de_generation(client, gestionnaire):
    seance = SeanceCPFactory(date=datetime.date(2026, 11, 2))
    inscription_approuvee(StructureFactory(), Decimal("100.00"), seance)
    client.force_login(gestionnaire)
    page = client.get(reverse("conventions:seance", args=[seance.pk])).content.decode()
    assert "pas encore enregistré" in page and "Générer les conventions" not in page
    reponse = client.post(reverse("conventions:generer", args=[seance.pk]))
    assert reponse.status_code == 302 and not TacheFond.objects.exists()


def test_refaire_le_document(client, gestionnaire, seance):
    from aap.conventions.generation import generer_conventions_seance

    convention = generer_conventions_seance(seance, gestionnaire)[0]
    client.force_login(gestionnaire)
    reponse = client.post(reverse("conventions:regenerer", args=[convention.pk]))
    assert reponse.status_code == 302
    Convention.objects.filter(pk=convention.pk).update(statut=StatutConvention.ENVOYEE)
    reponse = client.post(reverse("conventions:regenerer", args=[convention.pk]), follow=True)
    assert "déjà été envoyée" in reponse.content.decode()


@pytest.mark.parametrize("role", ["porteur", "agent_finances", "agent_slai"])
def test_page_de_seance_reservee_a_la_dpid(client, request, role, seance):
    client.force_login(request.getfixturevalue(role))
    assert client.get(reverse("conventions:seance", args=[seance.pk])).status_code == 403
    assert client.post(reverse("conventions:generer", args=[seance.pk])).status_code == 403


def test_page_des_documents(client, gestionnaire, agent_finances, porteur, seance, django_capture_on_commit_callbacks):
    client.force_login(gestionnaire)
    page = client.get(reverse("conventions:documents")).content.decode()
    assert "<h1>Documents des conventions</h1>" in page
    assert reverse("conventions:seance", args=[seance.pk]) in page and "Conventions à générer" in page
    client.force_login(agent_finances)
    page = client.get(reverse("conventions:documents")).content.decode()
    assert "Préparer le fichier CSV" in page and "Conventions par séance" not in page
    with django_capture_on_commit_callbacks(execute=True):
        reponse = client.post(reverse("conventions:exporter_scdl"), {"annee": "2026"})
    tache = TacheFond.objects.get(demandee_par=agent_finances)
    assert reponse.url == reverse("core:tache", args=[tache.pk]) and tache.statut == StatutTache.TERMINEE
    fichier = client.get(reverse("core:tache_fichier", args=[tache.pk, 0]))
    assert b"".join(fichier.streaming_content).startswith(b"nomAttribuant,idAttribuant,dateConvention,")
    client.force_login(porteur)
    assert client.get(reverse("conventions:documents")).status_code == 403
    assert client.post(reverse("conventions:exporter_scdl"), {"annee": "2026"}).status_code == 403
