#!/usr/bin/env bash
# The project-local PostgreSQL + PostGIS cluster used by `make run`, `make test` and `make bench`.
#   db/local.sh install        install PostgreSQL 15 and PostGIS 3 from Debian when missing
#   db/local.sh start          initialise (first time) and start the cluster; prints "started" or "running"
#   db/local.sh stop           stop the cluster
#   db/local.sh createdb NAME  create database NAME when missing
#   db/local.sh dropdb NAME    drop database NAME (and every connection to it)
#   db/local.sh url [NAME]     print the Npgsql connection string
# Settings: LANDREGISTER_DB_PORT (default 55432), LANDREGISTER_DB_DIR (default /var/tmp/landregister-pg-PORT).
set -euo pipefail

port=${LANDREGISTER_DB_PORT:-55432}
dir=${LANDREGISTER_DB_DIR:-/var/tmp/landregister-pg-$port}
pgver=15

as_owner() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

bin() { echo "/usr/lib/postgresql/$pgver/bin/$1"; }

install() {
  local missing=()
  [ -x "$(bin postgres)" ] || missing+=("postgresql-$pgver")
  [ -f "/usr/share/postgresql/$pgver/extension/postgis.control" ] || missing+=("postgresql-$pgver-postgis-3")
  "$(dirname "$0")/../scripts/install-debian-packages.sh" ${missing[@]+"${missing[@]}"}
}

running() { [ -f "$dir/data/postmaster.pid" ] && as_owner "$(bin pg_ctl)" -D "$dir/data" status >/dev/null 2>&1; }

start() {
  install
  if running; then echo running; return 0; fi
  mkdir -p "$dir"
  [ "$(id -u)" = 0 ] && chown postgres:postgres "$dir"
  if [ ! -f "$dir/data/PG_VERSION" ]; then
    as_owner "$(bin initdb)" -D "$dir/data" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 >/dev/null
  fi
  # Parallel query slows the register's small spatial queries on a 2-core machine (docs/architecture.md, performance).
  as_owner "$(bin pg_ctl)" -w -D "$dir/data" -l "$dir/server.log" \
    -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c max_parallel_workers_per_gather=0 -c shared_buffers=512MB -c max_connections=300 -c fsync=${LANDREGISTER_DB_FSYNC:-on}" start >/dev/null
  echo started
}

stop() {
  if running; then as_owner "$(bin pg_ctl)" -w -D "$dir/data" -m fast stop >/dev/null; echo stopped; fi
}

createdb() {
  local name=$1
  if ! psql -h 127.0.0.1 -p "$port" -U postgres -d postgres -Atc "select 1 from pg_database where datname = '$name'" | grep -q 1; then
    psql -h 127.0.0.1 -p "$port" -U postgres -d postgres -qc "create database \"$name\"" >/dev/null
  fi
}

dropdb() {
  psql -h 127.0.0.1 -p "$port" -U postgres -d postgres -qc "drop database if exists \"$1\" with (force)" >/dev/null
}

url() { echo "Host=127.0.0.1;Port=$port;Username=postgres;Database=${1:-landregister}"; }

case "${1:-}" in
  install) install ;;
  start) start ;;
  stop) stop ;;
  createdb) createdb "${2:?database name}" ;;
  dropdb) dropdb "${2:?database name}" ;;
  url) url "${2:-}" ;;
  *) echo "usage: $0 install|start|stop|createdb NAME|dropdb NAME|url [NAME]" >&2; exit 2 ;;
esac
