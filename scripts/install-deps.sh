#!/usr/bin/env bash
# Installs everything Admit needs to build, run and test on Debian 12.
# Idempotent: packages already present are skipped, so a warm machine pays almost nothing.
set -euo pipefail

# Build and runtime libraries. Boost is pinned to 1.81: the unversioned libboost-*-dev
# packages pull in 1.74 and conflict with it.
packages=(
  build-essential cmake ninja-build pkg-config ccache git ca-certificates
  clang-14 libclang-rt-14-dev clang-format-14 clang-tidy-19
  libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev
  libsqlite3-dev sqlite3 libsodium-dev libssl-dev libcurl4-openssl-dev libhowardhinnant-date-dev tzdata
  libcairo2-dev libpango1.0-dev libqrencode-dev fonts-dejavu-core fonts-wqy-microhei
  libgtest-dev libgmock-dev googletest
  libgmime-3.0-dev libarchive-dev
  poppler-utils zbar-tools chromium imagemagick
  wrk curl openssl procps
  postgresql-15 postgresql-client-15 libpq-dev haproxy nginx prometheus pgbackrest
  systemd
)

# Daemons installed only for their binaries: the tests start their own instances on loopback
# ports. Their packaged services would listen on every interface (nginx on :80, Prometheus on
# :9090, pgBackRest's TLS server on :8432), so they are neither started by the install nor
# enabled for the next boot. The pgBackRest tests run the `pgbackrest` command, never its server.
kept_off=(nginx prometheus pgbackrest)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done

# Node.js (for the npm-based test peers and the web build) may come from NodeSource, whose
# nodejs package already carries npm; take Debian's only when there is none.
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)

if ((${#missing[@]})); then
  echo "install-deps: installing ${missing[*]}" >&2
  sudo_cmd=()
  if [ "$(id -u)" -ne 0 ]; then sudo_cmd=(sudo); fi
  export DEBIAN_FRONTEND=noninteractive
  # policy-rc.d (Debian's invoke-rc.d policy layer) refuses to start the kept-off services
  # while the packages install; a machine that has its own policy (a container's "start
  # nothing") keeps it.
  own_policy=""
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    own_policy=/usr/sbin/policy-rc.d
    # Called as `policy-rc.d [--quiet] nginx start` by invoke-rc.d and `policy-rc.d nginx.service
    # start` by deb-systemd-invoke: any argument naming a kept-off service refuses.
    pattern=$(for s in "${kept_off[@]}"; do printf '%s|%s.service|' "$s" "$s"; done)
    printf '#!/bin/sh\n# admit install-deps: these packaged daemons do not start during the install\nfor arg in "$@"; do\n  case "$arg" in %s) exit 101 ;; esac\ndone\nexit 0\n' \
      "${pattern%|}" | "${sudo_cmd[@]}" tee "$own_policy" >/dev/null
    "${sudo_cmd[@]}" chmod 755 "$own_policy"
    trap '"${sudo_cmd[@]}" rm -f "$own_policy"' EXIT  # also when the install fails
  fi
  "${sudo_cmd[@]}" apt-get update -qq
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  if [ -n "$own_policy" ]; then
    "${sudo_cmd[@]}" rm -f "$own_policy"
    trap - EXIT
  fi
fi

# Off for the next boot too, and stopped if something started them anyway (checked on every run:
# cheap, and it also covers packages installed before this script kept them off).
for service in "${kept_off[@]}"; do
  [ -e "/lib/systemd/system/$service.service" ] || [ -e "/etc/init.d/$service" ] || continue
  sudo_cmd=()
  if [ "$(id -u)" -ne 0 ]; then sudo_cmd=(sudo); fi
  if command -v systemctl >/dev/null 2>&1; then
    if [ -d /run/systemd/system ]; then
      "${sudo_cmd[@]}" systemctl disable --now --quiet "$service" 2>/dev/null || true
    else
      "${sudo_cmd[@]}" systemctl disable --quiet "$service" 2>/dev/null || true
    fi
  fi
  if [ -x "/etc/init.d/$service" ]; then
    "${sudo_cmd[@]}" update-rc.d "$service" disable >/dev/null 2>&1 || true
    "${sudo_cmd[@]}" "/etc/init.d/$service" stop >/dev/null 2>&1 || true
  fi
done
