"""Gestion des membres par le représentant légal ; invariant « un seul représentant légal actif »."""

import re

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from aap.core.models import AuditLog, User
from aap.structures import membres
from aap.structures.droits import ErreurStructure
from aap.structures.models import Membre, RoleMembre
from tests.factories import MembreFactory, StructureFactory, UserFactory
from tests.structures.conftest import membre


def representants_actifs(structure):
    return Membre.objects.filter(structure=structure, actif=True, role=RoleMembre.REPRESENTANT_LEGAL)


def test_ajout_d_un_membre_cree_le_compte_et_envoie_le_lien(
    client, porteur, structure, settings, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "http://testserver"
    client.force_login(porteur)
    url = reverse("structures:membres", args=[structure.pk])
    with django_capture_on_commit_callbacks(execute=True):
        reponse = client.post(url, {"email": "Nouveau@Exemple.fr", "prenom": "Léa", "nom": "Petit", "role": "lecteur"})
    assert reponse.status_code == 302
    user = User.objects.get(email="nouveau@exemple.fr")
    assert not user.has_usable_password()
    assert membre(user, structure).role == RoleMembre.LECTEUR
    assert mail.outbox[0].to == ["nouveau@exemple.fr"]
    lien = re.search(r"http://testserver(/mot-de-passe/definir/\S+/)", mail.outbox[0].body).group(1)
    assert "Choisir votre mot de passe" in client.get(lien, follow=True).content.decode()
    assert AuditLog.objects.filter(action="membre.ajouter", acteur=porteur).exists()
    assert AuditLog.objects.filter(action="compte.creer", acteur=porteur).exists()


def test_ajout_d_un_compte_existant_le_reutilise(
    porteur, structure, autre_porteur, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        m = membres.ajouter_membre(
            structure, porteur, email=autre_porteur.email, prenom="x", nom="y", role=RoleMembre.GESTIONNAIRE
        )
    assert m.user == autre_porteur and autre_porteur.adhesions.count() == 2
    assert "mot de passe habituel" in mail.outbox[0].body
    with pytest.raises(ErreurStructure, match="déjà membre"):
        membres.ajouter_membre(structure, porteur, email=autre_porteur.email, prenom="x", nom="y", role="lecteur")


def test_un_agent_ne_peut_pas_etre_membre(porteur, structure, instructeur):
    with pytest.raises(ErreurStructure, match="compte agent"):
        membres.ajouter_membre(structure, porteur, email=instructeur.email, prenom="a", nom="b", role="gestionnaire")


def test_seul_le_representant_legal_gere_les_membres(client, gestionnaire_structure, lecteur, structure):
    with pytest.raises(PermissionDenied):
        membres.ajouter_membre(
            structure, gestionnaire_structure, email="x@exemple.fr", prenom="a", nom="b", role="lecteur"
        )
    with pytest.raises(PermissionDenied):
        membres.desactiver_membre(membre(lecteur, structure), gestionnaire_structure)
    client.force_login(gestionnaire_structure)
    assert client.get(reverse("structures:membres", args=[structure.pk])).status_code == 403
    url = reverse("structures:membre_role", args=[structure.pk, membre(lecteur, structure).pk])
    assert client.post(url, {"role": "gestionnaire"}).status_code == 403
    assert membre(lecteur, structure).role == RoleMembre.LECTEUR


def test_changer_le_role_d_un_membre(client, porteur, lecteur, structure):
    client.force_login(porteur)
    m = membre(lecteur, structure)
    client.post(reverse("structures:membre_role", args=[structure.pk, m.pk]), {"role": "gestionnaire"})
    m.refresh_from_db()
    assert m.role == RoleMembre.GESTIONNAIRE
    entree = AuditLog.objects.for_object(m).get(action="membre.changer_role")
    assert entree.details == {"de": "lecteur", "vers": "gestionnaire"}


def test_transfert_de_la_representation_legale(porteur, gestionnaire_structure, structure):
    m = membres.changer_role(membre(gestionnaire_structure, structure), porteur, RoleMembre.REPRESENTANT_LEGAL)
    assert m.role == RoleMembre.REPRESENTANT_LEGAL
    assert membre(porteur, structure).role == RoleMembre.GESTIONNAIRE
    assert list(representants_actifs(structure)) == [m]


def test_le_representant_ne_peut_ni_se_retirer_ni_changer_son_role(client, porteur, structure):
    moi = membre(porteur, structure)
    with pytest.raises(ErreurStructure, match="transférez"):
        membres.desactiver_membre(moi, porteur)
    with pytest.raises(ErreurStructure, match="propre rôle"):
        membres.changer_role(moi, porteur, RoleMembre.LECTEUR)
    client.force_login(porteur)
    reponse = client.post(reverse("structures:membre_desactiver", args=[structure.pk, moi.pk]), follow=True)
    assert "transférez d&#x27;abord" in reponse.content.decode()
    assert list(representants_actifs(structure)) == [membre(porteur, structure)]


def test_desactiver_puis_reajouter(client, porteur, lecteur, structure):
    client.force_login(porteur)
    m = membre(lecteur, structure)
    client.post(reverse("structures:membre_desactiver", args=[structure.pk, m.pk]))
    m.refresh_from_db()
    assert not m.actif
    assert AuditLog.objects.filter(action="membre.desactiver", acteur=porteur).exists()
    client.force_login(lecteur)
    assert client.get(reverse("structures:profil", args=[structure.pk])).status_code == 404
    m = membres.ajouter_membre(structure, porteur, email=lecteur.email, prenom="", nom="", role="gestionnaire")
    assert m.actif and m.role == RoleMembre.GESTIONNAIRE


def test_membre_d_une_autre_structure_introuvable(client, porteur, structure):
    etranger = MembreFactory(structure=StructureFactory(), role=RoleMembre.GESTIONNAIRE)
    client.force_login(porteur)
    url = reverse("structures:membre_desactiver", args=[structure.pk, etranger.pk])
    assert client.post(url).status_code == 404
    etranger.refresh_from_db()
    assert etranger.actif


def test_agent_dpid_designe_le_representant_legal(client, instructeur, agent_slai):
    structure = StructureFactory()
    m = MembreFactory(structure=structure, user=UserFactory(), role=RoleMembre.GESTIONNAIRE)
    url = reverse("structures:agent_representant", args=[structure.pk, m.pk])
    client.force_login(agent_slai)
    assert client.post(url).status_code == 403
    client.force_login(instructeur)
    client.post(url)
    m.refresh_from_db()
    assert m.role == RoleMembre.REPRESENTANT_LEGAL
    autre = MembreFactory(structure=structure, user=UserFactory(), role=RoleMembre.LECTEUR)
    membres.designer_representant_legal(autre, instructeur)
    m.refresh_from_db()
    assert m.role == RoleMembre.GESTIONNAIRE and list(representants_actifs(structure)) == [autre]


def test_page_membres_du_representant(client, porteur, lecteur, structure):
    client.force_login(porteur)
    contenu = client.get(reverse("structures:membres", args=[structure.pk])).content.decode()
    assert lecteur.email in contenu and "Retirer l'accès" in contenu and "(vous)" in contenu
