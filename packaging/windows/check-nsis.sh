#!/usr/bin/env bash
# Check that packaging/windows/aulalocal.nsi compiles, on Linux, without a
# Windows build: makensis (Debian package nsis) runs against a stand-in
# folder shaped like dist/aulalocal (dummy aulalocal.exe, aulalocal-cli.exe,
# _internal/...) and writes the installer to a temporary folder, then the
# result is checked to be a Windows executable.
#
#     packaging/windows/check-nsis.sh [VERSION]    # default: the version in src/aulalocal/__init__.py
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
command -v makensis >/dev/null 2>&1 || { echo "check-nsis: makensis not found (Debian/Ubuntu: apt-get install nsis)" >&2; exit 1; }

version="${1:-$(sed -n 's/^__version__ = "\(.*\)"/\1/p' "$root/src/aulalocal/__init__.py")}"
[ -n "$version" ] || { echo "check-nsis: no version" >&2; exit 1; }

work="$(mktemp -d "${TMPDIR:-/tmp}/aulalocal-nsis.XXXXXX")"
trap 'rm -rf "$work"' EXIT
stand_in="$work/dist/aulalocal"
mkdir -p "$stand_in/_internal/seeds" "$stand_in/_internal/PySide6/plugins/platforms"
printf 'MZ stand-in for the PyInstaller executable\n' > "$stand_in/aulalocal.exe"
printf 'MZ stand-in for the console executable\n' > "$stand_in/aulalocal-cli.exe"
printf '{}\n' > "$stand_in/_internal/seeds/catalog.json"
printf 'stand-in\n' > "$stand_in/_internal/PySide6/plugins/platforms/qwindows.dll"
printf 'stand-in\n' > "$stand_in/_internal/python311.dll"

out="$work/aulalocal-$version-windows-x64-setup.exe"
makensis -V2 -WX -INPUTCHARSET UTF8 \
  "-DVERSION=$version" "-DDIST=$stand_in" "-DOUTFILE=$out" \
  "$here/aulalocal.nsi"

[ -s "$out" ] || { echo "check-nsis: makensis wrote no installer" >&2; exit 1; }
[ "$(head -c 2 "$out")" = "MZ" ] || { echo "check-nsis: $out is not a Windows executable" >&2; exit 1; }
echo "check-nsis: OK, aulalocal.nsi compiles ($(wc -c < "$out" | tr -d ' ') bytes with a stand-in folder)"
