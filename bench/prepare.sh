#!/usr/bin/env bash
# What the benchmarks need beyond `make test`: GDAL's ogr2ogr (the import peer) and MapServer 8 under FastCGI
# with nginx (the tile and items peer).
set -euo pipefail
missing=()
command -v ogr2ogr >/dev/null || missing+=(gdal-bin)
[ -x /usr/lib/cgi-bin/mapserv ] || missing+=(cgi-mapserver)
command -v spawn-fcgi >/dev/null || missing+=(spawn-fcgi)
command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || missing+=(nginx-light)
"$(dirname "$0")/../scripts/install-debian-packages.sh" ${missing[@]+"${missing[@]}"}
