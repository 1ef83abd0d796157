#!/usr/bin/env bash
# Print the samples' 考核表 sheets to PDF with LibreOffice and count the
# pages of each (docs/scheme.md, "The printed 考核表": one A4 page,
# portrait). Workbooks of a month, a quarter and the year, in Chinese and
# in English; every count must be 1.
#
#   tests/scripts/scorecard-pages.sh [KAOHE_BINARY]   (default: cargo run)
#
# Needs LibreOffice with python3-uno and poppler-utils (`apt-get install
# libreoffice-calc-nogui python3-uno fonts-noto-cjk poppler-utils`); exits
# 0 with a note when they are not installed.
set -euo pipefail
cd "$(dirname "$0")/../.."
if ! command -v soffice >/dev/null 2>&1 || ! command -v pdfinfo >/dev/null 2>&1; then
  echo "scorecard-pages: soffice or pdfinfo not installed; skipped"
  exit 0
fi
kaohe() { if [ -n "${1:-}" ]; then "$1" "${@:2}"; else cargo run -q -- "${@:2}"; fi; }
bin="${1:-}"
work="$(mktemp -d)"
trap 'kill "$office" 2>/dev/null || true; rm -rf "$work"' EXIT
for lang in zh en; do
  for sel in "--period 2026-03" "--quarter 2026-Q1" "--year 2026"; do
    # shellcheck disable=SC2086
    kaohe "$bin" run samples/ledgers $sel --lang "$lang" --out "$work/$lang" >/dev/null
  done
done
mkdir -p "$work/pdf" "$work/profile"
soffice -env:UserInstallation="file://$work/profile" --headless --invisible \
  --accept="socket,host=localhost,port=2002;urp;" >/dev/null 2>&1 &
office=$!
files=()
for lang in zh en; do
  for p in 2026-03 2026-Q1 2026; do
    # Two reps of each period: a B2B and a B2C profile.
    for f in "$work/$lang/$p"/S001_*.xlsx "$work/$lang/$p"/S002_*.xlsx; do
      [ -e "$f" ] && files+=("$f")
    done
  done
done
/usr/bin/python3 tests/scripts/scorecard_pages.py "$work/pdf" "${files[@]}" | tee "$work/pages.txt" \
  | sed "s#$work/##"
bad=$(awk -F'\t' '$1 != 1' "$work/pages.txt" | wc -l)
[ "$bad" -eq 0 ] || { echo "scorecard-pages: $bad 考核表 print on more than one page"; exit 1; }
echo "scorecard-pages: ${#files[@]} 考核表, each on one page"
