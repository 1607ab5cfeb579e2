#!/usr/bin/env bash
# What the benchmarks need beyond `make test`: GDAL's ogr2ogr, the import peer.
set -euo pipefail
if ! command -v ogr2ogr >/dev/null; then
  if [ "$(id -u)" != 0 ]; then echo "ogr2ogr missing: apt-get install gdal-bin" >&2; exit 1; fi
  apt-get -o DPkg::Lock::Timeout=300 update -qq
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y -qq --no-install-recommends gdal-bin >/dev/null
fi
