"""Périmètre : une convention hors du périmètre de l'utilisateur (`Convention.objects.for_user`) n'existe pas
pour lui (404), sur la fiche, les téléchargements, les actions et les avenants ; la liste ne la montre pas."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from aap.conventions.avenants import demander_avenant
from aap.conventions.models import Convention, StatutConvention, TypeAvenant
from aap.structures.fichiers import DOCX, PDF, contenu_de_test
from aap.structures.models import Membre, RoleMembre
from tests.conventions.factories import fabriquer_convention, inscription_approuvee
from tests.factories import MembreFactory, StructureFactory, UserFactory, territoire


@pytest.fixture
def convention(porteur) -> Convention:
    """Convention signée de la structure du porteur (Arrageois), avec ses documents et un avenant demandé."""
    convention = fabriquer_convention(
        structure=Membre.objects.get(user=porteur).structure, statut=StatutConvention.SIGNEE
    )
    convention.fichier.save("c.docx", ContentFile(contenu_de_test(DOCX)), save=False)
    convention.fichier_signe_structure.save("c.pdf", ContentFile(contenu_de_test(PDF)), save=False)
    convention.save()
    demander_avenant(
        convention,
        porteur,
        type=TypeAvenant.FINANCIER,
        motif="Baisse d'activité.",
        montants={convention.operations.get().pk: Decimal("9000.00")},
    )
    return convention


def urls(convention: Convention) -> list[str]:
    avenant = convention.avenants.get()
    return [
        reverse("conventions:detail", args=[convention.pk]),
        reverse("conventions:telecharger_convention", args=[convention.pk]),
        reverse("conventions:telecharger_signee", args=[convention.pk]),
        reverse("conventions:avenant", args=[avenant.pk]),
        reverse("conventions:telecharger_avenant", args=[avenant.pk]),  # pas encore signé : 404 pour tous
    ]


def test_dans_le_perimetre(client, convention, porteur, gestionnaire, agent_slai, agent_finances):
    for user in (porteur, gestionnaire, agent_slai, agent_finances):
        client.force_login(user)
        codes = [client.get(url).status_code for url in urls(convention)]
        assert codes == [200, 200, 200, 200, 404], user


def test_un_lecteur_de_la_structure_voit_sans_agir(client, convention):
    lecteur = MembreFactory(structure=convention.structure, role=RoleMembre.LECTEUR).user
    client.force_login(lecteur)
    reponse = client.get(reverse("conventions:detail", args=[convention.pk]))
    assert reponse.status_code == 200
    assert reponse.context["actions"] == set()


def test_porteur_d_une_autre_structure_404(client, convention, autre_porteur):
    client.force_login(autre_porteur)
    assert [client.get(url).status_code for url in urls(convention)] == [404] * 5
    avenant = convention.avenants.get()
    posts = [
        reverse("conventions:deposer_signature", args=[convention.pk]),
        reverse("conventions:avenant_demander", args=[convention.pk]),
    ]
    assert [client.post(url).status_code for url in posts] == [404, 404]
    assert client.get(reverse("conventions:mes_conventions")).context["conventions"] == []
    assert client.post(reverse("conventions:avenant_decider", args=[avenant.pk])).status_code == 403  # rôle


def test_membre_inactif_404(client, convention, porteur):
    Membre.objects.filter(user=porteur).update(actif=False)
    client.force_login(porteur)
    assert client.get(reverse("conventions:detail", args=[convention.pk])).status_code == 404


def test_slai_d_un_autre_territoire_404(client, convention):
    slai_calaisis = UserFactory(role="slai", territoire=territoire("calaisis"))
    client.force_login(slai_calaisis)
    assert [client.get(url).status_code for url in urls(convention)] == [404] * 5
    assert convention.numero not in client.get(reverse("conventions:liste")).content.decode()


def test_slai_voit_les_conventions_dont_une_operation_touche_son_territoire(client):
    structure = StructureFactory()  # siège dans l'Arrageois, opération dans le Calaisis
    convention = fabriquer_convention(
        inscriptions=[inscription_approuvee(structure, Decimal("500.00"), territoires=["calaisis"])]
    )
    client.force_login(UserFactory(role="slai", territoire=territoire("calaisis")))
    assert client.get(reverse("conventions:detail", args=[convention.pk])).status_code == 200
    page = client.get(reverse("conventions:liste")).context["page"]
    assert [c.pk for c in page] == [convention.pk]


@pytest.mark.parametrize("nom", ["envoyer", "signer_departement", "resilier"])
def test_agent_dpid_action_sur_convention_inexistante_404(nom, client, gestionnaire):
    client.force_login(gestionnaire)
    assert client.post(reverse(f"conventions:{nom}", args=[999999])).status_code == 404
