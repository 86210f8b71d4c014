#!/usr/bin/env bash
# Installs what Peer Journal needs on a Debian 12 or Ubuntu 24.04 machine.
#
#   scripts/setup.sh app    what building and running the desktop app needs
#   scripts/setup.sh test   that, plus what the tests need (Xvfb, the WebKit
#                           WebDriver, tauri-driver, and desktop-file-utils for
#                           the package test)
#
# Used by `make run` and `make test`. It is idempotent: it checks every item
# first and installs only what is missing, printing one line per install, so a
# second run prints nothing and takes about a second.
set -euo pipefail

# The tauri-driver release the end-to-end tests are written against. Only 2.x
# speaks to Tauri 2 apps.
TAURI_DRIVER_VERSION=2.1.0
# Vite 7 needs Node 20.19+ or 22.12+ (require(esm) without a flag).
NODE_HINT="Node.js 20.19+ or 22.12+"

APP_PACKAGES=(
  libwebkit2gtk-4.1-dev build-essential curl wget file libxdo-dev libssl-dev
  libayatana-appindicator3-dev librsvg2-dev pkg-config
)
# xvfb-run calls xauth, which the xvfb package only recommends. The package
# test checks the desktop entry with desktop-file-validate (it reads the
# package with dpkg-deb and readelf, which dpkg and build-essential bring).
TEST_PACKAGES=(webkit2gtk-driver xvfb xauth desktop-file-utils)

usage() {
  echo "usage: $0 app|test" >&2
  exit 2
}

die() {
  echo "setup: $*" >&2
  exit 1
}

[[ $# -eq 1 ]] || usage
case "$1" in
  app) want_tests=false ;;
  test) want_tests=true ;;
  *) usage ;;
esac

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

# --- Debian packages -------------------------------------------------------
packages=("${APP_PACKAGES[@]}")
if $want_tests; then
  packages+=("${TEST_PACKAGES[@]}")
fi

missing=()
for package in "${packages[@]}"; do
  status="$(dpkg-query -W -f='${db:Status-Status}' "$package" 2>/dev/null || true)"
  [[ "$status" == installed ]] || missing+=("$package")
done

if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  sudo=()
  if [[ $(id -u) -ne 0 ]]; then
    command -v sudo >/dev/null || die "need root or sudo to install: ${missing[*]}"
    sudo=(sudo)
  fi
  apt_log="$(mktemp)"
  if ! { "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq &&
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive \
      apt-get install -y -qq --no-install-recommends "${missing[@]}"; } >"$apt_log" 2>&1; then
    tail -n 20 "$apt_log" >&2
    rm -f "$apt_log"
    die "could not install ${missing[*]}"
  fi
  rm -f "$apt_log"
fi

# --- Rust and Node toolchains (checked, not installed) -----------------------
command -v cargo >/dev/null ||
  die "cargo not found: install Rust with rustup (https://rustup.rs), then run this again"

if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  die "node and npm not found: install $NODE_HINT (Debian's own nodejs is too old for Vite 7)"
fi
node_version="$(node --version)" # e.g. v20.19.2
IFS=. read -r node_major node_minor _ <<<"${node_version#v}"
if ! { ((node_major > 22)) ||
  ((node_major == 22 && node_minor >= 12)) ||
  ((node_major == 20 && node_minor >= 19)); }; then
  die "node $node_version is not a version Vite 7 supports: install $NODE_HINT"
fi

# --- tauri-driver ------------------------------------------------------------
# tauri-driver has no --version flag, so ask cargo what it installed.
if $want_tests; then
  if ! cargo install --list | grep -qx "tauri-driver v$TAURI_DRIVER_VERSION:"; then
    echo "setup: installing tauri-driver $TAURI_DRIVER_VERSION (takes a couple of minutes)"
    cargo install --quiet --locked tauri-driver --version "$TAURI_DRIVER_VERSION"
  fi
fi

# --- the UI's npm packages -------------------------------------------------
# These include the Tauri CLI (@tauri-apps/cli, pinned, prebuilt), which
# makes the Debian package (scripts/package.sh).
# npm ci wipes node_modules, so a stamp inside it records that the install
# finished and for which lock file.
ui="$repo/ui"
stamp="$ui/node_modules/.peer-journal-npm-ci"
if [[ ! -e "$stamp" || "$ui/package-lock.json" -nt "$stamp" ]]; then
  echo "setup: installing the UI's npm packages (npm ci)"
  npm_log="$(mktemp)"
  if ! (cd "$ui" && npm ci --no-audit --no-fund --loglevel=error >"$npm_log" 2>&1); then
    # npm follows its one-line reason with a page of usage: show the reason.
    reason='^npm error (code|.*in sync|Missing|Invalid|[0-9]{3} )'
    if grep -qE "$reason" "$npm_log"; then
      grep -E "$reason" "$npm_log" | head -n 12 >&2 || true
    else
      tail -n 20 "$npm_log" >&2
    fi
    rm -f "$npm_log"
    die "npm ci failed in ui/ (full log: ~/.npm/_logs). If it says the lock file is out of sync, \
run npm install in ui/ and commit package-lock.json; npm 11 wants an entry for every optional \
platform package, so a registry lacking one at the locked version needs that package pinned."
  fi
  rm -f "$npm_log"
  touch "$stamp"
fi
