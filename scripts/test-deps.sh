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
# shellcheck source=scripts/debian-packages.sh
. "$here/debian-packages.sh"
install_or_explain "make test" "${need[@]}"
