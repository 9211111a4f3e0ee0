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
  libgmime-3.0-dev
  poppler-utils zbar-tools chromium imagemagick
  wrk curl openssl procps
  postgresql-15 postgresql-client-15 libpq-dev haproxy nginx
)

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
  "${sudo_cmd[@]}" apt-get update -qq
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
