#!/usr/bin/env bash
# What the tests need beyond the database: GDAL's ogrinfo (the OGC API and tile tests drive it) and Debian's
# Chromium (the map page test drives it through Playwright), with a CJK font for the page's Chinese labels.
# Installs the missing Debian packages when run as root; otherwise says what is missing and fails.
set -euo pipefail

missing=()
command -v ogrinfo >/dev/null || missing+=(gdal-bin)
[ -x /usr/bin/chromium ] || missing+=(chromium)
fc-list 2>/dev/null | grep -qi "wenquanyi\|noto sans cjk" || missing+=(fonts-wqy-microhei)
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" != 0 ]; then
  echo "missing Debian packages: ${missing[*]} (install them as root: apt-get install ${missing[*]})" >&2
  exit 1
fi
echo "installing ${missing[*]}" >&2
apt-get -o DPkg::Lock::Timeout=300 update -qq
DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
