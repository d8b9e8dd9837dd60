"""Avis du SLAI : un par territoire concerné, motivé, tracé ; les autres ne peuvent pas le donner."""

import pytest
from django.core.exceptions import PermissionDenied

from aap.core.models import AuditLog, Role
from aap.demandes.choix import StatutDemande
from aap.instruction.models import Avis, AvisSlai
from aap.instruction.services import InstructionImpossible, donner_avis_slai
from tests.demandes.factories import DemandeFactory
from tests.factories import UserFactory, territoire


@pytest.fixture
def demande():
    return DemandeFactory(statut=StatutDemande.VALIDEE, territoires=["arrageois", "ternois"], budget=True)


def test_le_slai_du_territoire_donne_puis_modifie_son_avis(demande, agent_slai):
    donner_avis_slai(demande, agent_slai, Avis.RESERVE, "Offre déjà dense sur Arras.")
    avis = donner_avis_slai(demande, agent_slai, Avis.FAVORABLE, "Après échange : besoin confirmé.")
    assert AvisSlai.objects.get() == avis
    assert avis.avis == Avis.FAVORABLE and avis.territoire.code == "arrageois" and avis.auteur == agent_slai
    journal = AuditLog.objects.for_object(demande).filter(action="instruction.avis_slai")
    assert [e.details["avis"] for e in journal.order_by("pk")] == ["Réservé", "Favorable"]


def test_refus(demande, agent_slai, instructeur):
    autre = UserFactory(role=Role.SLAI, territoire=territoire("calaisis"))
    with pytest.raises(PermissionDenied):
        donner_avis_slai(demande, autre, Avis.FAVORABLE, "Hors territoire.")
    with pytest.raises(PermissionDenied):
        donner_avis_slai(demande, instructeur, Avis.FAVORABLE, "Pas un SLAI.")
    with pytest.raises(InstructionImpossible, match="Motivez"):
        donner_avis_slai(demande, agent_slai, Avis.FAVORABLE, "   ")
    demande.statut = StatutDemande.DEPOSEE
    demande.save()
    with pytest.raises(InstructionImpossible, match="validée"):
        donner_avis_slai(demande, agent_slai, Avis.FAVORABLE, "Trop tôt.")
    assert not AvisSlai.objects.exists()


def test_par_l_interface(client, demande, agent_slai, instructeur, porteur):
    url = f"/instruction/demandes/{demande.pk}/avis-slai/"
    client.force_login(agent_slai)
    page = client.get(f"/demandes/{demande.pk}/").content.decode()
    assert "Votre avis (Arrageois)" in page and "Avis attendus : Arrageois, Ternois." in page
    reponse = client.post(url, {"avis": "defavorable", "commentaire": "Pas d'ancrage local."})
    assert reponse.status_code == 302 and AvisSlai.objects.get().avis == Avis.DEFAVORABLE
    client.force_login(instructeur)
    page = client.get(f"/demandes/{demande.pk}/").content.decode()
    assert "Pas d&#x27;ancrage local." in page and "Avis attendu : Ternois." in page and "Votre avis" not in page
    assert "Avis du SLAI</strong>" in page or "Avis du SLAI<" in page
    assert client.post(url, {"avis": "favorable", "commentaire": "x"}).status_code == 403
    client.force_login(porteur)
    assert client.post(url, {"avis": "favorable", "commentaire": "x"}).status_code == 403
    client.force_login(UserFactory(role=Role.SLAI, territoire=territoire("calaisis")))
    assert client.post(url, {"avis": "favorable", "commentaire": "x"}).status_code == 404
