#!/usr/bin/env bash
# What the tests need beyond the database: GDAL's ogrinfo (the OGC API and tile tests drive it) and Debian's
# Chromium (the map page test drives it through Playwright), with a CJK font for the page's Chinese labels, and QGIS
# 3.22's Python bindings (python3-qgis: the QGIS tests open the OGC API and the tiles through QGIS's own providers).
# Installs the missing Debian packages when run as root; otherwise says what is missing and fails.
set -euo pipefail

missing=()
command -v ogrinfo >/dev/null || missing+=(gdal-bin)
[ -x /usr/bin/chromium ] || missing+=(chromium)
fc-list 2>/dev/null | grep -qi "wenquanyi\|noto sans cjk" || missing+=(fonts-wqy-microhei)
/usr/bin/python3 -c "import qgis.core" 2>/dev/null || missing+=(python3-qgis)
"$(dirname "$0")/../scripts/install-debian-packages.sh" ${missing[@]+"${missing[@]}"}
