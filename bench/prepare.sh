#!/usr/bin/env bash
# What the benchmarks need beyond `make test`: GDAL's ogr2ogr (the import peer) and MapServer 8 under FastCGI
# with nginx (the tile and items peer).
set -euo pipefail
missing=()
command -v ogr2ogr >/dev/null || missing+=(gdal-bin)
[ -x /usr/lib/cgi-bin/mapserv ] || missing+=(cgi-mapserver)
command -v spawn-fcgi >/dev/null || missing+=(spawn-fcgi)
command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || missing+=(nginx-light)
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" != 0 ]; then echo "missing Debian packages: ${missing[*]} (apt-get install ${missing[*]})" >&2; exit 1; fi
apt-get -o DPkg::Lock::Timeout=300 update -qq
DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
