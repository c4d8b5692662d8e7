#!/usr/bin/env bash
# Batch mode on a large CSV: wall time, rows/s, CPU % (target: near 200 on 2 cores, i.e.
# both cores busy) and peak memory (target: max RSS under 64 MB).
#
#   benches/batch.sh            # 1,000,000 rows
#   ROWS=100000 benches/batch.sh
#
# The CSV (phone,email,card; see benches/gen_batch.py) is generated deterministically into
# a temporary directory, removed at the end (KEEP_TMP=1 keeps it). Needs python3, cargo and
# GNU time (/usr/bin/time; `apt-get install -y time` if missing). NO_BUILD=1 skips the
# build and measures the binary already in target/release.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
rows=${ROWS:-1000000}
target_dir=${CARGO_TARGET_DIR:-$root/target}
bin=$target_dir/release/bindcheck

if [[ ! -x /usr/bin/time ]]; then
  echo "GNU time is missing: apt-get install -y time" >&2
  exit 2
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/bindcheck-batch.XXXXXX")
if [[ "${KEEP_TMP:-0}" == 1 ]]; then
  echo "keeping $tmp"
else
  trap 'rm -rf "$tmp"' EXIT
fi

echo "== generating $rows rows into $tmp/big.csv"
python3 "$here/gen_batch.py" "$rows" "$tmp/big.csv"
echo "$(wc -c <"$tmp/big.csv") bytes"

if [[ "${NO_BUILD:-0}" == 1 ]]; then
  echo "== NO_BUILD=1: using the existing $bin"
  [[ -x $bin ]] || { echo "$bin is missing: build it with cargo build --release" >&2; exit 2; }
else
  echo "== building bindcheck (release)"
  (cd "$root" && cargo build --release --quiet --bin bindcheck)
fi

echo "== running: bindcheck validate --input big.csv > /dev/null  ($(nproc) cores)"
status=0
/usr/bin/time -v -o "$tmp/time.txt" "$bin" validate --input "$tmp/big.csv" >/dev/null 2>"$tmp/stderr.txt" || status=$?
# Exit code 1 only means some rows have errors, as a realistic batch does.
if [[ $status -gt 1 ]]; then
  echo "bindcheck failed with exit code $status:" >&2
  cat "$tmp/stderr.txt" "$tmp/time.txt" >&2
  exit 1
fi
echo "bindcheck said: $(tail -n 1 "$tmp/stderr.txt") (exit code $status)"

wall=$(awk -F': ' '/Elapsed \(wall clock\) time/ {
  n = split($2, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i]; print s }' "$tmp/time.txt")
cpu=$(awk -F': ' '/Percent of CPU this job got/ { sub("%", "", $2); print $2 }' "$tmp/time.txt")
user=$(awk -F': ' '/User time \(seconds\)/ { print $2 }' "$tmp/time.txt")
sys=$(awk -F': ' '/System time \(seconds\)/ { print $2 }' "$tmp/time.txt")
rss_kb=$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$tmp/time.txt")

echo
echo "== results (trial numbers unless the machine was idle)"
awk -v rows="$rows" -v wall="$wall" -v cpu="$cpu" -v user="$user" -v sys="$sys" -v rss="$rss_kb" -v cores="$(nproc)" 'BEGIN {
  printf "rows          %d\n", rows
  printf "wall time     %.2f s\n", wall
  printf "rows/s        %.0f\n", (wall > 0 ? rows / wall : 0)
  printf "user + sys    %.2f s + %.2f s\n", user, sys
  printf "CPU %%         %d%%  (target near %d%%: %s)\n", cpu, 100 * cores, (cpu >= 90 * cores ? "met" : "not met")
  printf "max RSS       %.1f MB (%d KiB; target under 64 MB: %s)\n", rss * 1024 / 1e6, rss, (rss * 1024 < 64e6 ? "met" : "not met")
}'
