"""Banc d'essai d'AAP Inclusion (`make bench`) : liste filtrée des agents et fiche d'une demande,
servies par gunicorn sur PostgreSQL, sous 16 clients simultanés, comparées à une vue Django nue.

Étapes : migrer la base du banc, charger le catalogue 2026, générer (ou réutiliser) 10 000 demandes,
démarrer gunicorn (DEBUG off), connecter un agent, mesurer, afficher le tableau, écrire
bench/results/<horodatage>.json, arrêter gunicorn quoi qu'il arrive. Voir bench/README.md.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import random
import secrets
import signal
import sys
import time
from pathlib import Path


RACINE = Path(__file__).resolve().parent.parent
if str(RACINE) not in sys.path:
    sys.path.insert(0, str(RACINE))


def options(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--reset", action="store_true", help="supprimer puis régénérer les données du banc")
    p.add_argument("--demandes", type=int, default=10_000, help="nombre de demandes générées (10 000)")
    p.add_argument("--structures", type=int, default=400, help="nombre de structures générées (400)")
    p.add_argument("--clients", type=int, default=16, help="clients simultanés (16)")
    p.add_argument("--workers", type=int, default=None, help="processus gunicorn (défaut : 2 par cœur)")
    p.add_argument("--threads", type=int, default=None, help="fils par processus gunicorn (défaut : 2)")
    p.add_argument("--requetes-liste", type=int, default=480, help="requêtes mesurées sur la liste (480)")
    p.add_argument("--requetes-fiche", type=int, default=1600, help="requêtes mesurées sur la fiche (1 600)")
    p.add_argument("--requetes-nue", type=int, default=4000, help="requêtes mesurées sur la vue nue (4 000)")
    p.add_argument("--duree-max", type=float, default=90.0, help="plafond par scénario, en secondes (90)")
    p.add_argument("--sortie", type=Path, default=RACINE / "bench" / "results", help="dossier des résultats")
    return p.parse_args(argv)


def preparer_django() -> str:
    """Réglages de production pour ce processus aussi ; refuse une base autre que PostgreSQL."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        sys.exit(
            "DATABASE_URL doit désigner une base PostgreSQL dédiée au banc : lancez `make bench`, ou\n"
            "  export DATABASE_URL=$(AAP_PG_DB=aap_bench scripts/ensure-postgres.sh)"
        )
    os.environ["DJANGO_SETTINGS_MODULE"] = "aap.settings"
    os.environ["DEBUG"] = "False"
    import django

    django.setup()
    return url


def main(argv: list[str] | None = None) -> int:
    args = options(argv)
    debut = time.monotonic()
    database_url = preparer_django()
    # Un SIGTERM (Ctrl-C d'un parent, CI) devient SystemExit : les blocs `finally` arrêtent gunicorn.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))

    from django.core.management import call_command
    from django.db import connection

    from bench import charge, donnees, mesures, scenarios, serveur

    def etape(texte: str) -> None:
        print(f"[{time.monotonic() - debut:6.1f} s] {texte}", flush=True)

    etape("migration de la base du banc")
    call_command("migrate", interactive=False, verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    etape("catalogue 2026")
    scenarios.charger_catalogue(2026)
    if args.reset:
        etape("--reset : suppression des données générées")
        donnees.supprimer()
    etape(f"données : {args.demandes} demandes sur {args.structures} structures")
    bilan = donnees.generer(args.demandes, args.structures, afficher=lambda t: etape(f"  {t}"))
    origine = "réutilisées" if bilan.reutilise else "générées"
    etape(f"  {origine} : {bilan.demandes} demandes, {bilan.structures} structures")
    with connection.cursor() as curseur:
        curseur.execute("ANALYZE")  # statistiques du planificateur à jour après l'insertion en masse
    mot_de_passe = secrets.token_urlsafe(24)
    donnees.assurer_agent(mot_de_passe)
    etape("Commission permanente : 1 000 lignes d'annexe sur 300 structures (contrôles et documents)")
    from bench import cp

    mesures_cp = cp.mesurer(lambda texte: etape(f"  {texte}"))
    plan = scenarios.plan()
    connection.close()

    coeurs = os.cpu_count() or 1
    defaut = serveur.ConfigServeur.pour(coeurs)
    config = serveur.ConfigServeur(workers=args.workers or defaut.workers, threads=args.threads or defaut.threads)
    horodatage = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    args.sortie.mkdir(parents=True, exist_ok=True)
    journal = args.sortie / f"gunicorn-{horodatage}.log"
    etape(f"gunicorn : {config.workers} processus × {config.threads} fils, {coeurs} cœurs, journal {journal.name}")

    charge_avant = os.getloadavg()[0]
    if charge_avant > coeurs / 2:
        etape(f"attention : machine déjà chargée (charge {charge_avant:.1f} pour {coeurs} cœurs) : chiffres bruités")
    resultats: list[mesures.Resultat] = []
    variantes: dict[str, list[mesures.Resultat]] = {}
    with serveur.gunicorn(config, database_url, journal) as port:
        cookie = charge.connecter(port, donnees.AGENT_EMAIL, mot_de_passe)
        scenarios.verifier(port, cookie, plan)
        etape(f"agent connecté sur 127.0.0.1:{port}, pages vérifiées ; chauffe")
        for _nom, chemin, _ in plan.scenarios(args):
            charge.marteler(port, chemin, requetes=4 * args.clients, clients=args.clients, cookie=cookie)
        for nom, chemin, nombre in plan.scenarios(args):
            etape(f"mesure « {nom} » : {nombre} requêtes, {args.clients} clients")
            serie = charge.marteler(
                port, chemin, requetes=nombre, clients=args.clients, duree_max_s=args.duree_max, cookie=cookie
            )
            resultats.append(mesures.resumer(nom, serie.latences, serie.erreurs, serie.duree_s))
            if len(serie.par_etiquette) > 1:
                variantes[nom] = [
                    mesures.resumer(etiquette, lat, 0, None) for etiquette, lat in sorted(serie.par_etiquette.items())
                ]
            for exemple in serie.exemples_erreurs:
                etape(f"  erreur : {exemple}")
    etape("gunicorn arrêté")

    print()
    print(mesures.tableau(resultats))
    for nom, lignes in variantes.items():
        print(f"\nDétail « {nom} » par variante (requêtes réussies ; pas de débit : les variantes sont mêlées)")
        print(mesures.tableau(lignes))
    rapports = mesures.ratios(resultats, scenarios.NUE)
    print()
    for nom, r in rapports.items():
        print(f"{nom} / vue nue : latence p50 × {r['p50']}, p95 × {r['p95']} ; débit {r['debit']} fois moindre")

    sortie = args.sortie / f"{horodatage}.json"
    sortie.write_text(
        json.dumps(
            {
                "horodatage": horodatage,
                "machine": {
                    "coeurs": coeurs,
                    "python": platform.python_version(),
                    "systeme": platform.platform(),
                    "charge_1_min_avant": round(charge_avant, 2),
                    "charge_1_min_apres": round(os.getloadavg()[0], 2),
                },
                "serveur": {"logiciel": "gunicorn gthread", "workers": config.workers, "threads": config.threads},
                "donnees": {"demandes": bilan.demandes, "structures": bilan.structures},
                "commission_permanente": mesures_cp,
                "clients": args.clients,
                "scenarios": [r.as_dict() for r in resultats],
                "variantes": {k: [r.as_dict() for r in v] for k, v in variantes.items()},
                "ratios_vue_nue": rapports,
                "urls": plan.description(),
                "duree_totale_s": round(time.monotonic() - debut, 1),
            },
            ensure_ascii=False,
            indent=2,
        )
    )
    etape(f"résultats : {sortie.relative_to(RACINE) if sortie.is_relative_to(RACINE) else sortie}")
    erreurs = sum(r.erreurs for r in resultats)
    return 1 if erreurs else 0


if __name__ == "__main__":
    random.seed(62)
    sys.exit(main())
