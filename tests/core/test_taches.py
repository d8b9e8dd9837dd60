"""Tâches de fond génériques : exécution (immédiate sous pytest), progression, résultat, échec, périmètre."""

from __future__ import annotations

import pytest
from django.urls import reverse

from aap.core import taches
from aap.core.models import StatutTache, TacheFond


def compter(tache: TacheFond, progression: taches.Progression, *, jusqua: int) -> dict:
    for i in range(jusqua):
        progression(i, jusqua, f"Élément {i + 1}")
    return {"message": f"{jusqua} éléments traités."}


def echouer(tache: TacheFond, progression: taches.Progression) -> dict:
    raise ValueError("fichier illisible")


def test_une_tache_terminee_garde_son_resultat_et_son_journal(gestionnaire, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        tache = taches.lancer("essai", "Essai", "tests.core.test_taches.compter", gestionnaire, jusqua=5)
    tache.refresh_from_db()
    assert tache.statut == StatutTache.TERMINEE
    assert tache.progression == 100
    assert tache.resultat == {"message": "5 éléments traités."}
    assert tache.terminee_le is not None


def test_un_echec_est_consigne_sans_lever(gestionnaire, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        tache = taches.lancer("essai", "Essai", "tests.core.test_taches.echouer", gestionnaire)
    tache.refresh_from_db()
    assert tache.statut == StatutTache.ECHEC
    assert tache.erreurs == ["fichier illisible"]


def test_chemin_inconnu_refuse_immediatement(gestionnaire):
    with pytest.raises(ImportError):
        taches.lancer("essai", "Essai", "tests.core.test_taches.inexistante", gestionnaire)
    assert not TacheFond.objects.exists()


def test_seul_le_demandeur_voit_sa_tache(client, gestionnaire, agent_finances, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        tache = taches.lancer("essai", "Essai", "tests.core.test_taches.compter", gestionnaire, jusqua=2)
    client.force_login(agent_finances)
    assert client.get(reverse("core:tache", args=[tache.pk])).status_code == 404
    client.force_login(gestionnaire)
    reponse = client.get(reverse("core:tache", args=[tache.pk]))
    assert reponse.status_code == 200
    assert "2 éléments traités." in reponse.content.decode()
