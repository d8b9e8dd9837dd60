"""API : une demande importée d'un tableau de propositions n'a pas de session (`session: null`) et ne s'écrit pas."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from aap.catalogue.models import Dispositif
from aap.demandes.choix import StatutDemande
from aap.demandes.models import Demande
from aap.structures.models import Structure
from tests.demandes.factories import DemandeFactory


@pytest.fixture
def importee(catalogue_2026, porteur, administrateur):
    return DemandeFactory(
        reference="IMP2026-1.3-0123456789AB",
        statut=StatutDemande.VALIDEE,
        structure=Structure.objects.for_user(porteur).get(),
        session=None,
        dispositif=Dispositif.objects.get(edition=catalogue_2026, code="1.3"),
        date_debut=datetime.date(2026, 1, 1),
        date_fin=datetime.date(2026, 12, 31),
        cree_par=administrateur,
        validee_le=timezone.now(),
    )


def test_session_nulle_en_lecture(api_de, porteur, instructeur, importee):
    for user in (porteur, instructeur):
        client = api_de(user)
        detail = client.get(reverse("api:demande-detail", args=[importee.pk]))
        assert detail.status_code == 200
        assert detail.json()["session"] is None
        liste = client.get(reverse("api:demande-list")).json()
        lignes = liste["results"] if isinstance(liste, dict) else liste
        assert [d["session"] for d in lignes if d["id"] == importee.pk] == [None]


def test_ecritures_du_porteur_refusees(api_de, porteur, importee):
    client = api_de(porteur)
    modification = client.patch(reverse("api:demande-detail", args=[importee.pk]), {"intitule": "Autre"})
    assert modification.status_code == 400
    assert "hors portail" in modification.json()["detail"]
    assert "elle ne peut pas être modifiée en ligne" in modification.json()["detail"]
    depot = client.post(reverse("api:demande-deposer", args=[importee.pk]))
    assert depot.status_code == 400 and "elle ne peut pas être déposée en ligne" in depot.json()["detail"]
    budget = client.put(
        reverse("api:demande-budget", args=[importee.pk]), {"depenses": [], "ressources": []}, format="json"
    )
    assert budget.status_code == 400 and "hors portail" in budget.json()["detail"]
    importee.refresh_from_db()
    assert importee.intitule != "Autre" and importee.statut == StatutDemande.VALIDEE


def test_pas_de_plan_calcule_sans_fiche(api_de, instructeur, importee):
    reponse = api_de(instructeur).get(reverse("api:demande-budget", args=[importee.pk]))
    assert reponse.status_code == 404
    assert "hors portail" in reponse.json()["detail"]
    assert Demande.objects.get(pk=importee.pk).dispositif.fiche is None
