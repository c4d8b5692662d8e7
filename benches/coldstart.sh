#!/usr/bin/env bash
# Cold start of the whole process: `bindcheck validate --phone 13800138000` (target: at most
# 2.5 ms wall time), `bindcheck validate --card 6222021234567890128`, and `bindcheck
# --version` as a baseline (process start, no validation).
#
#   benches/coldstart.sh
#   BEFORE_BIN=/path/to/old/bindcheck benches/coldstart.sh   # and the old binary's phone run
#
# Uses hyperfine (--warmup 5 -N: no intermediate shell), installing it with apt-get when
# missing and possible; otherwise falls back to a bash loop timed with `date +%s%N` (which
# adds the fork/exec cost of bash itself, so it reads a little high). NO_BUILD=1 skips the
# build and measures the binary already in target/release; RUNS=N sets the run count;
# NO_HYPERFINE=1 uses the bash loop. BEFORE_BIN adds `validate --phone 13800138000` with
# another binary (a build of the revision before a change) to the same run, side by side.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
target_dir=${CARGO_TARGET_DIR:-$root/target}
bin=$target_dir/release/bindcheck
target_ms=2.5
runs=${RUNS:-200}

if [[ "${NO_BUILD:-0}" == 1 ]]; then
  echo "== NO_BUILD=1: using the existing $bin"
  [[ -x $bin ]] || { echo "$bin is missing: build it with cargo build --release" >&2; exit 2; }
else
  echo "== building bindcheck (release)"
  (cd "$root" && cargo build --release --quiet --bin bindcheck)
fi

names=("validate --phone 13800138000" "validate --card 6222021234567890128" "--version")
cmds=("$bin validate --phone 13800138000" "$bin validate --card 6222021234567890128" "$bin --version")
if [[ -n "${BEFORE_BIN:-}" ]]; then
  names+=("validate --phone 13800138000 (BEFORE_BIN)")
  cmds+=("$BEFORE_BIN validate --phone 13800138000")
fi
for c in "${cmds[@]}"; do
  # shellcheck disable=SC2086 # the command is split on purpose
  $c >/dev/null || { echo "'$c' exited with $?; expected 0" >&2; exit 1; }
done

use_hyperfine() { [[ "${NO_HYPERFINE:-0}" != 1 ]] && command -v hyperfine >/dev/null; }
if [[ "${NO_HYPERFINE:-0}" != 1 ]] && ! command -v hyperfine >/dev/null && command -v apt-get >/dev/null && [[ $(id -u) == 0 ]]; then
  echo "== installing hyperfine"
  { apt-get update -qq && apt-get install -y -qq hyperfine; } >/dev/null 2>&1 || echo "could not install hyperfine"
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/bindcheck-coldstart.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

echo
if use_hyperfine; then
  echo "== hyperfine $(hyperfine --version | awk '{print $2}'), --warmup 5 -N --runs $runs"
  hyperfine --warmup 5 -N --runs "$runs" --style basic --export-json "$tmp/h.json" "${cmds[@]}"
  # mean, stddev, min, max in ms, one line a command, in the order given
  python3 - "$tmp/h.json" >"$tmp/results" <<'PY'
import json, sys
for r in json.load(open(sys.argv[1]))["results"]:
    print(*(f"{r[k] * 1000:.2f}" for k in ("mean", "stddev", "min", "max")))
PY
else
  echo "== hyperfine unavailable: bash loop with date +%s%N, 5 warm-up runs, $runs timed runs"
  : >"$tmp/results"
  for c in "${cmds[@]}"; do
    # shellcheck disable=SC2086
    for _ in 1 2 3 4 5; do $c >/dev/null; done
    : >"$tmp/times"
    for ((i = 0; i < runs; i++)); do
      start=$(date +%s%N)
      # shellcheck disable=SC2086
      $c >/dev/null
      end=$(date +%s%N)
      echo $(((end - start))) >>"$tmp/times"
    done
    awk '{ s += $1; q += $1 * $1; if (NR == 1 || $1 < lo) lo = $1; if ($1 > hi) hi = $1 }
      END { m = s / NR; v = q / NR - m * m; printf "%.2f %.2f %.2f %.2f\n", m / 1e6, sqrt(v > 0 ? v : 0) / 1e6, lo / 1e6, hi / 1e6 }' \
      "$tmp/times" >>"$tmp/results"
  done
fi

echo
echo "== results in ms (trial numbers unless the machine was idle); target: at most $target_ms ms"
printf '%-56s %8s %8s %8s %8s  %s\n' command mean stddev min max "target met"
i=0
while read -r mean sd lo hi; do
  met=-
  if [[ ${names[$i]} == "validate --phone 13800138000" ]]; then
    met=$(awk -v m="$mean" -v t="$target_ms" 'BEGIN { print (m <= t ? "yes" : "no") }')
  fi
  printf '%-56s %8s %8s %8s %8s  %s\n' "bindcheck ${names[$i]}" "$mean" "$sd" "$lo" "$hi" "$met"
  i=$((i + 1))
done <"$tmp/results"
