#!/usr/bin/env bash
# Garantit un serveur PostgreSQL local joignable et affiche l'URL de connexion des tests.
# Si DATABASE_URL pointe déjà vers un PostgreSQL joignable, il est utilisé tel quel.
set -euo pipefail
DB_USER="${AAP_PG_USER:-aap}"
DB_PASSWORD="${AAP_PG_PASSWORD:-aap}"
DB_NAME="${AAP_PG_DB:-aap}"
PORT="${AAP_PG_PORT:-5432}"

if [[ "${DATABASE_URL:-}" == postgres* ]] && command -v pg_isready >/dev/null 2>&1; then
  if psql "$DATABASE_URL" -Atc "select 1" >/dev/null 2>&1; then echo "$DATABASE_URL"; exit 0; fi
fi

if ! command -v pg_ctlcluster >/dev/null 2>&1; then
  echo "PostgreSQL absent : installation (apt)" >&2
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
fi

cluster=$(pg_lsclusters --no-header 2>/dev/null | awk 'NR==1 {print $1" "$2}')
if [ -z "$cluster" ]; then
  version=$(ls /usr/lib/postgresql | sort -V | tail -1)
  pg_createcluster "$version" main >&2
  cluster="$version main"
fi
read -r version name <<<"$cluster"
if ! pg_lsclusters --no-header | awk -v v="$version" -v n="$name" '$1==v && $2==n {print $4}' | grep -q online; then
  pg_ctlcluster "$version" "$name" start >&2
fi
for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p "$PORT" && break; sleep 1; done

as_postgres() { if [ "$(id -un)" = postgres ]; then "$@"; else su postgres -c "$(printf '%q ' "$@")"; fi; }
if ! as_postgres psql -p "$PORT" -Atc "select 1 from pg_roles where rolname='$DB_USER'" | grep -q 1; then
  as_postgres psql -p "$PORT" -qc "create role $DB_USER with login superuser password '$DB_PASSWORD'" >&2
fi
if ! as_postgres psql -p "$PORT" -Atc "select 1 from pg_database where datname='$DB_NAME'" | grep -q 1; then
  as_postgres createdb -p "$PORT" -O "$DB_USER" "$DB_NAME" >&2
fi
echo "postgres://$DB_USER:$DB_PASSWORD@127.0.0.1:$PORT/$DB_NAME"
