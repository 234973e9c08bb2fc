#!/usr/bin/env bash
# What `make test` needs besides Python: Debian's Chromium (browser tests, axe, search parity)
# and a Java runtime (the Nu HTML Checker), and Pango for the Majalah's tests (its own script,
# which `make majalah` runs too). Installs them with apt-get when run as root; otherwise
# stops with one line saying exactly what to install.
set -euo pipefail
here=${BASH_SOURCE[0]%/*}
[ "$here" = "${BASH_SOURCE[0]}" ] && here=.
# shellcheck disable=SC2207 # package names: no spaces, no globs
need=($("$BASH" "$here/majalah-deps.sh" --missing))
[ -x /usr/bin/chromium ] || need+=(chromium)
command -v java >/dev/null 2>&1 || need+=(default-jre-headless)
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "make test: memasang ${need[*]} dengan apt-get..." >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  exit 0
fi
echo "make test: pasang dulu paket Debian berikut, lalu ulangi: sudo apt-get install ${need[*]}" >&2
exit 1
