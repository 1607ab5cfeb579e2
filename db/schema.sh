#!/usr/bin/env bash
# db/schema.sql is the register's schema as PostgreSQL dumps it, so a reader sees the whole model at once.
#   db/schema.sh dump DATABASE   print DATABASE's schema, normalised (what the schema test compares with db/schema.sql)
#   db/schema.sh write           apply db/migrations to a scratch database and write db/schema.sql from it
# Settings: as db/local.sh (LANDREGISTER_DB_PORT, default 55432); PGHOST/PGUSER default to the local cluster's.
set -euo pipefail
cd "$(dirname "$0")"
port=${LANDREGISTER_DB_PORT:-55432}
export PGHOST=${PGHOST:-127.0.0.1} PGPORT=${PGPORT:-$port} PGUSER=${PGUSER:-postgres}

dump() {
  # The schema the migrations make: no owners or grants, nor what others keep in the database (Hangfire's schema, the
  # runner's journal, the demo's record); pg_dump's comments, settings and session keys removed.
  pg_dump --schema-only --no-owner --no-privileges --exclude-schema=hangfire \
          --exclude-table=schema_journal --exclude-table=demo_load "$1" |
    sed -e '/^--/d' -e '/^SET /d' -e '/^SELECT pg_catalog.set_config/d' -e '/^\\restrict /d' -e '/^\\unrestrict /d' |
    cat -s | sed -e '1{/^$/d}'
}

write() {
  scratch="lr_schema_$$"
  psql -qd postgres -c "CREATE DATABASE $scratch" >/dev/null
  trap 'psql -qd postgres -c "DROP DATABASE IF EXISTS $scratch WITH (FORCE)" >/dev/null' EXIT
  for script in migrations/*.sql; do
    psql -qd "$scratch" -v ON_ERROR_STOP=1 --single-transaction -f "$script" >/dev/null
  done
  dump "$scratch" > schema.sql
  echo "wrote db/schema.sql"
}

case "${1:-}" in
  dump) dump "${2:?database name}" ;;
  write) write ;;
  *) echo "usage: $0 dump DATABASE | write" >&2; exit 2 ;;
esac
