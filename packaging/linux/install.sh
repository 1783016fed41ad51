#!/usr/bin/env bash
# Install AulaLocal for the current user, from the unpacked tar.gz:
#
#     tar xzf aulalocal-VERSION-linux-x86_64.tar.gz
#     cd aulalocal-VERSION-linux-x86_64
#     ./install.sh
#
# Puts the program in ~/.local/opt/aulalocal, a launcher in ~/.local/bin, and
# the menu entry, icons and AppStream data in the user's XDG folders. No root
# needed; running it again updates the installation in place. The teacher's
# data folder (~/.local/share/AulaLocal) is never touched.
#
# Remove with ~/.local/opt/aulalocal/uninstall.sh (or ./uninstall.sh here).
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
data_home="${XDG_DATA_HOME:-$HOME/.local/share}"
opt="$HOME/.local/opt"
dest="$opt/aulalocal"
bin="$HOME/.local/bin"
apps="$data_home/applications"
icons="$data_home/icons/hicolor"
metainfo="$data_home/metainfo"

say() { printf '%s\n' "$*"; }
die() { printf 'install.sh: error: %s\n' "$*" >&2; exit 1; }

[ -x "$here/aulalocal/aulalocal" ] || die "no program in $here/aulalocal (unpack the whole archive and run install.sh from it)"
[ -f "$here/share/applications/aulalocal.desktop" ] || die "the archive is incomplete: share/applications/aulalocal.desktop is missing"
if [ "$(id -u)" = 0 ]; then
  say "Note: installing for root only (into $HOME). Run this as the teacher's user to put AulaLocal in their menu."
fi

# The program: copy next to the old one, then swap, so a failed copy leaves the old one working.
mkdir -p "$opt"
rm -rf "$dest.new"
cp -a "$here/aulalocal" "$dest.new"
install -m 0755 "$here/uninstall.sh" "$dest.new/uninstall.sh"
rm -rf "$dest.old"
[ -e "$dest" ] && mv "$dest" "$dest.old"
mv "$dest.new" "$dest"
rm -rf "$dest.old"

# Launcher for a terminal: `aulalocal`, `aulalocal catalog status`, ...
mkdir -p "$bin"
ln -sfn "$dest/aulalocal" "$bin/aulalocal"

# Menu entry, pointing at the installed program by its full path (the desktop
# session's PATH may not include ~/.local/bin).
mkdir -p "$apps"
sed -e "s|^Exec=.*|Exec=\"$dest/aulalocal\"|" -e "s|^TryExec=.*|TryExec=$dest/aulalocal|" \
  "$here/share/applications/aulalocal.desktop" > "$apps/aulalocal.desktop.tmp"
chmod 0644 "$apps/aulalocal.desktop.tmp"
mv "$apps/aulalocal.desktop.tmp" "$apps/aulalocal.desktop"

# Icons (16 to 256 px, and the SVG), AppStream metadata.
(cd "$here/share/icons/hicolor" && find . -type f -name 'aulalocal.*') | while read -r rel; do
  mkdir -p "$icons/$(dirname "$rel")"
  install -m 0644 "$here/share/icons/hicolor/$rel" "$icons/$rel"
done
mkdir -p "$metainfo"
install -m 0644 "$here/share/metainfo/io.github.aulalocal.AulaLocal.metainfo.xml" "$metainfo/"

# Refresh the menus' caches where the tools exist (desktops also notice by themselves).
command -v update-desktop-database >/dev/null 2>&1 && update-desktop-database -q "$apps" || true
command -v gtk-update-icon-cache >/dev/null 2>&1 && gtk-update-icon-cache -q -t -f "$icons" 2>/dev/null || true
touch "$icons" 2>/dev/null || true

# Does it start? --version loads no Qt; then look for system libraries Qt needs.
version="$("$dest/aulalocal" --version)" || die "the installed program does not start ($dest/aulalocal)"
missing=""
for lib in "$dest/_internal/PySide6/Qt/plugins/platforms/libqxcb.so" "$dest/_internal/PySide6/QtWidgets.abi3.so"; do
  [ -e "$lib" ] || continue
  missing="$missing $(LD_LIBRARY_PATH="$dest/_internal:$dest/_internal/PySide6/Qt/lib" ldd "$lib" 2>/dev/null | awk '/not found/ {print $1}')"
done
missing="$(printf '%s\n' $missing | sort -u | tr '\n' ' ' | sed 's/ *$//')"

say "Installed $version in $dest"
say "  menu: Education > AulaLocal    terminal: $bin/aulalocal"
if [ -n "$missing" ]; then
  say "Warning: these system libraries are missing, the window may not open: $missing"
  say "  On Debian or Ubuntu: sudo apt install libdbus-1-3 libgl1 libegl1 libfontconfig1 libxkbcommon0"
fi
case ":$PATH:" in
  *":$bin:"*) ;;
  *) say "  ($bin is not on PATH yet; it is after the next login on most systems)" ;;
esac
