"""Côté agents : liste filtrée, triée, paginée, synthèses ; périmètre SLAI ; fiche complète et journal."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from aap.core.models import AuditLog, Role
from aap.demandes.choix import StatutDemande
from aap.structures.models import DocumentStructure
from tests.demandes.factories import DemandeFactory, DispositifFactory, EditionFactory, SessionAppelFactory
from tests.factories import StructureFactory, UserFactory, territoire


LISTE = reverse("demandes:agent_liste")


def transmise(statut=StatutDemande.DEPOSEE, montant="1000.00", territoires=("arrageois",), **kwargs):
    kwargs.setdefault("deposee_le", datetime.datetime(2026, 2, 1, 10, tzinfo=datetime.UTC))
    montant = Decimal(montant)
    return DemandeFactory(
        statut=statut, montant_demande=montant, cout_total=montant * 2, territoires=list(territoires), **kwargs
    )


def references(reponse):
    return [d.reference for d in reponse.context["page"]]


# --- Périmètre -------------------------------------------------------------------------------------


def test_les_brouillons_sont_invisibles_aux_agents(client, instructeur):
    brouillon = DemandeFactory()
    deposee = transmise()
    client.force_login(instructeur)
    assert references(client.get(LISTE)) == [deposee.reference]
    assert client.get(reverse("demandes:detail", args=[brouillon.pk])).status_code == 404
    assert client.get(reverse("demandes:detail", args=[deposee.pk])).status_code == 200


def test_le_slai_ne_voit_que_son_territoire(client, agent_slai):
    chez_lui = transmise(territoires=("arrageois", "artois"))
    ailleurs = transmise(territoires=("calaisis",))
    client.force_login(agent_slai)
    assert references(client.get(LISTE)) == [chez_lui.reference]
    assert client.get(reverse("demandes:detail", args=[ailleurs.pk])).status_code == 404
    assert client.get(reverse("demandes:detail", args=[chez_lui.pk])).status_code == 200


def test_slai_d_un_autre_territoire_404_meme_pour_le_recepisse(client):
    slai_calaisis = UserFactory(role=Role.SLAI, territoire=territoire("calaisis"))
    demande = transmise(statut=StatutDemande.VALIDEE)
    client.force_login(slai_calaisis)
    assert client.get(reverse("demandes:detail", args=[demande.pk])).status_code == 404
    assert client.get(reverse("demandes:recepisse", args=[demande.pk])).status_code == 404


@pytest.mark.parametrize("role", [Role.INSTRUCTEUR, Role.GESTIONNAIRE, Role.FINANCES, Role.ADMIN])
def test_tous_les_agents_ont_la_liste(client, role):
    transmise()
    client.force_login(UserFactory(role=role))
    assert client.get(LISTE).status_code == 200


def test_la_liste_agents_est_interdite_aux_porteurs(client, porteur):
    client.force_login(porteur)
    assert client.get(LISTE).status_code == 403


# --- Filtres, tris, synthèses ----------------------------------------------------------------------


def test_filtres_et_syntheses(client, instructeur):
    d1 = DispositifFactory(code="5.1", titre="Dynamisation des parcours")
    d2 = DispositifFactory(code="5.2", titre="Accompagnement intensif")
    s1, s2 = SessionAppelFactory(dispositif=d1), SessionAppelFactory(dispositif=d2)
    cible = StructureFactory(raison_sociale="Association Horizon Emploi", siret="90000000012345")
    a = transmise(session=s1, montant="1000.00", territoires=("arrageois",), structure=cible)
    b = transmise(session=s1, montant="2000.50", territoires=("arrageois", "artois"), statut=StatutDemande.VALIDEE)
    c = transmise(session=s2, montant="4000.00", territoires=("calaisis",))
    DemandeFactory(session=s2, montant_demande=Decimal("99999"))  # brouillon : jamais compté
    client.force_login(instructeur)

    tout = client.get(LISTE).context
    assert tout["total"] == {"nombre": 3, "montant": Decimal("7000.50"), "cout": Decimal("14001.00")}
    assert [(s["dispositif__code"], s["nombre"], s["montant"]) for s in tout["par_dispositif"]] == [
        ("5.1", 2, Decimal("3000.50")),
        ("5.2", 1, Decimal("4000.00")),
    ]
    assert [(s["territoires__nom"], s["nombre"], s["montant"]) for s in tout["par_territoire"]] == [
        ("Arrageois", 2, Decimal("3000.50")),
        ("Artois", 1, Decimal("2000.50")),
        ("Calaisis", 1, Decimal("4000.00")),
    ]

    assert sorted(references(client.get(LISTE, {"dispositif": d1.pk}))) == sorted([a.reference, b.reference])
    assert references(client.get(LISTE, {"statut": "validee"})) == [b.reference]
    par_territoire = client.get(LISTE, {"territoire": territoire("artois").pk})
    assert references(par_territoire) == [b.reference]
    assert par_territoire.context["total"]["montant"] == Decimal("2000.50")
    assert references(client.get(LISTE, {"structure": "horizon"})) == [a.reference]
    assert references(client.get(LISTE, {"structure": "900 000 000 12"})) == [a.reference]
    assert references(client.get(LISTE, {"edition": EditionFactory(annee=2027).pk})) == []
    assert len(references(client.get(LISTE, {"edition": d1.edition.pk}))) == 3
    assert references(client.get(LISTE, {"tri": "-montant"})) == [c.reference, b.reference, a.reference]
    assert references(client.get(LISTE, {"tri": "montant"})) == [a.reference, b.reference, c.reference]
    contenu = client.get(LISTE, {"dispositif": d1.pk}).content.decode()
    assert "3\u00a0000,50\u00a0€" in contenu and 'aria-sort="none"' in contenu


def test_pagination_par_25(client, instructeur):
    for _ in range(27):
        transmise()
    client.force_login(instructeur)
    page1 = client.get(LISTE)
    assert len(references(page1)) == 25 and page1.context["page"].paginator.count == 27
    assert len(references(client.get(LISTE, {"page": 2}))) == 2


def test_nombre_de_requetes_constant(client, instructeur):
    client.force_login(instructeur)
    for _ in range(3):
        transmise(territoires=("arrageois", "artois"))
    client.get(LISTE)  # chauffe (contenttypes, session)
    with CaptureQueriesContext(connection) as peu:
        client.get(LISTE, {"tri": "structure"})
    for _ in range(30):
        transmise(territoires=("arrageois", "calaisis"))
    with CaptureQueriesContext(connection) as beaucoup:
        client.get(LISTE, {"tri": "structure"})
    assert len(beaucoup) == len(peu) <= 11


# --- Fiche complète --------------------------------------------------------------------------------


def test_fiche_complete_pour_un_agent_et_consultation_tracee(client, instructeur, porteur, structure):
    demande = DemandeFactory(structure=structure, budget=True, statut=StatutDemande.DEPOSEE)
    DocumentStructure.objects.create(
        structure=structure,
        type="statuts",
        fichier="structures/statuts.pdf",
        nom_original="statuts-2024.pdf",
        taille=10,
    )
    client.force_login(instructeur)
    contenu = client.get(reverse("demandes:detail", args=[demande.pk])).content.decode()
    for attendu in (
        demande.reference,
        "Description de l'opération",
        "Plan de financement 2026",
        "Forfait de 40 % des frais de personnel",
        "statuts-2024.pdf",
        "Historique",
        "Égalité femmes-hommes",
    ):
        assert attendu in contenu
    assert "Déposer la demande" not in contenu
    consultation = AuditLog.objects.for_object(demande).get(action="consultation")
    assert consultation.acteur == instructeur and consultation.structure_id == structure.pk

    client.force_login(porteur)
    client.get(reverse("demandes:detail", args=[demande.pk]))
    assert AuditLog.objects.for_object(demande).filter(action="consultation").count() == 1
