# AAP Inclusion — commandes du projet. Voir README.md.
SHELL := /bin/bash
.DEFAULT_GOAL := help
# uv vient de PyPI et s'utilise par le Python de la machine : aucun chemin à deviner.
UV := python3 -m uv
MANAGE := $(UV) run --frozen python manage.py
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: help uv install system-demo system-test node demo serve test lint format bench clean

help: ## Liste les commandes
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

uv:
	@$(UV) --version >/dev/null 2>&1 || python3 -m pip install --quiet uv || python3 -m pip install --quiet --break-system-packages uv

install: uv ## Installe l'environnement Python (uv, fichier de verrouillage)
	$(UV) sync --frozen --group dev

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

test: install node ## Lance ruff, makemigrations --check et toute la suite pytest sur PostgreSQL
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

bench: install system-test ## Banc d'essai : liste filtrée et fiche d'une demande, gunicorn + PostgreSQL, 16 clients
	@export DATABASE_URL="$$(AAP_PG_DB=aap_bench scripts/ensure-postgres.sh)" && $(UV) run --frozen python bench/run.py

clean: ## Supprime la base de démo et les fichiers générés
	rm -rf var/
