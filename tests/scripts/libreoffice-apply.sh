#!/usr/bin/env bash
# Check the workbooks of applying results in LibreOffice: the team
# summaries of a month and of the year (奖金发放, 月度奖金, 改进计划,
# 优秀人员, 分布检查, 团队趋势) and a scheme comparison (方案对比) must
# open and convert to PDF, and every sheet, recalculated by LibreOffice on
# load, must show exactly the values kaohe cached (each sheet exported to
# CSV with "always recalculate" and with "never recalculate").
#
#   tests/scripts/libreoffice-apply.sh
#
# Needs LibreOffice and poppler-utils (`apt-get install libreoffice-calc
# poppler-utils`); exits 0 with a note when they are not installed.
set -euo pipefail
cd "$(dirname "$0")/../.."
if ! command -v soffice >/dev/null 2>&1 || ! command -v pdfinfo >/dev/null 2>&1; then
  echo "libreoffice-apply: soffice or pdfinfo not installed; skipped"
  exit 0
fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cargo run --release -q -- run samples/ledgers --year 2026 --out "$work/out" >/dev/null
# The proposed scheme: the sample's first two weights swapped.
python3 - "$work/b.toml" <<'PY'
import sys
s = open("samples/考核方案.toml", encoding="utf-8").read()
s = s.replace('code = "sales_achievement"\nweight = 25', 'code = "sales_achievement"\nweight = 8', 1)
s = s.replace('code = "first_payment_rate"\nweight = 8', 'code = "first_payment_rate"\nweight = 25', 1)
open(sys.argv[1], "w", encoding="utf-8").write(s)
PY
cargo run --release -q -- compare samples/ledgers --scheme samples/考核方案.toml --scheme "$work/b.toml" --year 2026 --out "$work/cmp" >/dev/null

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
mkdir -p "$work/in" "$work/recalc" "$work/cached" "$work/pdf"
cp "$work/out/2026-03/团队汇总_2026-03.xlsx" "$work/in/month.xlsx"
cp "$work/out/2026/团队汇总_2026.xlsx" "$work/in/year.xlsx"
cp "$work/cmp/方案对比_2026.xlsx" "$work/in/compare.xlsx"
files=("$work/in"/*.xlsx)
# Every sheet to its own CSV (UTF-8, values as shown by their formats).
filter='csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true,false,false,-1'
soffice -env:UserInstallation="file://$work/always" --headless --convert-to "$filter" --outdir "$work/recalc" "${files[@]}" >/dev/null 2>&1
soffice -env:UserInstallation="file://$work/never" --headless --convert-to "$filter" --outdir "$work/cached" "${files[@]}" >/dev/null 2>&1
n=0
for f in "$work/cached"/*.csv; do
  name="$(basename "$f")"
  if ! cmp -s "$f" "$work/recalc/$name"; then
    echo "libreoffice-apply: $name differs after recalculation:"
    diff "$f" "$work/recalc/$name" | head -20
    exit 1
  fi
  n=$((n + 1))
done
for sheet in month-奖金发放 year-奖金发放 year-月度奖金 year-改进计划 year-优秀人员 year-分布检查 year-团队趋势 compare-总分对比 compare-等级分布 compare-指标变化; do
  [ -s "$work/cached/$sheet.csv" ] || { echo "libreoffice-apply: no sheet $sheet"; exit 1; }
done
soffice -env:UserInstallation="file://$work/never" --headless --convert-to pdf --outdir "$work/pdf" "${files[@]}" >/dev/null 2>&1
for f in month year compare; do
  pages="$(pdfinfo "$work/pdf/$f.pdf" | awk '/^Pages:/ {print $2}')"
  [ "${pages:-0}" -gt 0 ] || { echo "libreoffice-apply: $f.pdf has no pages"; exit 1; }
  echo "libreoffice-apply: $f: $pages pages"
done
echo "libreoffice-apply: $n sheets — recalculated values equal the cached ones"
