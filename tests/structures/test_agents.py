"""Écrans agents : liste et fiche des structures, périmètre, consultation tracée, label Référent 62."""

import pytest
from django.urls import reverse

from aap.core.models import AuditLog
from aap.structures.models import FormeJuridique
from tests.factories import MembreFactory, StructureFactory, territoire
from tests.structures.factories import demande_minimale


LISTE = reverse("structures:agent_liste")


@pytest.fixture
def structures():
    return {
        "arras": StructureFactory(raison_sociale="Arras Insertion", territoire=territoire("arrageois")),
        "calais": StructureFactory(
            raison_sociale="Calais Emploi", territoire=territoire("calaisis"), forme_juridique=FormeJuridique.SIAE
        ),
        "lens": StructureFactory(raison_sociale="Lens Solidarité", territoire=territoire("lens-lievin"), sigle="LSO"),
    }


def noms(reponse) -> list[str]:
    return [s.raison_sociale for s in reponse.context["page"]]


@pytest.mark.parametrize("fixture", ["instructeur", "gestionnaire", "administrateur", "agent_finances"])
def test_dpid_et_finances_voient_toutes_les_structures(client, request, structures, fixture):
    client.force_login(request.getfixturevalue(fixture))
    assert noms(client.get(LISTE)) == ["Arras Insertion", "Calais Emploi", "Lens Solidarité"]


def test_slai_ne_voit_que_son_territoire(client, agent_slai, structures):
    client.force_login(agent_slai)
    assert noms(client.get(LISTE)) == ["Arras Insertion"]
    assert client.get(reverse("structures:agent_detail", args=[structures["calais"].pk])).status_code == 404
    assert client.get(reverse("structures:agent_detail", args=[structures["arras"].pk])).status_code == 200


def test_porteur_n_accede_pas_aux_ecrans_agents(client, porteur, structures):
    client.force_login(porteur)
    assert client.get(LISTE).status_code == 403
    assert client.get(reverse("structures:agent_detail", args=[structures["arras"].pk])).status_code == 403


def test_filtres_et_tri(client, instructeur, structures):
    client.force_login(instructeur)
    assert noms(client.get(LISTE, {"q": "calais"})) == ["Calais Emploi"]
    assert noms(client.get(LISTE, {"q": "lso"})) == ["Lens Solidarité"]
    siret = structures["arras"].siret
    assert noms(client.get(LISTE, {"q": f"{siret[:9]} {siret[9:]}"})) == ["Arras Insertion"]
    assert noms(client.get(LISTE, {"territoire": territoire("lens-lievin").pk})) == ["Lens Solidarité"]
    assert noms(client.get(LISTE, {"forme_juridique": "siae"})) == ["Calais Emploi"]
    assert noms(client.get(LISTE, {"tri": "-raison_sociale"})) == [
        "Lens Solidarité",
        "Calais Emploi",
        "Arras Insertion",
    ]
    demande_minimale(structures["lens"])
    demande_minimale(structures["lens"])
    demande_minimale(structures["calais"])
    demande_minimale(structures["arras"], statut="brouillon")  # les brouillons ne comptent pas pour les agents
    reponse = client.get(LISTE, {"tri": "-demandes"})
    assert noms(reponse)[:2] == ["Lens Solidarité", "Calais Emploi"]
    assert [s.nb_demandes for s in reponse.context["page"]] == [2, 1, 0]


def test_liste_paginee(client, instructeur):
    StructureFactory.create_batch(30)
    client.force_login(instructeur)
    page = client.get(LISTE).context["page"]
    assert len(page) == 25 and page.paginator.num_pages == 2
    assert 'aria-label="Pagination"' in client.get(LISTE).content.decode()


def test_fiche_agent_trace_la_consultation(client, instructeur, structure):
    demande_minimale(structure)
    client.force_login(instructeur)
    reponse = client.get(reverse("structures:agent_detail", args=[structure.pk]))
    contenu = reponse.content.decode()
    assert structure.raison_sociale in contenu and structure.iban not in contenu
    assert reponse.context["nb_demandes"] == 1
    assert "Membres" in contenu and "Pièces" in contenu
    entree = AuditLog.objects.get(action="consultation")
    assert entree.acteur == instructeur and entree.structure_id == structure.pk
    client.get(reverse("structures:agent_detail", args=[structure.pk]))
    assert AuditLog.objects.filter(action="consultation").count() == 2  # chaque consultation


def test_la_liste_ne_trace_pas_de_consultation(client, instructeur, structures):
    client.force_login(instructeur)
    client.get(LISTE)
    assert not AuditLog.objects.filter(action="consultation").exists()


def test_label_referent_62_par_un_agent_dpid(client, gestionnaire, structure):
    structure.label_referent_62 = False
    structure.save()
    client.force_login(gestionnaire)
    url = reverse("structures:agent_label", args=[structure.pk])
    client.post(url, {"label_referent_62": "on"})
    structure.refresh_from_db()
    assert structure.label_referent_62
    entree = AuditLog.objects.get(action="structure.label_referent_62")
    assert entree.acteur == gestionnaire and entree.details == {"de": False, "vers": True}
    client.post(url, {})
    structure.refresh_from_db()
    assert not structure.label_referent_62
    assert AuditLog.objects.filter(action="structure.label_referent_62").count() == 2


@pytest.mark.parametrize("fixture", ["agent_slai", "agent_finances"])
def test_label_interdit_aux_autres_agents(client, request, structure, fixture):
    structure.label_referent_62 = False
    structure.save()
    agent = request.getfixturevalue(fixture)
    client.force_login(agent)
    assert (
        client.post(reverse("structures:agent_label", args=[structure.pk]), {"label_referent_62": "on"}).status_code
        == 403
    )
    structure.refresh_from_db()
    assert not structure.label_referent_62
    assert (
        "Enregistrer le label"
        not in client.get(reverse("structures:agent_detail", args=[structure.pk])).content.decode()
    )


def test_fiche_signale_l_absence_de_representant_legal(client, instructeur):
    structure = StructureFactory()
    MembreFactory(structure=structure, role="gestionnaire")
    client.force_login(instructeur)
    contenu = client.get(reverse("structures:agent_detail", args=[structure.pk])).content.decode()
    assert "Aucun représentant légal" in contenu and "Désigner représentant légal" in contenu
