#!/usr/bin/env bash
# Compares bindcheck's single-threaded speed with the reference implementations, on the
# same inputs: Python phonenumbers 9.0.33 (parse + is_valid_number), Python email-validator
# 2.4.0 (validate_email, check_deliverability=False) and npm card-validator 10.0.4
# (valid.number). Each side: one warm-up pass over the whole list, then the best of 5
# passes, in ns per item. Targets (issue #16 item 3): bindcheck at least 100x faster on
# phones, 60x on emails, 100x on cards.
#
#   benches/compare/run.sh            # from anywhere; needs python3 (venv), node + npm, cargo
#
# Everything is installed into a temporary directory, removed at the end (KEEP_TMP=1
# keeps it). Timings are only meaningful on an otherwise idle machine.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
declare -A target_ratio=([phone]=100 [email]=60 [card]=100)

tmp=$(mktemp -d "${TMPDIR:-/tmp}/bindcheck-compare.XXXXXX")
if [[ "${KEEP_TMP:-0}" == 1 ]]; then
  echo "keeping $tmp"
else
  trap 'rm -rf "$tmp"' EXIT
fi

echo "== installing the reference implementations into $tmp"
python3 -m venv "$tmp/venv"
"$tmp/venv/bin/pip" install --quiet --disable-pip-version-check phonenumbers==9.0.33 email-validator==2.4.0
npm --prefix "$tmp/node" install --silent --no-audit --no-fund card-validator@10.0.4 >/dev/null
"$tmp/venv/bin/python" --version
echo "node $(node --version), card-validator $(node -p 'require(process.argv[1]).version' "$tmp/node/node_modules/card-validator/package.json"), credit-card-type $(node -p 'require(process.argv[1]).version' "$tmp/node/node_modules/credit-card-type/package.json")"

echo "== building bindcheck's throughput bench (bench profile = release settings)"
cd "$root"
cargo bench --bench throughput --no-run --quiet
bench() { cargo bench --quiet --bench throughput -- "$@"; }
bench write-inputs "$tmp/inputs"

declare -A file=([phone]="$tmp/inputs/phone.tsv" [email]="$tmp/inputs/email.txt" [card]="$tmp/inputs/card.txt")
declare -A ref bc refvalid bcvalid
result() { grep '^RESULT ' | tail -n 1; }

for kind in phone email card; do
  echo "== $kind"
  if [[ $kind == card ]]; then
    line=$(NODE_PATH="$tmp/node/node_modules" node "$here/card.cjs" "${file[$kind]}" | tee /dev/stderr | result)
  else
    line=$("$tmp/venv/bin/python" "$here/reference.py" "$kind" "${file[$kind]}" | tee /dev/stderr | result)
  fi
  read -r _ _ _ ref[$kind] refvalid[$kind] <<<"$line"
  line=$(bench "$kind" "${file[$kind]}" | tee /dev/stderr | result)
  read -r _ _ _ bc[$kind] bcvalid[$kind] <<<"$line"
done

echo
echo "== results (single thread, best of 5 passes; trial numbers unless the machine was idle)"
printf '%-6s %-16s %14s %14s %9s %7s %s\n' kind reference "reference ns" "bindcheck ns" ratio target met
declare -A refname=([phone]=phonenumbers [email]=email-validator [card]=card-validator)
for kind in phone email card; do
  ratio=$(awk -v r="${ref[$kind]}" -v b="${bc[$kind]}" 'BEGIN { printf "%.1f", r / b }')
  met=$(awk -v x="$ratio" -v t="${target_ratio[$kind]}" 'BEGIN { print (x >= t ? "yes" : "no") }')
  printf '%-6s %-16s %14s %14s %8sx %6sx %s\n' "$kind" "${refname[$kind]}" "${ref[$kind]}" "${bc[$kind]}" "$ratio" "${target_ratio[$kind]}" "$met"
done
echo
echo "valid counts (reference / bindcheck; phone and card should agree, email policies differ):"
for kind in phone email card; do
  echo "  $kind: ${refvalid[$kind]} / ${bcvalid[$kind]}"
done
