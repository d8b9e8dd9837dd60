from django.urls import reverse

from aap.core.models import AuditLog
from aap.structures.models import Structure
from tests.factories import MembreFactory, StructureFactory, territoire


def test_le_porteur_ne_voit_que_ses_structures(api_de, porteur, autre_porteur):
    sienne = Structure.objects.for_user(porteur).get()
    autre = Structure.objects.for_user(autre_porteur).get()
    client = api_de(porteur)

    liste = client.get(reverse("api:structure-list")).json()
    assert [s["id"] for s in liste["results"]] == [sienne.pk]
    assert liste["results"][0]["territoire"]["code"] == "arrageois"

    assert client.get(reverse("api:structure-detail", args=[sienne.pk])).status_code == 200
    assert client.get(reverse("api:structure-detail", args=[autre.pk])).status_code == 404
    # La lecture par le porteur n'est pas une consultation d'agent : rien au journal.
    assert not AuditLog.objects.filter(action="consultation").exists()


def test_membre_inactif_ne_voit_plus_la_structure(api_de):
    membre = MembreFactory(actif=False)
    client = api_de(membre.user)
    assert client.get(reverse("api:structure-list")).json()["count"] == 0
    assert client.get(reverse("api:structure-detail", args=[membre.structure_id])).status_code == 404


def test_agent_lit_toutes_les_structures_et_la_consultation_est_journalisee(api_de, instructeur, porteur):
    StructureFactory(territoire=territoire("calaisis"))
    structure = Structure.objects.for_user(porteur).get()
    client = api_de(instructeur)
    assert client.get(reverse("api:structure-list")).json()["count"] == 2
    assert not AuditLog.objects.filter(action="consultation").exists()

    reponse = client.get(reverse("api:structure-detail", args=[structure.pk]))
    assert reponse.status_code == 200
    assert reponse.json()["siret"] == structure.siret
    assert reponse.json()["iban_masque"].endswith(structure.iban[-4:])
    assert structure.iban not in reponse.content.decode().replace(" ", "")
    entree = AuditLog.objects.get(action="consultation")
    assert entree.acteur == instructeur and entree.structure_id == structure.pk


def test_agent_slai_limite_a_son_territoire(api_de, agent_slai):
    arras = StructureFactory(territoire=territoire("arrageois"))
    calais = StructureFactory(territoire=territoire("calaisis"))
    client = api_de(agent_slai)
    assert [s["id"] for s in client.get(reverse("api:structure-list")).json()["results"]] == [arras.pk]
    assert client.get(reverse("api:structure-detail", args=[calais.pk])).status_code == 404
    assert not AuditLog.objects.filter(action="consultation").exists()


def test_filtres_des_structures(api_de, gestionnaire):
    a = StructureFactory(raison_sociale="Atelier du Ternois", territoire=territoire("ternois"))
    StructureFactory(raison_sociale="Bouchons solidaires", territoire=territoire("calaisis"))
    client = api_de(gestionnaire)
    url = reverse("api:structure-list")
    assert [s["id"] for s in client.get(url, {"q": "atelier"}).json()["results"]] == [a.pk]
    assert [s["id"] for s in client.get(url, {"territoire": territoire("ternois").pk}).json()["results"]] == [a.pk]
    assert [s["id"] for s in client.get(url, {"q": a.siret}).json()["results"]] == [a.pk]
    erreur = client.get(url, {"territoire": "abc"})
    assert erreur.status_code == 400
    assert "entier" in erreur.json()["territoire"]
