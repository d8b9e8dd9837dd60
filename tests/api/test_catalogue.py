"""Le catalogue se lit sans compte : éditions, axes, dispositifs (sessions, territoires, règles), sessions ouvertes."""

import datetime

import time_machine
from django.urls import reverse

from aap.catalogue.schema import Fiche
from tests.api.outils import APRES, PARIS, PENDANT
from tests.demandes.factories import M3, DispositifFactory, SessionAppelFactory, regles
from tests.factories import territoire


def test_editions_et_axes_lisibles_anonymement(api):
    dispositif = DispositifFactory()
    editions = api.get(reverse("api:edition-list"))
    assert editions.status_code == 200
    assert [e["annee"] for e in editions.json()["results"]] == [2026]
    assert api.get(reverse("api:edition-detail", args=[2026])).json()["annee"] == 2026
    assert api.get(reverse("api:edition-detail", args=[2031])).status_code == 404

    axes = api.get(reverse("api:axe-list"), {"edition": 2026}).json()["results"]
    assert [(a["edition"], a["numero"]) for a in axes] == [(2026, dispositif.axe.numero)]
    assert api.get(reverse("api:axe-list"), {"edition": 2025}).json()["count"] == 0


def test_dispositif_avec_sessions_territoires_et_regles(api):
    dispositif = DispositifFactory(regles=regles(M3))
    dispositif.territoires.set([territoire("calaisis"), territoire("boulonnais")])
    SessionAppelFactory(dispositif=dispositif)

    reponse = api.get(reverse("api:dispositif-detail", args=[dispositif.pk]))
    assert reponse.status_code == 200
    corps = reponse.json()
    assert corps["code"] == dispositif.code
    assert [s["numero"] for s in corps["sessions"]] == [1]
    assert corps["sessions"][0]["cloture"] == "2026-02-15"
    assert {t["code"] for t in corps["territoires"]} == {"calaisis", "boulonnais"}
    # La fiche rendue est celle que le schéma du catalogue valide, pourcentages en chaînes décimales.
    assert Fiche.model_validate(corps["fiche"]) == dispositif.fiche
    assert corps["fiche"]["financement"]["modele"] == "couts_reels_indirects_plafonnes"
    assert corps["fiche"]["financement"]["taux_indirects_max"] == "40"


def test_dispositif_sans_fiche_et_filtres(api):
    sans_fiche = DispositifFactory(regles={}, fiche_code="", modele_financement="")
    avec = DispositifFactory()
    avec.territoires.set([territoire("ternois")])
    url = reverse("api:dispositif-list")
    assert api.get(reverse("api:dispositif-detail", args=[sans_fiche.pk])).json()["fiche"] is None
    assert {d["id"] for d in api.get(url, {"edition": 2026}).json()["results"]} == {sans_fiche.pk, avec.pk}
    assert [d["id"] for d in api.get(url, {"territoire": territoire("ternois").pk}).json()["results"]] == [avec.pk]
    assert api.get(url, {"axe": 4}).json()["count"] == 0
    assert api.get(url, {"edition": "deux-mille"}).status_code == 400


def test_sessions_ouvertes_selon_la_date_de_paris(api):
    session = SessionAppelFactory()
    url = reverse("api:session-ouverte-list")
    with time_machine.travel(PENDANT, tick=False):
        ouvertes = api.get(url).json()["results"]
        assert [s["id"] for s in ouvertes] == [session.pk]
        assert ouvertes[0]["ouverte"] is True
        assert ouvertes[0]["jours_restants"] == 14
        assert ouvertes[0]["dispositif"]["code"] == session.dispositif.code
    # Le 15/02 à 23 h 30 à Paris, il est déjà le 15/02 22 h 30 UTC : encore ouverte (clôture incluse).
    with time_machine.travel(datetime.datetime(2026, 2, 15, 23, 30, tzinfo=PARIS), tick=False):
        assert api.get(url).json()["results"][0]["jours_restants"] == 0
    with time_machine.travel(APRES, tick=False):
        assert api.get(url).json()["count"] == 0


def test_le_catalogue_ne_s_ecrit_pas(api, administrateur, api_de):
    dispositif = DispositifFactory()
    assert api.post(reverse("api:dispositif-list"), {"titre": "X"}).status_code == 405
    admin = api_de(administrateur)
    assert admin.post(reverse("api:dispositif-list"), {"titre": "X"}).status_code == 405
    assert admin.delete(reverse("api:dispositif-detail", args=[dispositif.pk])).status_code == 405


def test_catalogue_2026_complet_et_fiches_valides(api, catalogue_2026, django_assert_max_num_queries):
    url = reverse("api:dispositif-list")
    with django_assert_max_num_queries(5):  # comptage, page, sessions et territoires préchargés
        reponse = api.get(url, {"edition": 2026})
    corps = reponse.json()
    assert corps["count"] == 50
    suite = api.get(corps["next"]).json()["results"] if corps["next"] else []
    dispositifs = corps["results"] + suite
    detailles = [d for d in dispositifs if d["fiche"] is not None]
    assert sorted(d["code"] for d in detailles) == sorted(f"5.{n}" for n in range(1, 12))
    for d in detailles:
        fiche = Fiche.model_validate(d["fiche"])  # la fiche rendue se relit avec le schéma du catalogue
        assert [s.numero for s in fiche.sessions] == [s["numero"] for s in d["sessions"]]
    assert api.get(reverse("api:axe-list"), {"edition": 2026}).json()["count"] == 5
    # Au 23/11/2026, toutes les sessions réelles de 2026 sont closes.
    with time_machine.travel(datetime.datetime(2026, 11, 23, 12, tzinfo=PARIS), tick=False):
        assert api.get(reverse("api:session-ouverte-list")).json()["count"] == 0
