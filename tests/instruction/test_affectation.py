"""Affectation des demandes reçues à un instructeur : une par une ou par sélection filtrée, par la DPID."""

import pytest
from django.core.exceptions import PermissionDenied

from aap.core.models import AuditLog, Role
from aap.demandes.choix import StatutDemande
from aap.demandes.models import Demande
from aap.instruction.models import Affectation
from aap.instruction.services import InstructionImpossible, affecter
from tests.demandes.factories import DemandeFactory
from tests.factories import UserFactory


@pytest.fixture
def demandes():
    return {
        "arras": DemandeFactory(statut=StatutDemande.VALIDEE, territoires=["arrageois"]),
        "calais": DemandeFactory(statut=StatutDemande.VALIDEE, territoires=["calaisis"]),
        "brouillon": DemandeFactory(statut=StatutDemande.BROUILLON, territoires=["arrageois"]),
    }


def test_affecter_puis_reaffecter(demandes, gestionnaire, instructeur):
    autre = UserFactory(role=Role.INSTRUCTEUR)
    assert affecter(Demande.objects.all(), instructeur, gestionnaire) == 2  # jamais les brouillons
    assert not Affectation.objects.filter(demande=demandes["brouillon"]).exists()
    assert affecter(Demande.objects.all(), instructeur, gestionnaire) == 0  # déjà affectées à lui : rien
    assert affecter(Demande.objects.filter(pk=demandes["calais"].pk), autre, gestionnaire) == 1
    assert demandes["calais"].affectation.instructeur == autre
    entree = AuditLog.objects.for_object(demandes["calais"]).filter(action="instruction.affecter").latest("pk")
    assert entree.details["precedent"] == str(instructeur) and entree.details["instructeur"] == str(autre)


def test_refus(demandes, instructeur, agent_slai, gestionnaire):
    with pytest.raises(PermissionDenied):
        affecter(Demande.objects.all(), instructeur, agent_slai)
    with pytest.raises(InstructionImpossible):
        affecter(Demande.objects.all(), gestionnaire, gestionnaire)  # pas un instructeur
    assert not Affectation.objects.exists()


def test_par_l_interface(client, demandes, gestionnaire, instructeur, agent_slai):
    client.force_login(gestionnaire)
    liste = client.get("/demandes/agents/").content.decode()
    assert "Affecter les 2 demandes de la sélection" in liste
    territoire = demandes["arras"].territoires.get()
    reponse = client.post(
        "/instruction/demandes/affecter/", {"territoire": territoire.pk, "instructeur": instructeur.pk}
    )
    assert reponse.status_code == 302 and f"territoire={territoire.pk}" in reponse.url
    assert list(Affectation.objects.values_list("demande", flat=True)) == [demandes["arras"].pk]
    fiche = client.get(f"/demandes/{demandes['arras'].pk}/").content.decode()
    assert "Instructeur : <strong>" in fiche and "Réaffecter" in fiche
    client.force_login(agent_slai)
    assert "Affecter les" not in client.get("/demandes/agents/").content.decode()
    url = f"/instruction/demandes/{demandes['arras'].pk}/affecter/"
    assert client.post(url, {"instructeur": instructeur.pk}).status_code == 403
    client.force_login(gestionnaire)
    assert client.post(f"/instruction/demandes/{demandes['brouillon'].pk}/affecter/", {}).status_code == 404
