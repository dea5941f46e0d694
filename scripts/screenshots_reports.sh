#!/usr/bin/env bash
# Regenerate the seed's annex from the demo data and photograph its first page for the README:
#   scripts/screenshots_reports.sh        → docs/screenshots/annex-report.png (+ -fr)
# Loads the demo into a temporary data directory (the real database is not touched). Needs pdftoppm.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-$( [ -x .venv/bin/python ] && echo .venv/bin/python || echo python3 )}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export COOPREVIEW_DATA_DIR="$tmp/var" DATABASE_URL="sqlite:///$tmp/var/coopreview.sqlite3"
"$PYTHON" -m coopreview demo --no-serve >/dev/null
mkdir -p docs/screenshots
for lang in en fr; do
  suffix=$([ "$lang" = en ] && echo "" || echo "-$lang")
  "$PYTHON" -m coopreview report annex --format pdf --lang "$lang" --theme cooperation \
    --title "$([ "$lang" = en ] && echo "Annex — List of recommendations on cooperation" \
                                 || echo "Annexe — Liste des recommandations sur la coopération")" \
    -o "$tmp/annex-$lang.pdf" 2>/dev/null
  pdftoppm -r 80 -png -f 1 -l 1 -singlefile "$tmp/annex-$lang.pdf" "docs/screenshots/annex-report$suffix"
  echo "docs/screenshots/annex-report$suffix.png"
done
