#!/usr/bin/env bash
# Remove what packaging/linux/install.sh installed for the current user:
#
#     ~/.local/opt/aulalocal/uninstall.sh           # keeps the teacher's data
#     ~/.local/opt/aulalocal/uninstall.sh --purge   # also deletes the data folder
#
# The data folder (catalog, favorites, notes, trusted keys) is
# ~/.local/share/AulaLocal; it stays unless --purge is given, so that
# reinstalling brings everything back.
set -euo pipefail

purge=0
case "${1:-}" in
  "") ;;
  --purge) purge=1 ;;
  -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
  *) printf 'uninstall.sh: unknown option %s (use --purge or nothing)\n' "$1" >&2; exit 2 ;;
esac

data_home="${XDG_DATA_HOME:-$HOME/.local/share}"
dest="$HOME/.local/opt/aulalocal"
bin="$HOME/.local/bin/aulalocal"
icons="$data_home/icons/hicolor"

# The launcher only if it is ours.
if [ -L "$bin" ] && [ "$(readlink "$bin")" = "$dest/aulalocal" ]; then
  rm -f "$bin"
fi
rm -f "$data_home/applications/aulalocal.desktop"
rm -f "$data_home/metainfo/io.github.aulalocal.AulaLocal.metainfo.xml"
if [ -d "$icons" ]; then
  find "$icons" -path '*/apps/aulalocal.*' -type f -delete
fi
command -v update-desktop-database >/dev/null 2>&1 && update-desktop-database -q "$data_home/applications" || true
command -v gtk-update-icon-cache >/dev/null 2>&1 && gtk-update-icon-cache -q -t -f "$icons" 2>/dev/null || true
rm -rf "$dest" "$dest.new" "$dest.old"

if [ "$purge" = 1 ]; then
  rm -rf "$data_home/AulaLocal"
  printf 'AulaLocal and its data folder were removed.\n'
else
  printf 'AulaLocal was removed. Its data folder stays: %s\n' "$data_home/AulaLocal"
fi
