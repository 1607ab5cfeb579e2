#!/usr/bin/env bash
# Installs the Debian packages named as arguments (those a caller found missing): as root with apt-get; otherwise
# says which to install and fails. Used by db/local.sh, tests/prepare.sh and bench/prepare.sh.
set -euo pipefail
[ $# -eq 0 ] && exit 0
if [ "$(id -u)" != 0 ]; then
  echo "missing Debian packages: $* (install them as root: apt-get install $*)" >&2
  exit 1
fi
echo "installing $*" >&2
apt-get -o DPkg::Lock::Timeout=300 update -qq
DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y -qq --no-install-recommends "$@" >/dev/null
