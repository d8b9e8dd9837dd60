"""Pages des parcours par rôle (200 / 403 / 404), liste filtrée et triée, fiche d'une personne (consultation
journalisée, échéances lues dans la fiche du dispositif), menu."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.urls import reverse

from aap.core.models import AuditLog
from aap.parcours import choices as c
from aap.parcours import menu
from tests.factories import StructureFactory, UserFactory, territoire
from tests.parcours.factories import (
    ActionFactory,
    ContratFactory,
    OrientationFactory,
    PersonneFactory,
    RendezVousFactory,
    SortieFactory,
    a_paris,
)


pytestmark = pytest.mark.usefixtures("catalogue_2026")


def structure_de(user):
    return user.adhesions.get().structure


@pytest.fixture
def orientation(referent):
    return OrientationFactory(structure=structure_de(referent))


@pytest.fixture
def ailleurs():
    """Une orientation vers une autre structure, dans un autre territoire (Calaisis)."""
    personne = PersonneFactory(territoire=territoire("calaisis"))
    return OrientationFactory(personne=personne, structure=StructureFactory(territoire=territoire("calaisis")))


def consultations(personne) -> int:
    return AuditLog.objects.for_object(personne).count()


def test_liste_par_role(client, orientation, ailleurs, referent, agent_slai, instructeur, porteur, agent_finances):
    url = reverse("parcours:liste")
    client.force_login(referent)
    page = client.get(url)
    assert page.status_code == 200
    assert str(orientation.personne) in page.text and str(ailleurs.personne) not in page.text
    assert "Orienter une personne" not in page.text
    client.force_login(agent_slai)
    page = client.get(url)
    assert page.status_code == 200 and str(orientation.personne) in page.text
    assert str(ailleurs.personne) not in page.text and "Orienter une personne" in page.text
    client.force_login(instructeur)
    page = client.get(url)
    assert str(orientation.personne) in page.text and str(ailleurs.personne) in page.text
    for autre in (porteur, agent_finances):
        client.force_login(autre)
        assert client.get(url).status_code == 403
    client.logout()
    assert client.get(url).status_code == 302


def test_liste_filtres_tri_et_statuts(client, referent):
    structure = structure_de(referent)
    attente = OrientationFactory(structure=structure, personne__nom="Attente")
    signe = OrientationFactory(structure=structure, personne__nom="Signataire")
    ContratFactory(orientation=signe)
    sorti = OrientationFactory(structure=structure, personne__nom="Sortant", personne__numero_allocataire="7654321")
    SortieFactory(orientation=sorti, date_sortie=datetime.date(2026, 6, 1))
    client.force_login(referent)
    url = reverse("parcours:liste")
    page = client.get(url).text
    assert "En attente du 1er RDV" in page and "CE signé" in page and "Sorti le 01/06/2026" in page
    en_cours = client.get(url, {"statut": "en_cours"}).text
    assert "ATTENTE" in en_cours and "SORTANT" not in en_cours
    sortis = client.get(url, {"statut": "sortis"}).text
    assert "SORTANT" in sortis and "ATTENTE" not in sortis
    recherche = client.get(url, {"q": "7654321"}).text
    assert "SORTANT" in recherche and "SIGNATAIRE" not in recherche
    assert "ATTENTE" in client.get(url, {"q": "attEN"}).text
    tri = client.get(url, {"tri": "nom"}).text
    assert tri.index("ATTENTE") < tri.index("SIGNATAIRE") < tri.index("SORTANT")
    tri = client.get(url, {"tri": "-nom"}).text
    assert tri.index("SORTANT") < tri.index("SIGNATAIRE") < tri.index("ATTENTE")
    assert "ATTENTE" not in client.get(url, {"parcours": "accueil_dsp"}).text
    assert attente.pk


def test_liste_filtre_structure_pour_les_agents(client, instructeur, orientation, ailleurs):
    client.force_login(instructeur)
    page = client.get(reverse("parcours:liste"), {"structure": ailleurs.structure_id})
    assert str(ailleurs.personne) in page.text and str(orientation.personne) not in page.text


def test_fiche_personne_par_role_et_portee(client, orientation, ailleurs, referent, agent_slai, instructeur, porteur):
    url = reverse("parcours:personne", args=[orientation.personne_id])
    url_ailleurs = reverse("parcours:personne", args=[ailleurs.personne_id])
    for user in (referent, agent_slai, instructeur):
        client.force_login(user)
        assert client.get(url).status_code == 200
    for user in (referent, agent_slai):
        client.force_login(user)
        assert client.get(url_ailleurs).status_code == 404
    client.force_login(porteur)
    assert client.get(url).status_code == 403


def test_chaque_ouverture_de_la_fiche_est_journalisee(client, orientation, referent, agent_slai):
    personne = orientation.personne
    url = reverse("parcours:personne", args=[personne.pk])
    avant = consultations(personne)
    client.force_login(referent)
    client.get(url)
    client.get(url)
    client.force_login(agent_slai)
    client.get(url)
    assert consultations(personne) == avant + 3
    assert set(AuditLog.objects.for_object(personne).values_list("acteur", flat=True)) >= {referent.pk, agent_slai.pk}


def test_404_hors_portee_n_est_pas_journalise(client, ailleurs, referent):
    client.force_login(referent)
    avant = consultations(ailleurs.personne)
    assert client.get(reverse("parcours:personne", args=[ailleurs.personne_id])).status_code == 404
    assert consultations(ailleurs.personne) == avant


@time_machine.travel(datetime.datetime(2026, 3, 10, 12, tzinfo=datetime.UTC), tick=False)
def test_fiche_echeances_lues_dans_la_fiche(client, orientation, referent):
    """Orientation du 02/03/2026, parcours remobilisation sociale intensive (5.1) : 15 jours, 28 jours."""
    client.force_login(referent)
    page = client.get(reverse("parcours:personne", args=[orientation.personne_id])).text
    assert "1er rendez-vous dû le 17/03/2026" in page
    assert "CE à signer avant le 30/03/2026" in page
    assert "Planifier un rendez-vous" in page and "Signer un contrat d&#x27;engagement" in page


@time_machine.travel(datetime.datetime(2026, 4, 20, 12, tzinfo=datetime.UTC), tick=False)
def test_fiche_retards_et_suivi(client, orientation, referent):
    client.force_login(referent)
    url = reverse("parcours:personne", args=[orientation.personne_id])
    page = client.get(url).text
    assert "1er rendez-vous dû le 17/03/2026 : en retard" in page and "délai dépassé" in page
    RendezVousFactory(orientation=orientation, debut=a_paris(datetime.date(2026, 4, 2), 9))
    contrat = ContratFactory(orientation=orientation)
    ActionFactory(contrat=contrat, libelle="Atelier mobilité")
    page = client.get(url).text
    assert "en retard" not in page and "Atelier mobilité" in page and "CE n° 1" in page
    assert "Ce mois-ci : 1 rendez-vous honoré sur 2" in page
    assert "02/04/2026 à 09:00" in page
    # Une seule action pour 3 demandées par la fiche : point d'attention, et la chronologie du parcours.
    assert "Points d&#x27;attention" in page or "Points d'attention" in page
    assert "la fiche en demande au moins 3" in page
    assert "CE n° 1 signé (1 action)" in page and "Rendez-vous (physique) : honoré" in page


def test_fiche_orientation_choisie_et_sortie(client, referent):
    structure = structure_de(referent)
    premiere = OrientationFactory(structure=structure, date_orientation=datetime.date(2026, 1, 5))
    SortieFactory(orientation=premiere, date_sortie=datetime.date(2026, 2, 1), type=c.TypeSortie.CDI)
    seconde = OrientationFactory(structure=structure, personne=premiere.personne)
    client.force_login(referent)
    url = reverse("parcours:personne", args=[premiere.personne_id])
    page = client.get(url).text
    assert "Orientée le <strong>02/03/2026</strong>" in page
    page = client.get(url, {"orientation": premiere.pk}).text
    assert "Sortie le <strong>01/02/2026</strong> : CDI" in page and "Planifier un rendez-vous" not in page
    assert seconde.pk


def test_fiche_justificatifs_attendus(client, orientation, referent):
    client.force_login(referent)
    page = client.get(reverse("parcours:personne", args=[orientation.personne_id])).text
    assert "Attestation CAF/MSA de droits au RSA le mois d&#x27;entrée" in page


def test_menu_par_role(referent, agent_slai, instructeur, porteur, agent_finances):
    assert [libelle for libelle, _ in menu.items(referent)] == [
        "Personnes accompagnées",
        "Alertes",
        "Entrées et sorties",
    ]
    assert [libelle for libelle, _ in menu.items(agent_slai)] == ["Parcours", "Alertes"]
    assert [libelle for libelle, _ in menu.items(instructeur)] == ["Parcours", "Alertes"]
    assert menu.items(porteur) == [] and menu.items(agent_finances) == []


def test_menu_affiche_dans_la_page(client, referent):
    client.force_login(referent)
    page = client.get(reverse("parcours:liste")).text
    assert 'href="/parcours/entrees-sorties/"' in page


def test_un_autre_referent_ne_voit_pas_la_personne(client, orientation):
    from aap.core.models import Role
    from aap.structures.models import RoleMembre
    from tests.factories import MembreFactory

    autre = UserFactory(role=Role.REFERENT)
    MembreFactory(user=autre, role=RoleMembre.REFERENT)
    client.force_login(autre)
    assert client.get(reverse("parcours:personne", args=[orientation.personne_id])).status_code == 404
