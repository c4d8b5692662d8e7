#!/usr/bin/env bash
# Batch mode on phones (#16 item 1): a whole `bindcheck validate --input x.jsonl
# --input-format jsonl` process on a mixed-region phone corpus, JSON lines out, against
# Python phonenumbers 9.0.33's parse + is_valid_number over the same rows, in one run.
#
#   benches/batch_phones.sh                 # 30,000 and 1,280,000 rows
#   COLD_ROWS=30000 STEADY_ROWS=1280000 RUNS=3 benches/batch_phones.sh
#   VENV=/path/to/venv NO_BUILD=1 benches/batch_phones.sh
#   BEFORE_BIN=/path/to/main/bindcheck NO_BUILD=1 benches/batch_phones.sh   # before and after
#
# With BEFORE_BIN, that binary is measured too, in the same run: every timed run of it is
# followed by one of BIN on the same file, so both sides see the same load, and its output
# of COLD_ROWS must be byte-identical to BIN's (`cmp`), or the script fails.
#
# The corpus: the inputs of fixtures/phone/reference.csv (libphonenumber's answers for
# about 240 regions, national and international forms) as `{"phone": .., "region": ..}`
# rows, repeated in order to the row count. Measured, each the best of RUNS runs:
# - one core (`taskset -c 0`): rows/s of the whole process on COLD_ROWS (the first
#   number of every region included) and on STEADY_ROWS; targets 300,000 and 600,000;
# - both cores (`taskset -c 0,1`) on STEADY_ROWS: the scaling over one core; target 1.8x.
#   STEADY_ROWS is about a second of work on one core (at 1.4 M rows/s), so that the steady
#   state is measured: a process's start and end (about 5 ms, which no second core shortens)
#   were 2% of a one-core run over the 320,000 rows this used before, and 4% of a two-core one;
# - peak RSS of every run (GNU time); target at most 64 MB;
# - phonenumbers: rows/s of parse + is_valid_number alone (no file reading, no output:
#   the generous side for Python), its first pass over COLD_ROWS and the best of RUNS
#   passes; bindcheck's target is 30x on both.
# Wall times come from `date +%s%N` around each process. Timings are only meaningful on
# an otherwise idle machine; say how loaded it was next to any figure.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
cold_rows=${COLD_ROWS:-30000}
steady_rows=${STEADY_ROWS:-1280000}
runs=${RUNS:-3}
target_dir=${CARGO_TARGET_DIR:-$root/target}
bin=${BIN:-$target_dir/release/bindcheck}

if [[ ! -x /usr/bin/time ]]; then
  echo "GNU time is missing: apt-get install -y time" >&2
  exit 2
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/bindcheck-batch-phones.XXXXXX")
if [[ "${KEEP_TMP:-0}" == 1 ]]; then
  echo "keeping $tmp"
else
  trap 'rm -rf "$tmp"' EXIT
fi

if [[ -n "${VENV:-}" ]]; then
  venv=$VENV
else
  echo "== installing phonenumbers 9.0.33 into $tmp/venv"
  python3 -m venv "$tmp/venv"
  "$tmp/venv/bin/pip" install --quiet --disable-pip-version-check phonenumbers==9.0.33
  venv=$tmp/venv
fi

if [[ "${NO_BUILD:-0}" == 1 ]]; then
  [[ -x $bin ]] || { echo "$bin is missing: build it with cargo build --release" >&2; exit 2; }
else
  echo "== building bindcheck (release)"
  (cd "$root" && cargo build --release --quiet --bin bindcheck)
fi

echo "== writing the corpus ($cold_rows and $steady_rows rows) from fixtures/phone/reference.csv"
"$venv/bin/python" - "$root/fixtures/phone/reference.csv" "$tmp" "$cold_rows" "$steady_rows" <<'EOF'
import csv, json, sys
src, out, sizes = sys.argv[1], sys.argv[2], [int(n) for n in sys.argv[3:]]
with open(src, encoding="utf-8", newline="") as f:
    cases = [(r["input"], r["default_region"]) for r in csv.DictReader(f)]
for n in sizes:
    with open(f"{out}/{n}.jsonl", "w", encoding="utf-8", newline="\n") as j, \
         open(f"{out}/{n}.tsv", "w", encoding="utf-8", newline="\n") as t:
        for i in range(n):
            phone, region = cases[i % len(cases)]
            row = {"phone": phone, "region": region} if region else {"phone": phone}
            j.write(json.dumps(row, ensure_ascii=False) + "\n")
            t.write(f"{phone}\t{region}\n")
print(f"{len(cases)} distinct inputs")
EOF

# best_runs CPUS FILE OUT BIN...: for each BIN, the best wall time (s) of `runs` runs and
# the largest peak RSS, as "best rss" pairs in the order given. The binaries take turns run
# by run, so a change in the machine's load falls on all of them alike. OUT is BIN's output
# with `.N` (its position) appended, unless it is /dev/null.
best_runs() {
  local cpus=$1 file=$2 out=$3 i n status start end t m o
  shift 3
  local -a bins=("$@") best=() rss=()
  for _ in $(seq "$runs"); do
    for i in "${!bins[@]}"; do
      o=$out
      [[ $out == /dev/null ]] || o=$out.$i
      start=$(date +%s%N)
      status=0
      taskset -c "$cpus" /usr/bin/time -f "%M" -o "$tmp/rss.txt" \
        "${bins[$i]}" validate --input "$file" --input-format jsonl >"$o" 2>"$tmp/stderr.txt" || status=$?
      end=$(date +%s%N)
      # Exit codes 1 and 2 only say some rows have errors, as much of this corpus has.
      if [[ $status -gt 2 ]]; then
        echo "${bins[$i]} failed with exit code $status:" >&2
        cat "$tmp/stderr.txt" >&2
        exit 1
      fi
      t=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.4f", (b - a) / 1e9 }')
      m=$(tail -n 1 "$tmp/rss.txt")
      best[$i]=$(awk -v a="${best[$i]:-}" -v b="$t" 'BEGIN { print (a == "" || b < a) ? b : a }')
      n=${rss[$i]:-0}
      rss[$i]=$((m > n ? m : n))
    done
  done
  for i in "${!bins[@]}"; do
    printf '%s %s ' "${best[$i]}" "${rss[$i]}"
  done
  echo
}

bins=("$bin")
[[ -z "${BEFORE_BIN:-}" ]] || bins=("$BEFORE_BIN" "$bin")

echo "== phonenumbers: parse + is_valid_number over the same rows (one core)"
read -r py_cold py_steady py_valid < <(taskset -c 0 "$venv/bin/python" - "$here/compare" "$tmp/$cold_rows.tsv" "$runs" <<'EOF'
import sys, time
sys.path.insert(0, sys.argv[1])
from reference import phone_pass_factory  # the pass benches/compare/run.sh times
items, one_pass = phone_pass_factory(sys.argv[2])
def timed():
    t = time.perf_counter()
    valid = one_pass()
    return time.perf_counter() - t, valid
cold, valid = timed()
steady = min(timed()[0] for _ in range(int(sys.argv[3])))
print(len(items) / cold, len(items) / steady, valid)
EOF
)

echo "== bindcheck validate --input N.jsonl --input-format jsonl > /dev/null, best of $runs"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
read -r -a cold < <(best_runs 0 "$tmp/$cold_rows.jsonl" "$tmp/out.jsonl" "${bins[@]}")
last=$((${#bins[@]} - 1))
bc_valid=$(grep -c '^{"row":[0-9]*,"ok":true' "$tmp/out.jsonl.$last" || true)
tail -n 1 "$tmp/stderr.txt"
if [[ -n "${BEFORE_BIN:-}" ]]; then
  cmp "$tmp/out.jsonl.0" "$tmp/out.jsonl.$last"
  echo "the output of $cold_rows rows is byte-identical before and after"
fi
read -r -a steady < <(best_runs 0 "$tmp/$steady_rows.jsonl" /dev/null "${bins[@]}")
read -r -a both < <(best_runs 0,1 "$tmp/$steady_rows.jsonl" /dev/null "${bins[@]}")
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"

# results LABEL I: the figures of the I-th binary.
results() {
  local i=$(($2 * 2))
  echo
  echo "== results: $1 ($(nproc) cores; trial numbers unless the machine was idle)"
  awk -v cr="$cold_rows" -v sr="$steady_rows" -v cs="${cold[$i]}" -v ss="${steady[$i]}" -v bs="${both[$i]}" \
    -v crss="${cold[$i + 1]}" -v srss="${steady[$i + 1]}" -v brss="${both[$i + 1]}" \
    -v pyc="$py_cold" -v pys="$py_steady" -v pyv="$py_valid" -v bcv="$bc_valid" 'BEGIN {
    c = cr / cs; s = sr / ss; b = sr / bs
    printf "one core, %7d rows   %9.0f rows/s  (target 300,000: %s)  %5.1fx phonenumbers cold (%.0f rows/s; target 30x: %s)\n", cr, c, (c >= 300000 ? "met" : "not met"), c / pyc, pyc, (c / pyc >= 30 ? "met" : "not met")
    printf "one core, %7d rows   %9.0f rows/s  (target 600,000: %s)  %5.1fx phonenumbers steady (%.0f rows/s; target 30x: %s)\n", sr, s, (s >= 600000 ? "met" : "not met"), s / pys, pys, (s / pys >= 30 ? "met" : "not met")
    printf "two cores, %6d rows   %9.0f rows/s  scaling %.2fx (target 1.8x: %s)\n", sr, b, b / s, (b / s >= 1.8 ? "met" : "not met")
    rss = crss; if (srss > rss) rss = srss; if (brss > rss) rss = brss
    printf "peak RSS      %.1f MB (target at most 64 MB: %s)\n", rss * 1024 / 1e6, (rss * 1024 <= 64e6 ? "met" : "not met")
    printf "valid rows of the first %d: phonenumbers %d, bindcheck %d\n", cr, pyv, bcv
  }'
}

if [[ -n "${BEFORE_BIN:-}" ]]; then
  results "before, $BEFORE_BIN" 0
  results "after, $bin" 1
else
  results "$bin" 0
fi
