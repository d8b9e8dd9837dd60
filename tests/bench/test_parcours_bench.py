"""Banc des parcours en petit (300 personnes) : génération par COPY, export Parquet, charte DuckDB et boucle ORM
égales à `aap.qualite.calcul.mesurer` (numérateurs et dénominateurs). Aucun temps n'est vérifié.

Les morceaux DuckDB/pyarrow demandent le groupe « bench » (`make test` l'installe) ; sans lui, ils sont sautés.
"""

from __future__ import annotations

import datetime

import pytest
from django.db import connection

from aap.parcours import models as m
from aap.structures.models import Structure
from bench import parcours_donnees as donnees
from bench import parcours_orm, parcours_rapport
from tests.factories import StructureFactory


D, F = datetime.date(2026, 1, 1), datetime.date(2026, 12, 31)

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="COPY : PostgreSQL seulement")


@pytest.fixture
def jeu(catalogue_2026):
    return donnees.generer(personnes=300, nb_structures=12, graine=7)


def _mesurer_pg(dispositifs):
    from aap.qualite.calcul import mesurer

    return parcours_rapport.depuis_mesurer({d.pk: mesurer(d, D, F) for d in dispositifs})


def test_generation_volumes_marques_et_sequences(jeu):
    etrangere = StructureFactory()
    assert not jeu.reutilise
    assert jeu.lignes["personne"] == jeu.lignes["orientation"] == 300
    assert all(jeu.lignes[t] > 0 for t in donnees.EVENEMENTS), jeu.lignes
    assert jeu.lignes == donnees.compter()
    orientations = donnees.orientations_du_banc()
    assert orientations.count() == 300
    # Les deux dispositifs à charte et tous les parcours de leurs fiches, sur les 9 territoires.
    assert set(orientations.values_list("dispositif__code", flat=True)) == {"5.1", "5.2"}
    assert set(orientations.values_list("parcours", flat=True)) == {
        "accueil_dsp",
        "remobilisation_sociale_intensive",
        "accompagnement_social_professionnel_intensif",
    }
    assert donnees.structures_du_banc().values("territoire").distinct().count() == 9
    # Les séquences suivent : un objet créé par l'ORM après le COPY reçoit une clé libre.
    o = orientations.first()
    nouveau = m.RendezVous.objects.create(orientation=o, debut=datetime.datetime(2026, 5, 4, 8, tzinfo=datetime.UTC),
                                          mode="physique")  # fmt: skip
    assert nouveau.pk > m.RendezVous.objects.exclude(pk=nouveau.pk).order_by("-pk")[0].pk
    # Les familles de sortie suivent le type, comme Sortie.save().
    from aap.parcours.choices import FAMILLE_DE_SORTIE

    assert all(FAMILLE_DE_SORTIE[t] == f for t, f in m.Sortie.objects.values_list("type", "famille"))
    # Un rendez-vous tiré à 23 h 30 à Paris garde son jour de Paris (écrit en heure de Paris).
    tard = [r.debut.astimezone(parcours_orm.PARIS) for r in m.RendezVous.objects.filter(pk__lt=nouveau.pk)]
    hors_cadre = [d for d in tard if not (8 <= d.hour <= 17 or (d.hour, d.minute) == (23, 30))]
    assert not hors_cadre, hors_cadre[:5]

    # Réutilisation, puis suppression ciblée.
    assert donnees.generer(personnes=300, nb_structures=12, graine=7).reutilise
    donnees.supprimer()
    assert not donnees.orientations_du_banc().exists()
    assert not m.Personne.objects.exists()
    assert not m.RendezVous.objects.exists()
    assert list(Structure.objects.all()) == [etrangere]


def test_generation_reproductible(catalogue_2026):
    premier = donnees.generer(personnes=120, nb_structures=9, graine=11)
    signature = list(m.RendezVous.objects.order_by("pk").values_list("debut", "mode", "presence")[:200])
    donnees.supprimer()
    second = donnees.generer(personnes=120, nb_structures=9, graine=11)
    assert premier.lignes == second.lignes
    assert list(m.RendezVous.objects.order_by("pk").values_list("debut", "mode", "presence")[:200]) == signature


def test_duckdb_egale_mesurer(jeu, tmp_path):
    pytest.importorskip("duckdb")
    pytest.importorskip("pyarrow")
    from bench import parcours_duckdb, parcours_export

    dispositifs = donnees.dispositifs_a_charte()
    export = parcours_export.exporter(tmp_path)
    assert export["rendezvous"]["lignes"] == jeu.lignes["rendezvous"]
    con = parcours_duckdb.connecter(tmp_path, dispositifs, D, F)
    duck = parcours_duckdb.mesurer(con)
    pg = _mesurer_pg(dispositifs)
    assert len(pg) > 50  # toutes les mesures ont une population sur ce jeu
    assert {k[2] for k in pg} == {c.code for d in dispositifs for c in d.fiche.charte.criteres if c.nature == "calcul"}
    assert parcours_rapport.differences(pg, duck) == []


def test_duckdb_voit_une_difference(jeu, tmp_path):
    """La comparaison n'est pas aveugle : un rendez-vous déplacé après l'export change le calcul PostgreSQL."""
    pytest.importorskip("duckdb")
    from bench import parcours_duckdb, parcours_export

    dispositifs = donnees.dispositifs_a_charte()
    parcours_export.exporter(tmp_path)
    con = parcours_duckdb.connecter(tmp_path, dispositifs, D, F)
    m.RendezVous.objects.filter(presence="absence_injustifiee", debut__year=2026).update(presence="honore")
    diffs = parcours_rapport.differences(_mesurer_pg(dispositifs), parcours_duckdb.mesurer(con))
    assert any(critere == "demandes_suspension" for (_, _, critere), _, _ in diffs)


def test_boucle_orm_egale_mesurer(jeu):
    dispositifs = donnees.dispositifs_a_charte()
    ids = list(donnees.orientations_du_banc().values_list("pk", flat=True))
    assert parcours_rapport.differences(_mesurer_pg(dispositifs), parcours_orm.mesurer(ids, D, F)) == []


def test_tableau_et_meilleur_de():
    appels = []
    meilleur, essais, resultat = parcours_rapport.meilleur_de(lambda: appels.append(1) or len(appels), 3)
    assert len(appels) == 4 and resultat == 4 and len(essais) == 3 and round(meilleur, 4) == min(essais)
    pg = parcours_rapport.Temps("PostgreSQL", 2.0, [2.0], 1000)
    orm = parcours_rapport.Temps("ORM", 300.0, [3.0], 1000)
    texte = parcours_rapport.tableau([pg, orm], pg)
    assert "× 1,00" in texte and "× 150" in texte and "500" in texte
