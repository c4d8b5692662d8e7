#!/usr/bin/env bash
# Batch mode's memory on rows far past their limit, and on many rows near it:
#   - one-line.jsonl: a 60 MB single-line JSONL file (one object with a 60 MB value);
#   - one-row.csv: a header and one row whose value is 60 MB, quoted;
#   - wide-rows.csv: 3,000 rows of seven 4,000-byte values (84 MB), all within the limits;
#   - past-64MiB.jsonl, past-64MiB.csv: the same as the first two at 70 MB, past the 64 MiB
#     a row is skipped to its end over (`batch::MAX_SKIPPED_LINE_BYTES`): such a file is not
#     rows, and reading stops with an error (exit code 65) that repeats none of it;
# each through
#
#   bindcheck validate --input FILE > results.jsonl
#
# under GNU time: max RSS (target: under 100 MB for each, i.e. a row is never held in
# memory whole, and rows are not held by the thousand), wall time, and the result: one
# malformed row that repeats none of the row's digits, 3,000 rows checked, or the error.
#
#   benches/batch_memory.sh
#   SIZE_MB=30 NO_BUILD=1 benches/batch_memory.sh     # the first two files' size (at most 64)
#   BIN=/path/to/another/bindcheck benches/batch_memory.sh    # measure another build
#
# The files are written into a temporary directory, removed at the end (KEEP_TMP=1 keeps
# it). Needs cargo and GNU time (/usr/bin/time; `apt-get install -y time` if missing).
# NO_BUILD=1 skips the build and measures the binary already in target/release.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
size_mb=${SIZE_MB:-60}
if ((size_mb > 64)); then
  echo "SIZE_MB=$size_mb: a row past 64 MiB ends reading (past-64MiB.* measure that); use at most 64" >&2
  exit 2
fi
target_mb=100
target_dir=${CARGO_TARGET_DIR:-$root/target}
bin=${BIN:-$target_dir/release/bindcheck}

if [[ ! -x /usr/bin/time ]]; then
  echo "GNU time is missing: apt-get install -y time" >&2
  exit 2
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/bindcheck-batch-memory.XXXXXX")
if [[ "${KEEP_TMP:-0}" == 1 ]]; then
  echo "keeping $tmp"
else
  trap 'rm -rf "$tmp"' EXIT
fi

if [[ -n "${BIN:-}" || "${NO_BUILD:-0}" == 1 ]]; then
  echo "== using the existing $bin"
  [[ -x $bin ]] || { echo "$bin is missing: build it with cargo build --release" >&2; exit 2; }
else
  echo "== building bindcheck (release)"
  (cd "$root" && cargo build --release --quiet --bin bindcheck)
fi

# The value is digits (a card number's alphabet), so that an output repeating any of it shows.
digits() { head -c "$1" /dev/zero | tr '\0' '7'; }
bytes=$((size_mb * 1000 * 1000))
echo "== writing the files into $tmp"
jsonl_line() { printf '{"card": "'; digits $(($1 - 13)); printf '"}\n'; }
csv_row() { printf 'phone,card\n13800138000,"'; digits $(($1 - 26)); printf '"\n'; }
jsonl_line "$bytes" >"$tmp/one-line.jsonl"
csv_row "$bytes" >"$tmp/one-row.csv"
jsonl_line 70000000 >"$tmp/past-64MiB.jsonl"
csv_row 70000000 >"$tmp/past-64MiB.csv"
value=$(digits 4000)
{
  echo "phone,email,card,expiry,cvv,id_number,name,region"
  for ((i = 0; i < 3000; i++)); do
    echo "$value,$value,$value,$value,$value,$value,$value,none"
  done
} >"$tmp/wide-rows.csv"
ls -l "$tmp"/*.jsonl "$tmp"/*.csv | awk '{ printf "%12d bytes  %s\n", $5, $NF }'

declare -A expect=(
  [one-line.jsonl]="1 rows: 0 valid, 0 with errors, 1 malformed"
  [one-row.csv]="1 rows: 0 valid, 0 with errors, 1 malformed"
  [wide-rows.csv]="3000 rows: 0 valid, 3000 with errors, 0 malformed"
  [past-64MiB.jsonl]="hint: the rows before were checked and written"
  [past-64MiB.csv]="hint: the rows before were checked and written"
)
# Exit code 2: a row is malformed or has errors, as every row here must; 65: the input is
# not rows (docs/guide.md, "Exit codes").
declare -A expect_status=([one-line.jsonl]=2 [one-row.csv]=2 [wide-rows.csv]=2 [past-64MiB.jsonl]=65 [past-64MiB.csv]=65)
failed=0
results=()
for file in one-line.jsonl one-row.csv wide-rows.csv past-64MiB.jsonl past-64MiB.csv; do
  echo "== running: bindcheck validate --input $file > results.jsonl"
  status=0
  /usr/bin/time -v -o "$tmp/time.txt" "$bin" validate --input "$tmp/$file" \
    >"$tmp/results.jsonl" 2>"$tmp/stderr.txt" || status=$?
  if [[ $status -ne ${expect_status[$file]} ]]; then
    echo "bindcheck exited with $status, not ${expect_status[$file]}:" >&2
    cat "$tmp/stderr.txt" "$tmp/time.txt" >&2
    exit 1
  fi
  rss_kb=$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$tmp/time.txt")
  wall=$(awk -F': ' '/Elapsed \(wall clock\) time/ {
    n = split($2, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i]; print s }' "$tmp/time.txt")
  said=$(tail -n 1 "$tmp/stderr.txt")
  # The result is at most a few hundred bytes; anything longer repeats the row.
  head -n 1 "$tmp/results.jsonl" | cut -c 1-300 | sed 's/^/   result: /'
  echo "   bindcheck said: $said (exit code $status)"
  # A malformed row's error names no value; the checked rows' values are masked.
  if grep -q 7777777 "$tmp/results.jsonl" "$tmp/stderr.txt"; then
    echo "   the output repeats the row's digits" >&2
    failed=1
  fi
  if [[ $said != *"${expect[$file]}"* ]]; then
    echo "   expected: ${expect[$file]}" >&2
    failed=1
  fi
  results+=("$file $rss_kb $wall")
done

echo
echo "== results ($(nproc) cores; trial numbers unless the machine was idle)"
printf '%-16s %14s %10s  %s\n' file "max RSS" wall "target: under $target_mb MB"
for r in "${results[@]}"; do
  read -r file rss_kb wall <<<"$r"
  awk -v f="$file" -v rss="$rss_kb" -v wall="$wall" -v target="$target_mb" 'BEGIN {
    mb = rss * 1024 / 1e6
    printf "%-16s %8.1f MB    %7.2f s  %s\n", f, mb, wall, (mb < target ? "met" : "not met")
    if (mb >= target) exit 1
  }' || failed=1
done
exit "$failed"
