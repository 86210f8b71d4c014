#!/usr/bin/env bash
# Makes Peer Journal's Debian package, with Tauri's bundler, from programs
# already built.
#
#   scripts/package.sh release [OUT_DIR]   what `make package` ships, from
#                                          target/release (it builds them first)
#   scripts/package.sh debug [OUT_DIR]     the same package from target/debug,
#                                          as `cargo test --workspace` leaves
#                                          it (the package test uses this)
#
# The package holds the app (/usr/bin/peer-journal), its icons, its desktop
# entry and the `peerjournal` command (/usr/bin/peerjournal); what it says
# about itself is in src-tauri/tauri.conf.json ("bundle"). It is written to
# OUT_DIR (default: TARGET/PROFILE/bundle/deb) as PACKAGE_VERSION_ARCH.deb,
# the name Debian gives it, and its path is printed last.
#
# Nothing here builds or downloads anything: the Tauri CLI is the one pinned
# in ui/package.json (installed by scripts/setup.sh), and its deb bundler
# needs only what is on the machine.
set -euo pipefail

die() {
  echo "package: $*" >&2
  exit 1
}

[[ $# -ge 1 && $# -le 2 ]] || die "usage: $0 release|debug [OUT_DIR]"
profile="$1"
case "$profile" in
  release) debug_flag=() ;;
  debug) debug_flag=(--debug) ;;
  *) die "usage: $0 release|debug [OUT_DIR]" ;;
esac

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tauri="$repo/ui/node_modules/.bin/tauri"
[[ -x "$tauri" ]] || die "the Tauri CLI is not installed: run scripts/setup.sh app (it runs npm ci in ui/)"

# Where cargo put the programs, wherever CARGO_TARGET_DIR or a config moved it.
target="$(cd "$repo" && cargo metadata --locked --no-deps --format-version 1 |
  node -e 'let s = ""; process.stdin.on("data", (d) => (s += d)).on("end", () => console.log(JSON.parse(s).target_directory));')"
built="$target/$profile"
for program in peer-journal peerjournal; do
  [[ -x "$built/$program" ]] ||
    die "$built/$program is missing: build it first (make package does; for debug, cargo test --workspace)"
done
out="${2:-$built/bundle/deb}"

# The bundler works in a target folder of its own, with copies of the two
# programs: it rewrites the app's program in place (to mark it as installed
# from a .deb), which must not touch the build (a program that is running,
# an end-to-end test's app say, cannot be written to), and two packagings
# at once must not share a folder.
stage="$(mktemp -d "${TMPDIR:-/tmp}/peer-journal-package.XXXXXX")"
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage/target/$profile"
cp "$built/peer-journal" "$built/peerjournal" "$stage/target/$profile/"

# The command goes in beside the app; its path depends on the profile, so it
# is given here rather than in tauri.conf.json.
files="{\"bundle\":{\"linux\":{\"deb\":{\"files\":{\"/usr/bin/peerjournal\":\"$stage/target/$profile/peerjournal\"}}}}}"
(cd "$repo/src-tauri" &&
  CARGO_TARGET_DIR="$stage/target" "$tauri" bundle "${debug_flag[@]}" --bundles deb --ci --config "$files") >&2

made=("$stage/target/$profile/bundle/deb/"*.deb)
[[ ${#made[@]} -eq 1 && -f "${made[0]}" ]] || die "the bundler made no .deb (or more than one)"
name="$(dpkg-deb --showformat='${Package}_${Version}_${Architecture}' --show "${made[0]}")"
mkdir -p "$out"
mv -f "${made[0]}" "$out/$name.deb"
echo "$out/$name.deb"
