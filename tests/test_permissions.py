"""Matrice des permissions : rôle × page ou action → autorisé (200/302 vers la suite) / 403 / 404.

Règles : un objet hors du périmètre de l'utilisateur répond 404 (on ne confirme pas son existence) ;
une page qui n'est pas pour son rôle répond 403 ; un visiteur anonyme est renvoyé vers la connexion.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.urls import reverse

from aap.core.models import Role
from aap.demandes import recepisse
from aap.demandes.choix import StatutDemande
from aap.structures.models import DemandeCompte, RoleMembre
from tests.commission.factories import InscriptionFactory
from tests.demandes.factories import DemandeFactory
from tests.factories import MembreFactory, StructureFactory, UserFactory, territoire
from tests.instruction.factories import PropositionFactory


ROLES = ["anonyme", "porteur", "lecteur", "autre_porteur", "instructeur", "gestionnaire", "slai", "slai_autre",
         "finances", "admin"]  # fmt: skip
AGENTS = ["instructeur", "gestionnaire", "slai", "slai_autre", "finances", "admin"]
DPID = ["instructeur", "gestionnaire", "admin"]


@dataclass
class Monde:
    users: dict
    structure: object
    validee: object
    brouillon: object
    demande_compte: object
    seance: object


@pytest.fixture
def monde(catalogue_2026) -> Monde:
    structure = StructureFactory(territoire=territoire("arrageois"))
    porteur = MembreFactory(structure=structure).user
    lecteur = MembreFactory(structure=structure, role=RoleMembre.LECTEUR).user
    autre = MembreFactory(structure=StructureFactory(territoire=territoire("calaisis"))).user
    users = {
        "anonyme": None,
        "porteur": porteur,
        "lecteur": lecteur,
        "autre_porteur": autre,
        "instructeur": UserFactory(role=Role.INSTRUCTEUR),
        "gestionnaire": UserFactory(role=Role.GESTIONNAIRE),
        "slai": UserFactory(role=Role.SLAI, territoire=territoire("arrageois")),
        "slai_autre": UserFactory(role=Role.SLAI, territoire=territoire("calaisis")),
        "finances": UserFactory(role=Role.FINANCES),
        "admin": UserFactory(role=Role.ADMIN),
    }
    validee = DemandeFactory(structure=structure, statut=StatutDemande.VALIDEE, territoires=["arrageois"])
    recepisse.attacher(validee)
    validee.save()
    brouillon = DemandeFactory(structure=structure, statut=StatutDemande.BROUILLON, territoires=["arrageois"])
    demande_compte = DemandeCompte.objects.create(
        siret="90000000000506", raison_sociale="Asso test", forme_juridique="association", adresse="1 rue",
        code_postal="62000", commune="Arras", representant_civilite="Mme", representant_nom="A",
        representant_prenom="B", representant_fonction="Présidente", email="demande@exemple.fr",
        demandeur_nom="A", demandeur_prenom="B",
    )  # fmt: skip
    seance = InscriptionFactory(proposition=PropositionFactory(demande=validee)).seance
    return Monde(users, structure, validee, brouillon, demande_compte, seance)


def _allowed(*roles: str, code: int = 200) -> dict[str, int]:
    return {r: code for r in roles}


def _expected(allowed: dict[str, int], default: int, anonyme: int = 302) -> dict[str, int]:
    return {role: allowed.get(role, anonyme if role == "anonyme" else default) for role in ROLES}


# (nom, fabrique d'URL, attendu par rôle)
PAGES = [
    ("appels ouverts", lambda m: reverse("catalogue:appels_ouverts"), {r: 200 for r in ROLES}),
    ("demande de compte", lambda m: reverse("structures:demande_compte"), {r: 200 for r in ROLES}),
    ("mes structures", lambda m: reverse("structures:mes_structures"),
     _expected(_allowed("porteur", "lecteur", "autre_porteur"), 403)),
    ("profil de la structure", lambda m: reverse("structures:profil", args=[m.structure.pk]),
     _expected({**_allowed("porteur", "lecteur"), **_allowed(*AGENTS, code=302)}, 404)),
    ("modifier la structure", lambda m: reverse("structures:modifier", args=[m.structure.pk]),
     _expected({**_allowed("porteur"), "lecteur": 403, **_allowed(*AGENTS, code=403)}, 404)),
    ("liste des structures (agents)", lambda m: reverse("structures:agent_liste"),
     _expected(_allowed(*AGENTS), 403)),
    ("fiche structure (agents)", lambda m: reverse("structures:agent_detail", args=[m.structure.pk]),
     _expected({**_allowed(*AGENTS), "slai_autre": 404}, 403)),
    ("demandes de compte", lambda m: reverse("structures:demandes_compte"), _expected(_allowed(*DPID), 403)),
    ("demande de compte (détail)", lambda m: reverse("structures:demande_compte_detail", args=[m.demande_compte.pk]),
     _expected(_allowed(*DPID), 403)),
    ("mes demandes", lambda m: reverse("demandes:mes_demandes"),
     _expected(_allowed("porteur", "lecteur", "autre_porteur"), 403)),
    ("liste des demandes (agents)", lambda m: reverse("demandes:agent_liste"), _expected(_allowed(*AGENTS), 403)),
    ("demande validée", lambda m: reverse("demandes:detail", args=[m.validee.pk]),
     _expected({**_allowed("porteur", "lecteur", *AGENTS), "slai_autre": 404}, 404)),
    ("récépissé", lambda m: reverse("demandes:recepisse", args=[m.validee.pk]),
     _expected({**_allowed("porteur", "lecteur", *AGENTS), "slai_autre": 404}, 404)),
    ("brouillon", lambda m: reverse("demandes:detail", args=[m.brouillon.pk]),
     _expected(_allowed("porteur", "lecteur"), 404)),
    ("dossier du brouillon", lambda m: reverse("demandes:dossier", args=[m.brouillon.pk]),
     _expected({**_allowed("porteur", "lecteur"), **_allowed(*AGENTS, code=403)}, 404)),
    ("budget du brouillon", lambda m: reverse("demandes:budget", args=[m.brouillon.pk]),
     _expected({**_allowed("porteur", "lecteur"), **_allowed(*AGENTS, code=403)}, 404)),
    ("journal d'audit", lambda m: reverse("core:journal"), _expected(_allowed("admin"), 403)),
    # Instruction : les porteurs n'y ont pas accès (403) ; le SLAI d'un autre territoire ne voit pas la demande.
    ("notation de la demande", lambda m: reverse("instruction:notation", args=[m.validee.pk]),
     _expected({**_allowed("instructeur", "gestionnaire", "slai"), "slai_autre": 404}, 403)),
    ("budget retenu", lambda m: reverse("instruction:budget_retenu", args=[m.validee.pk]),
     _expected(_allowed(*DPID), 403)),
    ("proposition de financement", lambda m: reverse("instruction:proposition", args=[m.validee.pk]),
     _expected(_allowed(*DPID), 403)),
    ("complétude", lambda m: reverse("instruction:completude", args=[m.validee.pk]),
     _expected(_allowed(*DPID), 403)),
    ("demande de compléments", lambda m: reverse("instruction:complements", args=[m.validee.pk]),
     _expected(_allowed(*DPID), 403)),
    ("enveloppes (tableau de bord)", lambda m: reverse("instruction:enveloppes"),
     _expected(_allowed(*DPID, "finances"), 403)),
    # Commission permanente : lecture pour tous les agents, jamais pour les porteurs.
    ("séances de la CP", lambda m: reverse("commission:seances"), _expected(_allowed(*AGENTS), 403)),
    ("séance de la CP", lambda m: reverse("commission:seance", args=[m.seance.pk]), _expected(_allowed(*AGENTS), 403)),
    ("nouvelle séance", lambda m: reverse("commission:seance_creer"), _expected(_allowed(*DPID), 403)),
    ("registre des élus", lambda m: reverse("commission:elus"), _expected(_allowed(*AGENTS), 403)),
    ("vote de la séance", lambda m: reverse("commission:vote", args=[m.seance.pk]), _expected(_allowed(*DPID), 403)),
]  # fmt: skip


def _url_valider_compte(m: Monde) -> str:
    return reverse("structures:demande_compte_valider", args=[m.demande_compte.pk])


ACTIONS = [
    # (nom, URL, données, attendu par rôle) — POST ; 302 = action faite puis redirection.
    ("valider une demande de compte", _url_valider_compte, {}, _expected(_allowed(*DPID, code=302), 403)),
    ("déposer la demande d'autrui", lambda m: reverse("demandes:deposer", args=[m.brouillon.pk]),
     {}, _expected({"autre_porteur": 404, **_allowed(*AGENTS, code=403)}, 404)),
    ("valider la demande d'autrui", lambda m: reverse("demandes:valider", args=[m.brouillon.pk]),
     {"attestation_honneur": "on"}, _expected({"autre_porteur": 404, **_allowed(*AGENTS, code=403)}, 404)),
]  # fmt: skip


def _client(client, user):  # noqa: ANN001, ANN202
    if user is not None:
        client.force_login(user)
    return client


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("nom", "url", "attendu"), PAGES, ids=[p[0] for p in PAGES])
def test_pages(client, monde, role, nom, url, attendu):
    response = _client(client, monde.users[role]).get(url(monde))
    assert response.status_code == attendu[role], f"{role} → {nom}"
    if role == "anonyme" and response.status_code == 302:
        assert response.url.startswith(reverse("core:login"))


@pytest.mark.parametrize("role", ["anonyme", "autre_porteur", *AGENTS, "lecteur"])
@pytest.mark.parametrize(("nom", "url", "donnees", "attendu"), ACTIONS, ids=[a[0] for a in ACTIONS])
def test_actions(client, monde, role, nom, url, donnees, attendu):
    if nom != "valider une demande de compte" and role == "lecteur":
        attendu = {**attendu, "lecteur": 403}
    response = _client(client, monde.users[role]).post(url(monde), donnees)
    assert response.status_code == attendu[role], f"{role} → {nom}"
    if role == "anonyme":
        assert response.url.startswith(reverse("core:login"))
