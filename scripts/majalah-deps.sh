#!/usr/bin/env bash
# What `make majalah` (and the Majalah's tests, through scripts/test-deps.sh) needs besides
# Python: the libraries WeasyPrint opens at run time — Pango and its FreeType back end, with
# GLib, HarfBuzz and fontconfig as their dependencies, and HarfBuzz's subsetter, which
# WeasyPrint uses to embed only the glyphs a PDF needs. No font package: the Majalah's font
# ships inside the engine (katalog/majalah/fonts/). Installs them with apt-get when run as
# root; otherwise stops with one line saying exactly what to install. With --missing it only
# prints the missing packages (test-deps.sh adds them to its own list: one apt-get, one line).
# Bash built-ins only besides ldconfig, so it runs on a bare PATH too.
set -euo pipefail
ldconfig=$(command -v ldconfig || echo /sbin/ldconfig)  # not on a user's PATH everywhere
libs=$("$ldconfig" -p 2>/dev/null || true)
need=()
[[ $libs == *"libpango-1.0.so.0 "* ]] || need+=(libpango-1.0-0)
[[ $libs == *"libpangoft2-1.0.so.0 "* ]] || need+=(libpangoft2-1.0-0)
[[ $libs == *"libharfbuzz-subset.so.0 "* ]] || need+=(libharfbuzz-subset0)
if [ "${1:-}" = "--missing" ]; then
  echo "${need[*]}"
  exit 0
fi
here=${BASH_SOURCE[0]%/*}
[ "$here" = "${BASH_SOURCE[0]}" ] && here=.
# shellcheck source=scripts/debian-packages.sh
. "$here/debian-packages.sh"
install_or_explain "Majalah Inovasi" "${need[@]}"
