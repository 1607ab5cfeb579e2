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

.PHONY: help run test bench build db-start db-stop db-reset schema web

help:
	@echo "make run      start the local database, load the demo zone, serve the API on $(API_URL)"
	@echo "make test     start the local database (if needed), run every test, stop what was started"
	@echo "make bench    run the benchmarks; results go to bench/results/"
	@echo "make db-stop  stop the local database cluster (port $(DB_PORT))"
	@echo "make db-reset drop and recreate the local database (the demo is loaded again by make run)"
	@echo "make schema   write db/schema.sql from the migrations (commit it with a new migration)"

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
