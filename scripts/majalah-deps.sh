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
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "Majalah Inovasi: memasang ${need[*]} dengan apt-get..." >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  exit 0
fi
echo "Majalah Inovasi: pasang dulu paket Debian berikut, lalu ulangi: sudo apt-get install ${need[*]}" >&2
exit 1
