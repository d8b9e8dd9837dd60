# AAP Inclusion — commandes du projet. Voir README.md.
SHELL := /bin/bash
.DEFAULT_GOAL := help
# uv vient de PyPI et s'utilise par le Python de la machine : aucun chemin à deviner.
UV := python3 -m uv
MANAGE := $(UV) run --frozen python manage.py
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: help uv install install-bench system-demo system-test node demo serve test lint format bench clean

help: ## Liste les commandes
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

uv:
	@$(UV) --version >/dev/null 2>&1 || python3 -m pip install --quiet uv || python3 -m pip install --quiet --break-system-packages uv

install: uv ## Installe l'environnement Python (uv, fichier de verrouillage)
	$(UV) sync --frozen --group dev

# Le groupe « bench » (duckdb, pyarrow) : banc des parcours et son test d'égalité DuckDB = calcul de la charte.
install-bench: uv
	$(UV) sync --frozen --group dev --group bench

system-demo:
	@scripts/ensure-system.sh demo

system-test:
	@scripts/ensure-system.sh test

node: system-test
	@test -f node_modules/axe-core/axe.min.js || npm ci --no-audit --no-fund --loglevel=error

demo: export SITE_URL ?= http://$(HOST):$(PORT)
demo: install system-demo ## Installe, crée la base SQLite, charge le catalogue 2026 et la démo, sert sur http://127.0.0.1:8000
	mkdir -p var/static var/media
	$(MANAGE) migrate --no-input
	$(MANAGE) load_catalogue 2026
	$(MANAGE) generer_demo --si-vide
	$(MANAGE) comptes_demo
	@# Le worker des tâches de fond (génération des documents de la CP) tourne à côté du serveur ; il s'arrête avec lui.
	@$(MANAGE) db_worker & worker=$$!; \
	  trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	  $(MANAGE) runserver $(HOST):$(PORT)

test: install-bench node ## Lance ruff, makemigrations --check et toute la suite pytest sur PostgreSQL
	$(UV) run --frozen ruff format --check .
	$(UV) run --frozen ruff check .
	@export DATABASE_URL="$$(scripts/ensure-postgres.sh)" && \
	  $(MANAGE) makemigrations --check --dry-run && \
	  $(UV) run --frozen pytest $(PYTEST_ARGS); status=$$?; \
	  if [ $$status -eq 5 ]; then echo "Aucun test collecté : c'est une erreur." >&2; exit 1; fi; exit $$status

lint: install ## ruff (format + règles) et makemigrations --check
	$(UV) run --frozen ruff format --check .
	$(UV) run --frozen ruff check .
	$(MANAGE) makemigrations --check --dry-run

format: install ## Formate le code (ruff)
	$(UV) run --frozen ruff format .
	$(UV) run --frozen ruff check --fix .

bench: install-bench system-test ## Banc d'essai : pages (gunicorn, 16 clients), CP, charte des parcours (PostgreSQL, DuckDB, ORM)
	@# Les deux bancs tournent même si le premier échoue ; le code de sortie dit si l'un a échoué.
	@# Options du banc des parcours : make bench BENCH_PARCOURS_ARGS="--personnes 20000" (voir bench/README.md).
	@export DATABASE_URL="$$(AAP_PG_DB=aap_bench scripts/ensure-postgres.sh)" && \
	  $(UV) run --frozen python bench/run.py; pages=$$?; \
	  $(UV) run --frozen --group bench python bench/parcours.py $(BENCH_PARCOURS_ARGS); parcours=$$?; \
	  exit $$(( pages || parcours ))

clean: ## Supprime la base de démo et les fichiers générés
	rm -rf var/
