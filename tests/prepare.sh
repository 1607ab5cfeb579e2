#!/usr/bin/env bash
# What the tests need beyond the database: GDAL's ogrinfo (the OGC API and tile tests drive it) and Debian's
# Chromium (the map page test drives it through Playwright), with a CJK font for the page's Chinese labels.
# Installs the missing Debian packages when run as root; otherwise says what is missing and fails.
set -euo pipefail

missing=()
command -v ogrinfo >/dev/null || missing+=(gdal-bin)
[ -x /usr/bin/chromium ] || missing+=(chromium)
fc-list 2>/dev/null | grep -qi "wenquanyi\|noto sans cjk" || missing+=(fonts-wqy-microhei)
"$(dirname "$0")/../scripts/install-debian-packages.sh" ${missing[@]+"${missing[@]}"}
