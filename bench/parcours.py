"""Banc des parcours (`make bench`, après les pages) : la charte qualité complète de toutes les structures,
calculée par `aap.qualite.calcul.mesurer` (requêtes ensemblistes PostgreSQL), comparée au même calcul écrit
directement en DuckDB sur les tables exportées en Parquet, et à une boucle ORM naïve par personne (échantillon
extrapolé). Vérifie que DuckDB et la boucle rendent les mêmes numérateurs et dénominateurs. Voir bench/README.md.

Base : PostgreSQL dédiée `aap_bench` uniquement (export DATABASE_URL=$(AAP_PG_DB=aap_bench
scripts/ensure-postgres.sh)). Données générées par COPY et réutilisées d'une exécution à l'autre (--reset).
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import random
import sys
import time
from pathlib import Path


RACINE = Path(__file__).resolve().parent.parent
if str(RACINE) not in sys.path:
    sys.path.insert(0, str(RACINE))
BASE_DU_BANC = "aap_bench"


def options(argv: list[str] | None = None) -> argparse.Namespace:
    jour = datetime.date.fromisoformat
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--reset", action="store_true", help="supprimer puis régénérer les parcours du banc")
    p.add_argument("--personnes", type=int, default=100_000, help="personnes orientées générées (100 000)")
    p.add_argument("--structures", type=int, default=300, help="structures générées (300)")
    p.add_argument("--graine", type=int, default=62, help="graine du générateur (62)")
    p.add_argument("--debut", type=jour, default=datetime.date(2026, 1, 1), help="début de la période (2026-01-01)")
    p.add_argument("--fin", type=jour, default=datetime.date(2026, 12, 31), help="fin de la période (2026-12-31)")
    p.add_argument("--repetitions", type=int, default=3, help="tours mesurés après un tour de chauffe (3)")
    p.add_argument("--echantillon", type=int, default=2000, help="orientations de la boucle ORM (2 000)")
    p.add_argument("--sortie", type=Path, default=RACINE / "bench" / "results", help="dossier des résultats")
    return p.parse_args(argv)


def preparer_django() -> None:
    """Réglages de production ; refuse toute base autre que la base PostgreSQL dédiée `aap_bench`."""
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("DATABASE_URL doit désigner la base PostgreSQL du banc : lancez `make bench`, ou\n"
                 f"  export DATABASE_URL=$(AAP_PG_DB={BASE_DU_BANC} scripts/ensure-postgres.sh)")  # fmt: skip
    os.environ["DJANGO_SETTINGS_MODULE"] = "aap.settings"
    os.environ["DEBUG"] = "False"
    import django

    django.setup()
    from django.db import connection

    if connection.vendor != "postgresql" or connection.settings_dict["NAME"] != BASE_DU_BANC:
        sys.exit(f"base « {connection.settings_dict['NAME']} » refusée : le banc n'écrit que dans « {BASE_DU_BANC} »")


def main(argv: list[str] | None = None) -> int:  # noqa: C901 (l'enchaînement, lisible d'un trait)
    args = options(argv)
    debut_banc = time.monotonic()
    preparer_django()

    from django.core.management import call_command
    from django.db.models import Count

    from aap.catalogue.loader import load_edition
    from aap.qualite.calcul import mesurer
    from bench import parcours_donnees as donnees
    from bench import parcours_duckdb, parcours_export, parcours_orm
    from bench import parcours_rapport as rapport

    def etape(texte: str) -> None:
        print(f"[{time.monotonic() - debut_banc:6.1f} s] {texte}", flush=True)

    etape("parcours : migration de la base du banc, catalogue 2026")
    call_command("migrate", interactive=False, verbosity=0)
    load_edition(2026)
    if args.reset:
        etape("--reset : suppression des parcours du banc")
        donnees.supprimer()
    etape(f"données : {args.personnes} personnes orientées, {args.structures} structures (graine {args.graine})")
    debut = time.monotonic()
    bilan = donnees.generer(args.personnes, args.structures, args.graine, afficher=lambda t: etape(f"  {t}"))
    generation = time.monotonic() - debut
    if bilan.reutilise:
        etape("  jeu existant réutilisé (--reset pour le régénérer)")
    else:
        etape(f"  généré en {generation:.1f} s (tirage {bilan.duree_tirage_s:.1f} s, COPY {bilan.duree_copy_s:.1f} s)")
    for table, n in bilan.lignes.items():
        print(f"    {table:<22} {_n(n):>12}")
    print(f"    {'événements':<22} {_n(bilan.evenements):>12}")
    lignes = sum(n for t, n in bilan.lignes.items() if t != "personne")

    dispositifs = donnees.dispositifs_a_charte()
    codes = rapport.codes_dispositifs(dispositifs)
    etape("export Parquet (pyarrow) des tables des parcours (hors temps mesurés)")
    dossier = args.sortie / "parquet-parcours"
    debut = time.monotonic()
    export = parcours_export.exporter(dossier)
    duree_export = time.monotonic() - debut
    exportees, octets = sum(e["lignes"] for e in export.values()), sum(e["octets"] for e in export.values())
    etape(f"  {_n(exportees)} lignes, {octets / 1e6:.1f} Mo en {duree_export:.1f} s")

    periode = f"du {args.debut:%d/%m/%Y} au {args.fin:%d/%m/%Y}"
    etape(f"1. PostgreSQL ensembliste : mesurer() pour {', '.join(codes.values())}, {periode}, toutes structures")

    def calcul_pg():
        return {d.pk: mesurer(d, args.debut, args.fin) for d in dispositifs}

    t_pg, essais_pg, res_pg = rapport.meilleur_de(calcul_pg, args.repetitions)
    pg = rapport.depuis_mesurer(res_pg)
    etape(f"  meilleur de {args.repetitions} : {t_pg:.3f} s ({essais_pg})")

    etape("2. DuckDB sur Parquet : bench/charte_duckdb.sql")
    con = parcours_duckdb.connecter(dossier, dispositifs, args.debut, args.fin)
    t_dk, essais_dk, dk = rapport.meilleur_de(lambda: parcours_duckdb.mesurer(con), args.repetitions)
    etape(f"  meilleur de {args.repetitions} : {t_dk:.3f} s ({essais_dk})")
    identiques_dk = rapport.verdict("DuckDB = mesurer()", rapport.differences(pg, dk), codes, etape)

    from aap.parcours.models import Orientation

    ids = sorted(Orientation.objects.filter(dispositif__in=dispositifs).values_list("pk", flat=True))
    taille = min(args.echantillon, len(ids))
    echantillon = sorted(random.Random(args.graine).sample(ids, taille))
    etape(f"3. boucle ORM par personne sur {taille} orientations tirées au hasard (sur {len(ids)}), extrapolée")
    parcours_orm.mesurer(echantillon[:20], args.debut, args.fin)  # chauffe
    debut = time.perf_counter()
    parcours_orm.mesurer(echantillon, args.debut, args.fin)
    t_echantillon = time.perf_counter() - debut
    t_orm = t_echantillon * len(ids) / taille if taille else 0.0
    etape(f"  {t_echantillon:.2f} s pour {taille} orientations → {t_orm:.0f} s extrapolées à {len(ids)} (linéaire)")

    # Une structure entière pour l'égalité de la boucle : la plus petite qui porte les deux dispositifs (sinon la
    # plus petite tout court), pour que chaque critère calculé des deux chartes soit comparé.
    tailles = (
        Orientation.objects.filter(dispositif__in=dispositifs, structure__in=donnees.structures_du_banc())
        .values("structure_id").annotate(n=Count("pk"), d=Count("dispositif_id", distinct=True))
        .order_by("-d", "n", "structure_id")
    )  # fmt: skip
    petite = tailles[0]["structure_id"]
    orientations_petite = list(
        Orientation.objects.filter(dispositif__in=dispositifs, structure_id=petite).values_list("pk", flat=True)
    )
    orm_petite = parcours_orm.mesurer(orientations_petite, args.debut, args.fin)
    identiques_orm = rapport.verdict(
        f"boucle ORM = mesurer() sur la plus petite structure (n° {petite}, {len(orientations_petite)} orientations)",
        rapport.differences(rapport.restreindre(pg, {petite}), orm_petite), codes, etape,
    )  # fmt: skip

    temps = [
        rapport.Temps("PostgreSQL ensembliste (mesurer)", t_pg, essais_pg, lignes),
        rapport.Temps("DuckDB sur Parquet", t_dk, essais_dk, lignes, f"export Parquet {duree_export:.1f} s à part"),
        rapport.Temps(f"boucle ORM par personne (extrapolée de {taille})", t_orm, [round(t_echantillon, 3)], lignes,
                      f"{t_echantillon:.2f} s mesurées sur {taille} orientations, × {len(ids)}/{taille}"),
    ]  # fmt: skip
    print()
    print(f"Charte complète {periode} : {_n(len(ids))} orientations, {_n(lignes)} lignes lues, "
          f"{len({k[1] for k in pg})} structures mesurées, {_n(len(pg))} mesures non vides")  # fmt: skip
    print(rapport.tableau(temps, temps[0]))
    print(
        f"Ratios : DuckDB / PostgreSQL {rapport.fois(t_dk / t_pg)} ; boucle ORM / PostgreSQL "
        f"{rapport.fois(t_orm / t_pg)} (boucle mesurée sur {_n(taille)} orientations, extrapolée linéairement "
        f"à {_n(len(ids))})."
    )

    horodatage = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    args.sortie.mkdir(parents=True, exist_ok=True)
    sortie = args.sortie / f"parcours-{horodatage}.json"
    sortie.write_text(json.dumps({
        "horodatage": horodatage,
        "machine": {"coeurs": os.cpu_count(), "python": platform.python_version(), "systeme": platform.platform(),
                    "charge_1_min": round(os.getloadavg()[0], 2)},
        "periode": [args.debut.isoformat(), args.fin.isoformat()],
        "donnees": {"reutilisees": bilan.reutilise, "graine": args.graine, "structures": bilan.structures,
                    "lignes": bilan.lignes, "evenements": bilan.evenements, "generation_s": round(generation, 1)},
        "export_parquet": {"secondes": round(duree_export, 2), "tables": export},
        "temps": [t.as_dict() for t in temps],
        "ratios": {"duckdb_sur_pg": round(t_dk / t_pg, 3), "orm_sur_pg": round(t_orm / t_pg, 1)},
        "egalite": {"duckdb_mesurer": identiques_dk, "orm_mesurer_structure": identiques_orm, "structure": petite},
        "duree_totale_s": round(time.monotonic() - debut_banc, 1),
    }, ensure_ascii=False, indent=2))  # fmt: skip
    etape(f"résultats : {sortie.relative_to(RACINE) if sortie.is_relative_to(RACINE) else sortie}")
    return 0 if identiques_dk and identiques_orm else 1


def _n(x: int) -> str:
    return f"{x:,}".replace(",", "\u202f")


if __name__ == "__main__":
    sys.exit(main())
