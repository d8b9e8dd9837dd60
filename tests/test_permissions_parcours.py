"""Matrice des permissions des parcours, de la charte qualité et de l'observatoire : rôle × page ou action →
autorisé (200 / 302 / 204) / 403 / 404 ; une action refusée ne change rien ; toute ouverture d'une fiche
personne est journalisée, quel que soit le rôle.

Règles : un objet hors du périmètre (autre structure pour un référent, autre territoire pour un SLAI) répond
404 ; une page qui n'est pas pour son rôle répond 403 (le porteur et l'agent des finances n'ont accès à aucune
donnée personnelle) ; un visiteur anonyme est renvoyé vers la connexion. Même style que
tests/test_permissions_conventions.py.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import pytest
from django.urls import reverse

from aap.core.models import AuditLog, Role
from aap.parcours import choices as c
from aap.parcours.models import (
    ContratEngagement,
    DemandeReorientation,
    DemandeSuspension,
    Orientation,
    PhaseDsp,
    RendezVous,
    Sortie,
)
from aap.qualite.models import NoteCritere, ReponseStructure, ResultatCharte, StatutCharte
from aap.qualite.services import calculer
from aap.structures.models import RoleMembre
from tests.factories import MembreFactory, StructureFactory, UserFactory, territoire
from tests.parcours.factories import (
    ContratFactory,
    OrientationFactory,
    PersonneFactory,
    RendezVousFactory,
    a_paris,
    dispositif_a_parcours,
)


pytestmark = pytest.mark.usefixtures("catalogue_2026")

ROLES = ["anonyme", "porteur", "referent", "referent_autre", "instructeur", "gestionnaire", "slai", "slai_autre",
         "finances", "admin"]  # fmt: skip
DPID = ["instructeur", "gestionnaire", "admin"]
AGENTS_PARCOURS = [*DPID, "slai", "slai_autre"]
REFERENTS = ["referent", "referent_autre"]


@dataclass
class Monde:
    users: dict
    orientation: Orientation  # 5.1, remobilisation sociale intensive, structure de l'Arrageois
    rendez_vous: RendezVous
    contrat: ContratEngagement
    suspension: DemandeSuspension
    reorientation: DemandeReorientation
    dsp: PhaseDsp
    resultat: ResultatCharte  # communiqué à la structure (phase contradictoire)


@pytest.fixture
def monde() -> Monde:
    structure = StructureFactory(territoire=territoire("arrageois"))
    autre = StructureFactory(territoire=territoire("calaisis"))
    users = {
        "anonyme": None,
        "porteur": MembreFactory(structure=structure).user,
        "referent": MembreFactory(structure=structure, role=RoleMembre.REFERENT,
                                  user=UserFactory(role=Role.REFERENT)).user,
        "referent_autre": MembreFactory(structure=autre, role=RoleMembre.REFERENT,
                                        user=UserFactory(role=Role.REFERENT)).user,
        "instructeur": UserFactory(role=Role.INSTRUCTEUR),
        "gestionnaire": UserFactory(role=Role.GESTIONNAIRE),
        "slai": UserFactory(role=Role.SLAI, territoire=territoire("arrageois")),
        "slai_autre": UserFactory(role=Role.SLAI, territoire=territoire("calaisis")),
        "finances": UserFactory(role=Role.FINANCES),
        "admin": UserFactory(role=Role.ADMIN),
    }  # fmt: skip
    personne = PersonneFactory(territoire=territoire("arrageois"))
    orientation = OrientationFactory(personne=personne, structure=structure)
    rdv = RendezVousFactory(orientation=orientation, presence=c.Presence.PREVU,
                            debut=a_paris(datetime.date(2026, 3, 9)))  # fmt: skip
    absence = RendezVousFactory(orientation=orientation, presence=c.Presence.ABSENCE_INJUSTIFIEE,
                                debut=a_paris(datetime.date(2026, 3, 12)))  # fmt: skip
    contrat = ContratFactory(orientation=orientation)
    suspension = DemandeSuspension.objects.create(
        orientation=orientation, rendez_vous=absence, date_demande=datetime.date(2026, 3, 13), motif="Absence"
    )
    reorientation = DemandeReorientation.objects.create(
        orientation=orientation, date_demande=datetime.date(2026, 9, 1), sphere_demandee=c.Sphere.EMPLOI,
        argumentaire="Projet professionnel construit, freins levés.",
    )  # fmt: skip
    accueil = OrientationFactory(personne=PersonneFactory(territoire=territoire("arrageois")), structure=structure,
                                 parcours="accueil_dsp")  # fmt: skip
    dsp = PhaseDsp.objects.create(orientation=accueil, date_dsp=datetime.date(2026, 3, 10),
                                  sphere_preconisee=c.Sphere.REMOBILISATION_SOCIALE_INTENSIVE,
                                  preconisee_le=datetime.date(2026, 3, 11))  # fmt: skip
    resultat = calculer(acteur=users["gestionnaire"], structure=structure, dispositif=dispositif_a_parcours("5.1"),
                        debut=datetime.date(2026, 1, 1), fin=datetime.date(2026, 10, 31))  # fmt: skip
    ResultatCharte.objects.filter(pk=resultat.pk).update(
        statut=StatutCharte.CONTRADICTOIRE, reponse_avant=datetime.date(2026, 12, 31)
    )
    return Monde(users, orientation, rdv, contrat, suspension, reorientation, dsp, resultat)


def _allowed(*roles: str, code: int = 200) -> dict[str, int]:
    return {r: code for r in roles}


def _expected(allowed: dict[str, int], default: int, anonyme: int = 302) -> dict[str, int]:
    return {role: allowed.get(role, anonyme if role == "anonyme" else default) for role in ROLES}


#: Pages de liste des parcours : référents et agents du parcours (chacun dans sa portée), jamais porteur ni finances.
LISTES = _expected(_allowed(*REFERENTS, *AGENTS_PARCOURS), 403)
#: Un objet de la structure de l'Arrageois : son référent, le SLAI du territoire, la DPID ; les autres
#: référents et SLAI → 404 ; porteur et finances → 403 (pas de données personnelles).
OBJET = _expected({**_allowed("referent", "slai", *DPID), "referent_autre": 404, "slai_autre": 404}, 403)
#: Une saisie du référent : le SLAI et la DPID voient l'objet mais la saisie n'est pas la leur (403).
SAISIE_REFERENT = _expected({"referent": 200, "referent_autre": 404, "slai_autre": 404}, 403)
#: Une décision du Département : SLAI du territoire et DPID.
DECISION = _expected({**_allowed("slai", *DPID), "referent_autre": 404, "slai_autre": 404}, 403)


# (nom, fabrique d'URL, attendu par rôle)
PAGES = [
    # --- Parcours --------------------------------------------------------------------------------------------------
    ("liste des personnes", lambda m: reverse("parcours:liste"), LISTES),
    ("fiche personne", lambda m: reverse("parcours:personne", args=[m.orientation.personne_id]), OBJET),
    ("droit d'accès (PDF)", lambda m: reverse("parcours:droit_acces", args=[m.orientation.personne_id]),
     _expected({**_allowed("referent", *DPID), "referent_autre": 404}, 403)),
    ("orienter une personne", lambda m: reverse("parcours:orienter"), _expected(_allowed(*AGENTS_PARCOURS), 403)),
    ("contrat d'engagement (formulaire)", lambda m: reverse("parcours:contrat", args=[m.orientation.pk]),
     _expected({"referent": 200, "referent_autre": 404}, 403)),
    ("planifier un rendez-vous", lambda m: reverse("parcours:action", args=["rendez_vous", m.orientation.pk]),
     SAISIE_REFERENT),
    ("noter une présence", lambda m: reverse("parcours:action", args=["presence", m.rendez_vous.pk]),
     SAISIE_REFERENT),
    ("saisir des heures", lambda m: reverse("parcours:action", args=["heures", m.contrat.pk]), SAISIE_REFERENT),
    ("revue SLAI", lambda m: reverse("parcours:action", args=["revue_slai", m.contrat.pk]), DECISION),
    ("décider une suspension", lambda m: reverse("parcours:action", args=["decision_suspension", m.suspension.pk]),
     DECISION),
    ("décider une réorientation",
     lambda m: reverse("parcours:action", args=["decision_reorientation", m.reorientation.pk]), DECISION),
    ("décider après la DSP", lambda m: reverse("parcours:action", args=["decision_dsp", m.dsp.pk]), DECISION),
    ("sortie du parcours", lambda m: reverse("parcours:action", args=["sortie", m.orientation.pk]), OBJET),
    ("alertes", lambda m: reverse("parcours:alertes"), LISTES),
    ("entrées et sorties", lambda m: reverse("parcours:entrees_sorties"), LISTES),
    ("imports des parcours", lambda m: reverse("parcours_imports:index"), LISTES),
    # --- Charte qualité --------------------------------------------------------------------------------------------
    ("chartes (agents)", lambda m: reverse("qualite:liste"), _expected(_allowed(*AGENTS_PARCOURS), 403)),
    ("mes chartes", lambda m: reverse("qualite:mes_chartes"), _expected(_allowed("porteur", *REFERENTS), 403)),
    ("résultat de la charte", lambda m: reverse("qualite:detail", args=[m.resultat.pk]),
     _expected({**_allowed("porteur", "referent", "slai", *DPID), "referent_autre": 404, "slai_autre": 404}, 403)),
    # --- Observatoire (agrégats, sans donnée personnelle) ----------------------------------------------------------
    ("observatoire", lambda m: reverse("observatoire:index"),
     _expected(_allowed("porteur", *REFERENTS, *AGENTS_PARCOURS), 403)),
    ("observatoire (XLSX)", lambda m: reverse("observatoire:export_xlsx"),
     _expected(_allowed("porteur", *REFERENTS, *AGENTS_PARCOURS), 403)),
]  # fmt: skip


def _client(client, user):  # noqa: ANN001, ANN202
    if user is not None:
        client.force_login(user)
    return client


@pytest.mark.parametrize(
    ("role", "nom", "url", "attendu"),
    [pytest.param(role, *cas, id=f"{cas[0]}-{role}") for cas in PAGES for role in ROLES],
)
def test_page(client, monde, role, nom, url, attendu):  # noqa: ANN001
    reponse = _client(client, monde.users[role]).get(url(monde))
    assert reponse.status_code == attendu[role], f"{nom} pour {role}"


# --- Actions (POST) : données valides ; un refus ne change rien --------------------------------------------------

AUJOURDHUI = "2026-11-20"

# (nom, fabrique d'URL, données, attendu par rôle, état observé avant / après)
ACTIONS = [
    ("planifier un rendez-vous", lambda m: reverse("parcours:action", args=["rendez_vous", m.orientation.pk]),
     {"jour": "2026-11-25", "heure": "10:00", "mode": "physique", "presence": "prevu"},
     _expected({"referent": 302, "referent_autre": 404, "slai_autre": 404}, 403),
     lambda m: RendezVous.objects.count()),
    ("noter une présence", lambda m: reverse("parcours:action", args=["presence", m.rendez_vous.pk]),
     {"presence": "honore"}, _expected({"referent": 302, "referent_autre": 404, "slai_autre": 404}, 403),
     lambda m: RendezVous.objects.get(pk=m.rendez_vous.pk).presence),
    ("décider une suspension", lambda m: reverse("parcours:action", args=["decision_suspension", m.suspension.pk]),
     {"acceptee": "oui", "date": AUJOURDHUI},
     _expected({**_allowed("slai", *DPID, code=302), "referent_autre": 404, "slai_autre": 404}, 403),
     lambda m: DemandeSuspension.objects.get(pk=m.suspension.pk).statut),
    ("sortie du parcours", lambda m: reverse("parcours:action", args=["sortie", m.orientation.pk]),
     {"date_sortie": AUJOURDHUI, "type": "aah"},
     _expected({**_allowed("referent", "slai", *DPID, code=302), "referent_autre": 404, "slai_autre": 404}, 403),
     lambda m: Sortie.objects.count()),
    ("noter un critère de la charte", lambda m: reverse("qualite:noter", args=[m.resultat.pk, "bilan_argumente"]),
     {"note-bilan_argumente-points": "4", "note-bilan_argumente-commentaire": "Bilans argumentés, suites claires."},
     _expected({**_allowed("slai", *DPID, code=302), "slai_autre": 404}, 403),
     lambda m: NoteCritere.objects.count()),
    ("répondre à la charte", lambda m: reverse("qualite:repondre", args=[m.resultat.pk]),
     {"critere": "", "texte": "Nous contestons le délai : deux orientations reçues en retard."},
     _expected({"porteur": 302}, 403), lambda m: ReponseStructure.objects.count()),
]  # fmt: skip

#: Codes d'un refus ou d'un succès qui ne suivent pas la convention 302/403/404 : (action, rôle) → code.
PARTICULIERS: dict[tuple[str, str], int] = {}


@pytest.mark.parametrize(
    ("role", "nom", "url", "donnees", "attendu", "etat"),
    [pytest.param(role, *cas, id=f"{cas[0]}-{role}") for cas in ACTIONS for role in ROLES],
)
def test_action(client, monde, role, nom, url, donnees, attendu, etat):  # noqa: ANN001
    adresse = url(monde)
    avant = etat(monde)
    reponse = _client(client, monde.users[role]).post(adresse, donnees)
    code = PARTICULIERS.get((nom, role), attendu[role])
    assert reponse.status_code == code, f"{nom} pour {role} : {reponse.status_code}"
    if code in (302, 204) and role != "anonyme":  # anonyme : 302 vers la connexion
        assert etat(monde) != avant, f"{nom} pour {role} : rien n'a changé"
    else:
        assert etat(monde) == avant, f"{nom} refusé pour {role} mais l'état a changé"


@pytest.mark.parametrize("role", ["referent", "slai", *DPID])
def test_toute_ouverture_d_une_fiche_personne_est_journalisee(client, monde, role):  # noqa: ANN001
    user = monde.users[role]
    personne_id = monde.orientation.personne_id
    avant = AuditLog.objects.filter(acteur=user, action="parcours.consultation", cible_id=str(personne_id)).count()
    _client(client, user).get(reverse("parcours:personne", args=[personne_id]))
    _client(client, user).get(reverse("parcours:personne", args=[personne_id]))
    apres = AuditLog.objects.filter(acteur=user, action="parcours.consultation", cible_id=str(personne_id)).count()
    assert apres == avant + 2


@pytest.mark.parametrize("role", ["referent_autre", "slai_autre", "porteur", "finances"])
def test_un_refus_n_ecrit_aucune_consultation(client, monde, role):  # noqa: ANN001
    _client(client, monde.users[role]).get(reverse("parcours:personne", args=[monde.orientation.personne_id]))
    assert not AuditLog.objects.filter(action="parcours.consultation").exists()
