#!/usr/bin/env bash
# Check that LibreOffice, recalculating every formula on load, shows exactly
# the values kaohe cached in the per-rep workbooks: each 考核表 sheet is
# exported to CSV twice — once with "always recalculate", once with "never
# recalculate" (the cached results) — and the two must be identical.
#
#   tests/scripts/libreoffice-recalc.sh [PERIOD]      (default 2026-03)
#
# Needs LibreOffice (`apt-get install libreoffice-calc`); exits 0 with a note
# when it is not installed.
set -euo pipefail
cd "$(dirname "$0")/../.."
period="${1:-2026-03}"
if ! command -v soffice >/dev/null 2>&1; then
  echo "libreoffice-recalc: soffice not installed; skipped"
  exit 0
fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cargo run --release -q -- run samples/ledgers --period "$period" --out "$work/out" >/dev/null

profile() { # $1 = dir, $2 = OOXMLRecalcMode (0 always, 1 never)
  mkdir -p "$1/user"
  cat > "$1/user/registrymodifications.xcu" <<XCU
<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>$2</value></prop></item>
</oor:items>
XCU
}
profile "$work/always" 0
profile "$work/never" 1
mkdir -p "$work/recalc" "$work/cached"
files=("$work/out/$period"/S*.xlsx)
# CSV of the first sheet (考核表), UTF-8, values as shown.
filter='csv:Text - txt - csv (StarCalc):44,34,76,1'
soffice -env:UserInstallation="file://$work/always" --headless --convert-to "$filter" --outdir "$work/recalc" "${files[@]}" >/dev/null 2>&1
soffice -env:UserInstallation="file://$work/never" --headless --convert-to "$filter" --outdir "$work/cached" "${files[@]}" >/dev/null 2>&1
n=0
for f in "$work/cached"/*.csv; do
  name="$(basename "$f")"
  if ! cmp -s "$f" "$work/recalc/$name"; then
    echo "libreoffice-recalc: $name differs after recalculation:"
    diff "$f" "$work/recalc/$name" | head -20
    exit 1
  fi
  n=$((n + 1))
done
[ "$n" -eq "${#files[@]}" ] || { echo "libreoffice-recalc: exported $n of ${#files[@]} workbooks"; exit 1; }
echo "libreoffice-recalc: $n workbooks of $period — recalculated values equal the cached ones"
