"""La charte en DuckDB : vues sur les fichiers Parquet exportés, paramètres (règles des parcours et critères des
chartes) lus dans les fiches du catalogue et passés en tables, puis `bench/charte_duckdb.sql`.

Aucun seuil n'est écrit dans le SQL : `regle` et `critere` sont construites ici depuis `Dispositif.fiche`.
"""

from __future__ import annotations

import datetime
from pathlib import Path

import duckdb

from aap.catalogue.models import Dispositif
from bench.parcours_export import TABLES


SQL = Path(__file__).with_name("charte_duckdb.sql")

#: (dispositif_id, structure_id, code du critère) → (numérateur, dénominateur)
Resultats = dict[tuple[int, int, str], tuple[int, int]]


def connecter(dossier: Path, dispositifs: list[Dispositif], debut: datetime.date, fin: datetime.date, fils: int = 0):
    """Une base DuckDB en mémoire : vues sur `<dossier>/*.parquet`, tables `periode`, `regle`, `critere`."""
    con = duckdb.connect(":memory:")
    if fils:
        con.execute(f"SET threads = {int(fils)}")
    for nom in TABLES:
        chemin = str(dossier / f"{nom}.parquet").replace("'", "''")
        con.execute(f"CREATE VIEW {nom} AS SELECT * FROM read_parquet('{chemin}')")
    con.execute("CREATE TABLE periode (debut DATE, fin DATE)")
    con.execute("INSERT INTO periode VALUES (?, ?)", [debut, fin])
    con.execute(
        """CREATE TABLE regle (
            dispositif_id BIGINT, parcours VARCHAR, delai_premier_rdv_jours INTEGER, delai_signature_ce_jours INTEGER,
            actions_ce_min INTEGER, actions_insertion_pro_min INTEGER, entretiens_par_mois_min INTEGER,
            entretiens_physiques_par_mois_min INTEGER, heures_hebdo_min DECIMAL(6, 2), heures_hebdo_max DECIMAL(6, 2),
            mise_a_jour_mensuelle BOOLEAN)"""
    )
    con.execute(
        """CREATE TABLE critere (dispositif_id BIGINT, code VARCHAR, mesure VARCHAR, parcours VARCHAR[],
            familles VARCHAR[], spheres VARCHAR[])"""
    )
    for d in dispositifs:
        fiche = d.fiche
        for r in fiche.parcours:
            con.execute(
                "INSERT INTO regle VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [d.pk, r.code, r.delai_premier_rdv_jours, r.delai_signature_ce_jours, r.actions_ce_min,
                 r.actions_insertion_pro_min, r.entretiens_par_mois_min, r.entretiens_physiques_par_mois_min,
                 r.heures_hebdo_min, r.heures_hebdo_max, r.mise_a_jour_heures == "mensuelle"],
            )  # fmt: skip
        for c in fiche.charte.criteres if fiche.charte else []:
            if c.nature == "calcul":
                con.execute(
                    "INSERT INTO critere VALUES (?, ?, ?, ?, ?, ?)",
                    [d.pk, c.code, c.calcul, list(c.parcours), list(c.familles), list(c.spheres)],
                )
    return con


def mesurer(con) -> Resultats:  # noqa: ANN001
    """Exécute la charte complète (tous dispositifs, toutes structures) ; rend les numérateurs et dénominateurs."""
    lignes = con.execute(SQL.read_text(encoding="utf-8")).fetchall()
    return {(d, s, code): (int(n), int(den)) for d, s, code, n, den in lignes}
