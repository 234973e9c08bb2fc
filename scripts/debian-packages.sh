# Sourced by scripts/test-deps.sh and scripts/majalah-deps.sh: the one way both get the
# Debian packages they lack. Bash built-ins only besides apt-get.

# install_or_explain WHO PACKAGE...: nothing to do without packages; as root with apt-get,
# install them (WHO says which command asks, in Indonesian like every message here);
# otherwise print one line saying exactly what to install, and fail.
install_or_explain() {
  local who=$1
  shift
  [ $# -eq 0 ] && return 0
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "$who: memasang $* dengan apt-get..." >&2
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
    return 0
  fi
  echo "$who: pasang dulu paket Debian berikut, lalu ulangi: sudo apt-get install $*" >&2
  return 1
}
