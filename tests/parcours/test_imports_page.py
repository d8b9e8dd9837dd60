"""Page d'import des parcours : dépôt → simulation en tâche de fond → rapport → application, CSV des erreurs,
rôles et portée, fichier supprimé après l'application ou 30 jours après un abandon."""

from __future__ import annotations

import datetime
import html
import os
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from aap.core.models import StatutTache, TacheFond
from aap.parcours.imports import taches as import_taches
from aap.parcours.models import Orientation, RendezVous
from tests.factories import UserFactory
from tests.parcours.fixtures_csv import fichier, importer_fichier, referent_de, structure_des_exemples


URL = reverse("parcours_imports:index")
pytestmark = pytest.mark.usefixtures("catalogue_2026")


def _texte(reponse) -> str:  # noqa: ANN001
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", "", reponse.content.decode())))


def _deposer(client, capture, nature: str, nom: str, contenu: bytes | None = None):  # noqa: ANN001, ANN202
    televersement = SimpleUploadedFile(nom, contenu if contenu is not None else fichier(nom), content_type="text/csv")
    with capture(execute=True):
        return client.post(URL, {"nature": nature, "fichier": televersement})


def _simulation(client, capture, nature: str, nom: str) -> TacheFond:  # noqa: ANN001
    reponse = _deposer(client, capture, nature, nom)
    tache = TacheFond.objects.filter(type=import_taches.TYPE_SIMULATION).latest("pk")
    assert reponse.status_code == 302 and reponse["Location"] == reverse("core:tache", args=[tache.pk])
    tache.refresh_from_db()
    assert tache.statut == StatutTache.TERMINEE, tache.erreurs
    return tache


def _appliquer(client, capture, simulation: TacheFond) -> TacheFond:  # noqa: ANN001
    with capture(execute=True):
        reponse = client.post(reverse("parcours_imports:appliquer", args=[simulation.pk]))
    tache = TacheFond.objects.filter(type=import_taches.TYPE_IMPORT).latest("pk")
    assert reponse.status_code == 302 and reponse["Location"] == reverse("core:tache", args=[tache.pk])
    tache.refresh_from_db()
    assert tache.statut == StatutTache.TERMINEE, tache.erreurs
    return tache


@pytest.fixture
def structure():
    return structure_des_exemples()


def test_parcours_complet_slai(client, agent_slai, structure, django_capture_on_commit_callbacks):
    client.force_login(agent_slai)
    page = client.get(URL)
    assert page.status_code == 200
    texte = _texte(page)
    assert "Importer des parcours" in texte and "Orientations (SI RSA)" in texte
    assert "Événements des parcours" not in texte  # nature réservée aux référents
    simulation = _simulation(client, django_capture_on_commit_callbacks, "orientations", "orientations.csv")
    assert not Orientation.objects.exists()
    assert simulation.resultat["compte"] == {"lignes": 3, "cree": 3, "modifie": 0, "inchange": 0, "rejete": 0}
    chemin = Path(settings.MEDIA_ROOT) / simulation.parametres["chemin"]
    assert chemin.is_file() and chemin.parent == Path(settings.MEDIA_ROOT) / "imports" / "parcours"
    rapport = client.get(reverse("parcours_imports:resultat", args=[simulation.pk]))
    texte = _texte(rapport)
    assert "Simulation : rien n'a été écrit." in texte and "Appliquer l'import" in texte
    assert "UTF-8 (BOM), séparateur « ; »" in texte
    reel = _appliquer(client, django_capture_on_commit_callbacks, simulation)
    assert Orientation.objects.count() == 3 and reel.resultat["compte"]["cree"] == 3
    assert not chemin.exists()  # supprimé une fois appliqué
    texte = _texte(client.get(reverse("parcours_imports:resultat", args=[reel.pk])))
    assert "Import appliqué" in texte and "Simulation d'origine" in texte
    texte = _texte(client.get(reverse("parcours_imports:resultat", args=[simulation.pk])))
    assert "Cette simulation a déjà été appliquée" in texte
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("parcours_imports:appliquer", args=[simulation.pk]))
    assert TacheFond.objects.filter(type=import_taches.TYPE_IMPORT).count() == 1


def test_lignes_rejetees_et_csv_des_erreurs(client, agent_slai, structure, django_capture_on_commit_callbacks):
    client.force_login(agent_slai)
    simulation = _simulation(client, django_capture_on_commit_callbacks, "orientations", "orientations_erreurs.csv")
    texte = _texte(client.get(reverse("parcours_imports:resultat", args=[simulation.pk])))
    assert "Colonne date_naissance : date « 31/02/1980 » inexistante" in texte
    assert "Télécharger les erreurs (CSV, 6 lignes)" in texte
    reponse = client.get(reverse("parcours_imports:erreurs", args=[simulation.pk]))
    assert reponse["Content-Type"].startswith("text/csv")
    lignes = reponse.content.decode("utf-8-sig").splitlines()
    assert lignes[0] == "ligne;type;reference;colonne;message"
    assert lignes[1] == "2;orientation;SI-0101;date_naissance;date « 31/02/1980 » inexistante"
    assert len(lignes) == 1 + 10  # 10 erreurs sur 6 lignes


def test_referent_importe_les_evenements(client, agent_slai, structure, django_capture_on_commit_callbacks):
    importer_fichier("orientations", "orientations.csv", agent_slai)
    referente = referent_de(structure)
    client.force_login(referente)
    assert "Événements des parcours" in _texte(client.get(URL))
    simulation = _simulation(client, django_capture_on_commit_callbacks, "evenements", "evenements.csv")
    assert not RendezVous.objects.exists()
    _appliquer(client, django_capture_on_commit_callbacks, simulation)
    assert RendezVous.objects.count() == 2
    # Même fichier une seconde fois : tout est inchangé, rien à appliquer.
    seconde = _simulation(client, django_capture_on_commit_callbacks, "evenements", "evenements.csv")
    assert seconde.resultat["compte"]["inchange"] == 11
    assert "Rien à appliquer" in _texte(client.get(reverse("parcours_imports:resultat", args=[seconde.pk])))


def test_referent_ne_depose_pas_d_orientations(client, referent, structure, django_capture_on_commit_callbacks):
    client.force_login(referent)
    reponse = _deposer(client, django_capture_on_commit_callbacks, "orientations", "orientations.csv")
    assert reponse.status_code == 200 and not TacheFond.objects.exists()
    assert "Sélectionnez un choix valide" in _texte(reponse)


def test_entete_faux_refuse_au_depot(client, agent_slai, django_capture_on_commit_callbacks):
    client.force_login(agent_slai)
    reponse = _deposer(client, django_capture_on_commit_callbacks, "orientations", "x.csv", b"a;b\n1;2\n")
    assert reponse.status_code == 200 and "colonne(s) manquante(s)" in _texte(reponse)
    reponse = _deposer(client, django_capture_on_commit_callbacks, "orientations", "x.pdf", b"%PDF-1.4 a;b")
    assert "Déposez un fichier texte CSV" in _texte(reponse)
    assert not TacheFond.objects.exists()


@pytest.mark.parametrize("role", ["porteur", "agent_finances"])
def test_roles_sans_acces(client, request, role):
    client.force_login(request.getfixturevalue(role))
    assert client.get(URL).status_code == 403


def test_rapport_d_un_autre_utilisateur_introuvable(client, agent_slai, structure, django_capture_on_commit_callbacks):
    client.force_login(agent_slai)
    simulation = _simulation(client, django_capture_on_commit_callbacks, "orientations", "orientations.csv")
    autre = UserFactory(role="slai", territoire=agent_slai.territoire, email="autre.slai@pasdecalais.test")
    client.force_login(autre)
    assert client.get(reverse("parcours_imports:resultat", args=[simulation.pk])).status_code == 404
    assert client.get(reverse("parcours_imports:erreurs", args=[simulation.pk])).status_code == 404
    assert client.post(reverse("parcours_imports:appliquer", args=[simulation.pk])).status_code == 404


def test_purge_des_fichiers_abandonnes(client, agent_slai, structure, django_capture_on_commit_callbacks):
    client.force_login(agent_slai)
    simulation = _simulation(client, django_capture_on_commit_callbacks, "orientations", "orientations.csv")
    chemin = Path(settings.MEDIA_ROOT) / simulation.parametres["chemin"]
    recent = Path(settings.MEDIA_ROOT) / import_taches.enregistrer_fichier([b"x"])
    il_y_a_31_jours = (timezone.now() - datetime.timedelta(days=31)).timestamp()
    os.utime(chemin, (il_y_a_31_jours, il_y_a_31_jours))
    assert import_taches.purger_fichiers() == [simulation.parametres["chemin"]]
    assert not chemin.exists() and recent.exists()
    assert not import_taches.applicable(simulation)
    texte = _texte(client.get(reverse("parcours_imports:resultat", args=[simulation.pk])))
    assert "Rien à appliquer" in texte
