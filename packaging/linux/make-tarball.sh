#!/usr/bin/env bash
# Make the Linux download from the one-folder build:
#
#     packaging/linux/make-tarball.sh [DIST_DIR]     # default: dist/aulalocal
#
# Writes dist/aulalocal-<version>-linux-<arch>.tar.gz holding one folder:
#
#     aulalocal-<version>-linux-<arch>/
#       aulalocal/                 the program (run aulalocal/aulalocal)
#       install.sh  uninstall.sh   per-user install into the menu
#       share/applications/aulalocal.desktop
#       share/metainfo/io.github.aulalocal.AulaLocal.metainfo.xml
#       share/icons/hicolor/<n>x<n>/apps/aulalocal.png, scalable/apps/aulalocal.svg
#       LEEME.txt                  how to install, in Spanish and English
#
# The version comes from the built program itself (aulalocal --version); the
# newest release in the AppStream file must match it. The archive is
# reproducible: sorted names, fixed owner and dates, gzip without a timestamp.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
dist="${1:-$root/dist/aulalocal}"
[ -x "$dist/aulalocal" ] || { echo "make-tarball: no built program in $dist (run make package)" >&2; exit 1; }
dist="$(cd "$dist" && pwd)"
out_dir="$(dirname "$dist")"

version="$("$dist/aulalocal" --version | awk '{print $2}')"
[ -n "$version" ] || { echo "make-tarball: the built program printed no version" >&2; exit 1; }
metainfo="$here/io.github.aulalocal.AulaLocal.metainfo.xml"
newest="$(sed -n 's/.*<release version="\([^"]*\)".*/\1/p' "$metainfo" | head -n1)"
if [ "$newest" != "$version" ]; then
  echo "make-tarball: the program is $version but the newest <release> in $metainfo is ${newest:-missing}; add a release entry" >&2
  exit 1
fi

# The oldest glibc the build runs on: the newest GLIBC_x.y symbol any file needs.
glibc="$(find "$dist" -type f \( -name '*.so*' -o -name aulalocal \) -exec objdump -T {} + 2>/dev/null \
  | grep -o 'GLIBC_[0-9][0-9.]*' | sed 's/GLIBC_//' | sort -u -V | tail -n1)"
glibc="${glibc:-unknown}"

arch="$(uname -m)"
name="aulalocal-$version-linux-$arch"
stage="$(mktemp -d "${TMPDIR:-/tmp}/aulalocal-tarball.XXXXXX")"
trap 'rm -rf "$stage"' EXIT
top="$stage/$name"
mkdir -p "$top/share/applications" "$top/share/metainfo" "$top/share/icons/hicolor/scalable/apps"

cp -a "$dist" "$top/aulalocal"
install -m 0755 "$here/install.sh" "$here/uninstall.sh" "$top/"
install -m 0644 "$here/aulalocal.desktop" "$top/share/applications/"
install -m 0644 "$metainfo" "$top/share/metainfo/"
cp -a "$root/resources/icons/hicolor/." "$top/share/icons/hicolor/"
install -m 0644 "$root/resources/aulalocal.svg" "$top/share/icons/hicolor/scalable/apps/aulalocal.svg"
cat > "$top/LEEME.txt" <<EOF
AulaLocal $version para Linux ($arch)
Necesita Linux con glibc $glibc o más nueva (para ver la suya: ldd --version).
Needs Linux with glibc $glibc or newer (to see yours: ldd --version).

Instalar (para el usuario actual, sin contraseña de administrador):
    ./install.sh
AulaLocal aparece en el menú (Educación). Desinstalar:
    ~/.local/opt/aulalocal/uninstall.sh
Sin instalar: ./aulalocal/aulalocal

Install (for the current user, no administrator password):
    ./install.sh
AulaLocal appears in the menu (Education). Uninstall:
    ~/.local/opt/aulalocal/uninstall.sh
Without installing: ./aulalocal/aulalocal
EOF

archive="$out_dir/$name.tar.gz"
mtime="@$(stat -c %Y "$dist/aulalocal")"
tar --sort=name --owner=0 --group=0 --numeric-owner --mtime="$mtime" -C "$stage" -cf - "$name" \
  | gzip -9 -n > "$archive.tmp"
mv "$archive.tmp" "$archive"

folder_mb="$(du -sm "$dist" | cut -f1)"
archive_mb="$(du -sm --apparent-size "$archive" | cut -f1)"
echo "wrote $archive ($archive_mb MB; the program folder is $folder_mb MB; needs glibc >= $glibc)"
