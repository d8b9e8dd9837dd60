"""Lecture des demandes par les agents : périmètre (SLAI), filtres, journal des consultations, rôle."""

import pytest
from django.urls import reverse

from aap.core.models import AuditLog
from tests.demandes.factories import DemandeFactory, DispositifFactory, SessionAppelFactory
from tests.factories import StructureFactory, territoire


@pytest.fixture
def demandes():
    """Une brouillon, une déposée à Arras, une validée à Calais (et aussi à Arras), une validée à Lens."""
    arras = StructureFactory(territoire=territoire("arrageois"))
    calais = StructureFactory(territoire=territoire("calaisis"))
    autre_session = SessionAppelFactory(dispositif=DispositifFactory())
    return {
        "brouillon": DemandeFactory(structure=arras),
        "deposee": DemandeFactory(structure=arras, statut="deposee", montant_demande="1000.00"),
        "validee_calais": DemandeFactory(
            structure=calais, statut="validee", territoires=["calaisis", "arrageois"], montant_demande="5000.00"
        ),
        "validee_lens": DemandeFactory(
            structure=calais, statut="validee", territoires=["lens-lievin"], session=autre_session,
            montant_demande="3000.00",
        ),
    }  # fmt: skip


def _ids(reponse):
    assert reponse.status_code == 200, reponse.json()
    return [d["id"] for d in reponse.json()["results"]]


@pytest.mark.parametrize("role", ["instructeur", "gestionnaire", "agent_finances", "administrateur"])
def test_les_agents_voient_les_demandes_transmises_jamais_les_brouillons(request, api_de, demandes, role):
    client = api_de(request.getfixturevalue(role))
    ids = set(_ids(client.get(reverse("api:demande-list"))))
    assert ids == {demandes["deposee"].pk, demandes["validee_calais"].pk, demandes["validee_lens"].pk}
    assert client.get(reverse("api:demande-detail", args=[demandes["brouillon"].pk])).status_code == 404


def test_filtres_et_tri_de_la_liste(api_de, instructeur, demandes):
    client = api_de(instructeur)
    url = reverse("api:demande-list")
    d = demandes
    assert _ids(client.get(url, {"statut": "validee", "tri": "-montant_demande"})) == [
        d["validee_calais"].pk,
        d["validee_lens"].pk,
    ]
    assert _ids(client.get(url, {"territoire": territoire("arrageois").pk, "tri": "montant_demande"})) == [
        d["deposee"].pk,
        d["validee_calais"].pk,
    ]
    assert _ids(client.get(url, {"dispositif": d["validee_lens"].dispositif_id})) == [d["validee_lens"].pk]
    assert set(_ids(client.get(url, {"structure": d["deposee"].structure_id}))) == {d["deposee"].pk}
    assert len(_ids(client.get(url, {"edition": 2026}))) == 3
    assert _ids(client.get(url, {"edition": 2025})) == []
    assert client.get(url, {"dispositif": "abc"}).status_code == 400
    assert _ids(client.get(url, {"q": d["validee_lens"].reference})) == [d["validee_lens"].pk]
    assert set(_ids(client.get(url, {"q": d["deposee"].structure.siret}))) == {d["deposee"].pk}


def test_consultation_d_une_demande_journalisee(api_de, instructeur, demandes):
    demande = demandes["validee_calais"]
    client = api_de(instructeur)
    client.get(reverse("api:demande-list"))
    assert not AuditLog.objects.filter(action="consultation").exists()

    reponse = client.get(reverse("api:demande-detail", args=[demande.pk]))
    assert reponse.status_code == 200
    assert reponse.json()["reference"] == demande.reference
    entree = AuditLog.objects.get(action="consultation")
    assert entree.acteur == instructeur
    assert entree.cible_id == str(demande.pk) and entree.structure_id == demande.structure_id

    plan = client.get(reverse("api:demande-budget", args=[demande.pk]))
    assert plan.status_code == 200
    assert AuditLog.objects.filter(action="consultation").count() == 2


def test_agent_slai_limite_a_son_territoire(api_de, agent_slai, demandes):
    client = api_de(agent_slai)  # SLAI de l'Arrageois
    assert set(_ids(client.get(reverse("api:demande-list")))) == {
        demandes["deposee"].pk,
        demandes["validee_calais"].pk,  # structure calaisienne, mais l'Arrageois est concerné
    }
    assert client.get(reverse("api:demande-detail", args=[demandes["validee_lens"].pk])).status_code == 404
    assert client.get(reverse("api:demande-budget", args=[demandes["validee_lens"].pk])).status_code == 404
    assert not AuditLog.objects.filter(action="consultation").exists()


def test_les_agents_ne_peuvent_pas_ecrire_403(api_de, instructeur, demandes):
    client = api_de(instructeur)
    deposee = demandes["deposee"]
    creation = client.post(
        reverse("api:demande-list"),
        {"structure": deposee.structure_id, "session": deposee.session_id, "intitule": "Non",
         "territoires": [territoire("arrageois").pk]},
        format="json",
    )  # fmt: skip
    assert creation.status_code == 403
    assert creation.json()["detail"] == "Seuls les porteurs de projet peuvent créer ou modifier une demande."
    assert client.patch(reverse("api:demande-detail", args=[deposee.pk]), {"intitule": "Non"}).status_code == 403
    assert client.post(reverse("api:demande-valider", args=[deposee.pk])).status_code == 403
    assert client.post(reverse("api:demande-deposer", args=[demandes["brouillon"].pk])).status_code == 403
    assert (
        client.put(reverse("api:demande-budget", args=[deposee.pk]), {"depenses": [], "ressources": []}).status_code
        == 403
    )
    deposee.refresh_from_db()
    assert deposee.intitule != "Non"


def test_anonyme_401(api, demandes):
    assert api.get(reverse("api:demande-list")).status_code == 401
    assert api.get(reverse("api:demande-detail", args=[demandes["deposee"].pk])).status_code == 401


def test_liste_en_nombre_de_requetes_constant(api_de, instructeur, django_assert_max_num_queries):
    for _ in range(12):
        DemandeFactory(statut="validee", territoires=["arrageois", "ternois"])
    client = api_de(instructeur)
    # Jeton, comptage, page, territoires de la page : rien par demande.
    with django_assert_max_num_queries(5):
        reponse = client.get(reverse("api:demande-list"))
    assert reponse.json()["count"] == 12
    assert {t["code"] for t in reponse.json()["results"][0]["territoires"]} == {"arrageois", "ternois"}
