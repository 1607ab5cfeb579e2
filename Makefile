# LandRegister — the two commands: `make run` and `make test`. See README.md.
SHELL := /bin/bash
.DEFAULT_GOAL := help

DB_PORT  ?= 55432
API_URL  ?= http://127.0.0.1:5080
CONFIG   ?= Release
# The admin key of a local install (LANDREGISTER_ADMIN_KEY); set your own for anything but a demo.
ADMIN_KEY ?= local-admin-key-change-me
export LANDREGISTER_DB_PORT := $(DB_PORT)
# The schema's owner migrates; requests are served as the application role, which start-up creates and grants.
OWNER_DB    := Host=127.0.0.1;Port=$(DB_PORT);Username=postgres;Database=landregister
REGISTER_DB := Host=127.0.0.1;Port=$(DB_PORT);Username=landregister_app;Database=landregister

.PHONY: help run test bench build db-start db-stop db-reset schema web cluster cluster-stop failover-drill cluster-bench

help:
	@echo "make run      start the local database, load the demo zone, serve the API on $(API_URL)"
	@echo "make test     start the local database (if needed), run every test, stop what was started"
	@echo "make bench    run the benchmarks; results go to bench/results/"
	@echo "make db-stop  stop the local database cluster (port $(DB_PORT))"
	@echo "make db-reset drop and recreate the local database (the demo is loaded again by make run)"
	@echo "make schema   write db/schema.sql from the migrations (commit it with a new migration)"
	@echo "make cluster  a monitor, a primary and a standby (pg_auto_failover), two API instances and nginx; prints the URLs"
	@echo "make cluster-stop      stop what make cluster started"
	@echo "make failover-drill    read-your-writes and kill -9 of the primary under load, on the cluster (started if needed)"
	@echo "make cluster-bench     read throughput with one and two database nodes; results in bench/results/cluster-scale.md"

build:
	dotnet build LandRegister.sln -c $(CONFIG)

db-start:
	@echo "== the local database (PostgreSQL + PostGIS, installed the first time) on port $(DB_PORT)"
	@db/local.sh start >/dev/null
	@db/local.sh createdb landregister

db-stop:
	@db/local.sh stop

db-reset:
	@db/local.sh start >/dev/null
	@db/local.sh dropdb landregister
	@db/local.sh createdb landregister

schema:
	@db/local.sh start >/dev/null
	@db/schema.sh write

# The map page's MapLibre GL, from npm (web/package-lock.json); reinstalled when the lock file changes.
web: web/node_modules/.package-lock.json

web/node_modules/.package-lock.json: web/package-lock.json
	@echo "== the map page's MapLibre GL, from npm"
	cd web && npm ci --no-audit --no-fund --loglevel=error

run: db-start web
	@echo "== building the API (about a minute the first time)"
	@dotnet build src/LandRegister.Api/LandRegister.Api.csproj -c $(CONFIG) -nologo -v minimal
	@echo "== starting on $(API_URL): migrations, the demo zone, then 'LandRegister is ready'. Admin key: $(ADMIN_KEY)"
	@ConnectionStrings__Register="$(REGISTER_DB)" ConnectionStrings__Migrations="$(OWNER_DB)" LandRegister__LoadDemo=true LANDREGISTER_ADMIN_KEY="$(ADMIN_KEY)" \
		LandRegister__ReadyNote="admin key (LANDREGISTER_ADMIN_KEY): $(ADMIN_KEY)" \
		dotnet run --project src/LandRegister.Api -c $(CONFIG) --no-build -- --urls $(API_URL)

test: web
	@tests/prepare.sh
	@started=$$(db/local.sh start); \
	trap 'if [ "$$started" = started ]; then db/local.sh stop >/dev/null; fi' EXIT; \
	rm -f TestResults/fault-drill.txt; \
	LANDREGISTER_TEST_DB="Host=127.0.0.1;Port=$(DB_PORT);Username=postgres" \
		dotnet test LandRegister.sln -c $(CONFIG) --logger "console;verbosity=normal"; status=$$?; \
	if [ -f TestResults/fault-drill.txt ]; then echo; cat TestResults/fault-drill.txt; fi; exit $$status

bench:
	@started=$$(db/local.sh start); \
	trap 'if [ "$$started" = started ]; then db/local.sh stop >/dev/null; fi' EXIT; \
	bench/prepare.sh && \
	dotnet build LandRegister.sln -c Release && \
	dotnet run --project bench/LandRegister.Bench -c Release --no-build -- \
		--server "Host=127.0.0.1;Port=$(DB_PORT);Username=postgres" --out bench/results

# Beyond one machine, on this one (docs/operations.md): PostgreSQL streaming replication under pg_auto_failover.
cluster: web
	@cluster/cluster.sh start

cluster-stop:
	@cluster/cluster.sh stop

# Starts the cluster when it is not running (its runs then pause 3 s before committing, so the kill meets one in
# flight), and then stops it again; its last line reads "acknowledged writes lost: N, 500s: M, seconds without writes: S".
failover-drill: web
	@running=$$(test -f $${LANDREGISTER_CLUSTER_DIR:-/var/tmp/landregister-cluster}/api0.pid && kill -0 $$(cat $${LANDREGISTER_CLUSTER_DIR:-/var/tmp/landregister-cluster}/api0.pid) 2>/dev/null && echo yes); \
	if [ "$$running" != yes ]; then Jobs__PauseBeforeCommitMs=3000 cluster/cluster.sh start >/dev/null || exit 1; trap 'cluster/cluster.sh stop 2>/dev/null' EXIT; fi; \
	dotnet build cluster/LandRegister.Cluster -c Release -nologo -v quiet >/dev/null && \
	dotnet run --project cluster/LandRegister.Cluster -c Release --no-build -- drill

cluster-bench: web
	@running=$$(test -f $${LANDREGISTER_CLUSTER_DIR:-/var/tmp/landregister-cluster}/api0.pid && kill -0 $$(cat $${LANDREGISTER_CLUSTER_DIR:-/var/tmp/landregister-cluster}/api0.pid) 2>/dev/null && echo yes); \
	if [ "$$running" != yes ]; then cluster/cluster.sh start >/dev/null || exit 1; trap 'cluster/cluster.sh stop 2>/dev/null' EXIT; fi; \
	dotnet build cluster/LandRegister.Cluster -c Release -nologo -v quiet >/dev/null && \
	dotnet run --project cluster/LandRegister.Cluster -c Release --no-build -- scale
