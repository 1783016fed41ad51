#!/usr/bin/env bash
# Smoke test of the BUILT program (never the source tree):
#
#     packaging/smoke.sh [DIST_DIR]      # default: dist/aulalocal
#
# 1. --version
# 2. catalog status --json on a fresh data folder: the seed catalog
#    aulalocal-seed is there with at least 40 programs
# 3. a publisher's round trip: bundle keygen, a tiny source folder,
#    bundle build, bundle sign, trust add, bundle apply (and the record is found)
# 4. --screenshot offscreen in Quechua: a non-empty PNG
# 5. serve on 127.0.0.1 (as Share in class runs it): the home page answers
# 5. say: a law read aloud in Quechua as MP3 and in Spanish as WAV (the
#    shipped eSpeak voices), and a clean error for an unknown record
#
# Fails (non-zero exit) on the first error. Needs only bash and coreutils; the
# JSON answers are checked by the packaged program's own output, not by a
# Python on the machine.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
dist="${1:-$here/../dist/aulalocal}"
[ -d "$dist" ] || { echo "smoke: no build folder $dist (run make package)" >&2; exit 1; }
dist="$(cd "$dist" && pwd)"
# Windows (Git Bash): the console twin, since the windowed aulalocal.exe has no stdout.
app="$dist/aulalocal-cli.exe"
[ -f "$app" ] || app="$dist/aulalocal"
[ -x "$app" ] || { echo "smoke: no built program in $dist (run make package)" >&2; exit 1; }

work="$(mktemp -d "${TMPDIR:-/tmp}/aulalocal-smoke.XXXXXX")"
trap 'rm -rf "$work"' EXIT
data="$work/data"
# The packaged program must not see the source tree or a developer's settings.
cd "$work"
unset PYTHONPATH PYTHONHOME AULALOCAL_DATA_DIR
export LANG=C.UTF-8 LC_ALL=C.UTF-8

step() { printf 'smoke: %s\n' "$*"; }
fail() { printf 'smoke: FAILED: %s\n' "$*" >&2; exit 1; }
run() { "$app" --data-dir "$data" "$@"; }

step "version"
version="$("$app" --version)"
case "$version" in
  "aulalocal "[0-9]*) step "  $version" ;;
  *) fail "--version printed '$version'" ;;
esac

step "catalog status --json on a fresh data folder"
status="$(run catalog status --json)"
printf '%s\n' "$status" > "$work/status.json"
grep -q '"catalog": "aulalocal-seed"' "$work/status.json" || fail "no seed catalog aulalocal-seed in: $status"
programs="$(sed -n 's/.*"program": \([0-9][0-9]*\).*/\1/p' "$work/status.json" | head -n1)"
[ -n "$programs" ] && [ "$programs" -ge 40 ] || fail "the seed catalog has ${programs:-no} programs, expected at least 40"
step "  aulalocal-seed with $programs programs"

step "publisher round trip: keygen, build, sign, trust add, apply"
run bundle keygen --out "$work/k" --no-passphrase --comment "smoke test publisher" > /dev/null
[ -s "$work/k.pub" ] && [ -s "$work/k.key" ] || fail "keygen wrote no key pair"
src="$work/source"
mkdir -p "$src/program"
cat > "$src/catalog.json" <<'JSON'
{
  "catalog": "smoke-test",
  "sequence": 1,
  "publisher": "Smoke test",
  "created": "2026-01-01T00:00:00Z",
  "languages": ["es", "qu", "en"]
}
JSON
cat > "$src/program/radio-escuela.json" <<'JSON'
{
  "title": {"es": "Radio escuela de prueba", "qu": "Yachay wasi radio", "en": "Test school radio"},
  "summary": {"es": "Un programa de prueba del paquete.", "en": "A test program of the package."},
  "countries": ["PE"],
  "year_start": 2024
}
JSON
run bundle build "$src" --catalog smoke-test --sequence 1 --out "$work/smoke.aulabundle" > /dev/null
[ -s "$work/smoke.aulabundle" ] || fail "bundle build wrote nothing"
run bundle sign "$work/smoke.aulabundle" --key "$work/k.key" > /dev/null
[ -s "$work/smoke.aulabundle.minisig" ] || fail "bundle sign wrote no signature"
run trust add "$work/k.pub" > /dev/null
run bundle apply "$work/smoke.aulabundle" > "$work/apply.txt" || fail "bundle apply: $(cat "$work/apply.txt")"
run catalog status --json | grep -q '"catalog": "smoke-test"' || fail "the applied catalog smoke-test is not listed"
run search "radio escuela" --lang es --json | grep -q '"radio-escuela"' || fail "the applied record is not found by search"
step "  $(cat "$work/apply.txt")"

step "screenshot offscreen (--lang qu)"
QT_QPA_PLATFORM=offscreen run --screenshot "$work/shot.png" --lang qu --size 1024x600 --view home
[ -s "$work/shot.png" ] || fail "--screenshot wrote no picture"
[ "$(head -c 8 "$work/shot.png" | od -An -tx1 | tr -d ' \n')" = "89504e470d0a1a0a" ] || fail "--screenshot did not write a PNG"
step "  $(wc -c < "$work/shot.png" | tr -d ' ') bytes"

step "say: read aloud to MP3 (qu) and WAV (es)"
run say legal_reference cp-183-b --lang qu --out "$work/say-qu.mp3" > /dev/null
[ "$(wc -c < "$work/say-qu.mp3" | tr -d ' ')" -gt 100000 ] || fail "say wrote a too small MP3"
# An MPEG audio frame starts with 11 bits set (0xFFE or 0xFFF...).
case "$(head -c 2 "$work/say-qu.mp3" | od -An -tx1 | tr -d ' \n')" in
  ffe*|fff*) ;;
  *) fail "say did not write an MP3" ;;
esac
run say legal_reference cp-183-b --lang es --out "$work/say-es.wav" > /dev/null
[ "$(head -c 4 "$work/say-es.wav")" = "RIFF" ] || fail "say did not write a WAV"
if run say legal_reference no-such-law --out "$work/none.mp3" 2> "$work/say.err"; then
  fail "say of an unknown record succeeded"
fi
grep -q '^error: ' "$work/say.err" || fail "say of an unknown record printed: $(cat "$work/say.err")"
step "  $(wc -c < "$work/say-qu.mp3" | tr -d ' ') bytes of MP3, $(wc -c < "$work/say-es.wav" | tr -d ' ') bytes of WAV"

step "serve on 127.0.0.1 (Share in class), never announced"
# Its standard input stays open while sleep runs; the site stops when it closes.
(sleep 30 | run serve --json --address 127.0.0.1 --port 0 --no-announce > "$work/serve.json" 2> "$work/serve.err") &
port=""
for _ in $(seq 1 100); do
  port="$(sed -n 's/^{"port": \([0-9][0-9]*\).*/\1/p' "$work/serve.json" | head -n1)"
  [ -n "$port" ] && break
  sleep 0.2
done
[ -n "$port" ] || fail "serve did not start: $(cat "$work/serve.err")"
exec 3<>"/dev/tcp/127.0.0.1/$port"
printf 'GET /qu/ HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' >&3
page="$(cat <&3)"
exec 3<&-
case "$page" in
  "HTTP/1."[01]" 200"*"Aulapaq catálogo"*) step "  port $port: the Quechua home page" ;;
  *) fail "serve answered: $(printf '%s' "$page" | head -c 300)" ;;
esac

step "OK: $dist"
