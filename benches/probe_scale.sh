#!/usr/bin/env bash
# Scale of `bindcheck probe`: N distinct loopback HTTPS endpoints (https://127.0.0.1:PORT/e/0
# ... /e/N-1, all on one nginx in another process), one probe each (--count 0), at
# --concurrency 256. For each N in SIZES, the command
#
#   bindcheck probe URL... --count 0 --concurrency 256 --deadline 300s --ca-file CERT
#
# runs RSS_RUNS times (default 3) under /usr/bin/time -v with --format json (max RSS, and
# every endpoint's status counted from the JSON), then RUNS times (default 10) under
# hyperfine -N --warmup 1 for the whole-process wall time (median; GNU time's clock has only
# 10 ms resolution) and the CPU time (user + system). Targets:
#   - at 1,000 endpoints, at least 500 endpoints per second (N / median wall time), every
#     endpoint ok;
#   - wall time growing no worse than linearly with N: the least-squares slope of
#     log(wall) against log(N) at most 1.1 (1.0 is linear; the fixed start-up cost makes
#     it lower); the slope of each doubling is printed too;
#   - memory: max RSS at each N and its least-squares slope in KiB per endpoint (reported,
#     no target).
#
#   benches/probe_scale.sh
#   SIZES="250 500 1000 2000 4000" RUNS=20 RSS_RUNS=5 CONCURRENCY=256 NO_BUILD=1 benches/probe_scale.sh
#
# NO_BUILD=1 skips `cargo build --release` and uses target/release/bindcheck as it is.
# Needs GNU time (/usr/bin/time), openssl, python3 and nginx (installed with apt-get when
# missing and possible; otherwise the slower Python server, see benches/loopback_https.sh).
# Traffic goes to 127.0.0.1 only.
set -euo pipefail

# shellcheck source=benches/loopback_https.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/loopback_https.sh"

read -r -a sizes <<<"${SIZES:-250 500 1000 2000}"
runs=${RUNS:-10}
rss_runs=${RSS_RUNS:-3}
concurrency=${CONCURRENCY:-256}
target_eps=500
target_n=1000

[[ -x /usr/bin/time ]] || lb_need /usr/bin/time time || { echo "GNU time is missing: apt-get install -y time" >&2; exit 2; }
lb_need hyperfine hyperfine || { echo "hyperfine is missing: apt-get install -y hyperfine" >&2; exit 2; }
lb_init scale
lb_build
lb_machine
lb_start_server
echo "   open files limit $(ulimit -n); sizes ${sizes[*]}; --concurrency $concurrency"

# One run under /usr/bin/time -v: prints "user_s sys_s maxrss_kib ok_count total_count statuses".
measure_rss() {
  local status=0
  /usr/bin/time -v -o "$lb_tmp/time.txt" "${cmd[@]}" --format json >"$lb_tmp/out.json" 2>"$lb_tmp/stderr.txt" || status=$?
  if [[ $status -gt 1 ]]; then
    echo "bindcheck failed with exit code $status:" >&2
    cat "$lb_tmp/stderr.txt" "$lb_tmp/time.txt" >&2
    exit 1
  fi
  local user sys rss
  user=$(awk -F': ' '/User time \(seconds\)/ { print $2 }' "$lb_tmp/time.txt")
  sys=$(awk -F': ' '/System time \(seconds\)/ { print $2 }' "$lb_tmp/time.txt")
  rss=$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$lb_tmp/time.txt")
  python3 - "$lb_tmp/out.json" "$user" "$sys" "$rss" <<'PY'
import collections, json, sys
eps = json.load(open(sys.argv[1]))["endpoints"]
st = collections.Counter(e["status"] for e in eps)
print(*sys.argv[2:5], st.get("ok", 0), len(eps), ",".join(f"{k}:{v}" for k, v in sorted(st.items())))
PY
}

: >"$lb_tmp/results"
for n in "${sizes[@]}"; do
  urls=()
  for ((i = 0; i < n; i++)); do urls+=("$lb_base/e/$i"); done
  lb_assert_loopback "${urls[0]}" "${urls[n - 1]}"
  cmd=("$lb_bin" probe "${urls[@]}" --count 0 --concurrency "$concurrency" --deadline 300s --ca-file "$lb_ca")
  echo
  echo "== $n endpoints: $rss_runs runs under /usr/bin/time -v (max RSS, statuses)"
  : >"$lb_tmp/rss_$n"
  for ((r = 0; r < rss_runs; r++)); do
    line=$(measure_rss)
    echo "   user sys maxrss_kib ok total: $line"
    echo "$line" >>"$lb_tmp/rss_$n"
  done
  echo "== $n endpoints: wall time, hyperfine -N --warmup 1 --runs $runs"
  lb_watch_start
  # -i: a run where some endpoint failed (exit code 1) is timed too; the statuses above tell
  hyperfine -N -i --warmup 1 --runs "$runs" --style basic --export-json "$lb_tmp/h_$n.json" -n "$n endpoints" "${cmd[*]}" |
    grep -E 'Time|Range'
  read -r mean median wmin sd cpu < <(python3 -c 'import json, sys
r = json.load(open(sys.argv[1]))["results"][0]
cpu = r["user"] + r["system"]
print(*(f"{r[k]:.5f}" for k in ("mean", "median", "min", "stddev")), f"{cpu:.5f}")' "$lb_tmp/h_$n.json")
  # the warm-up run used about as much CPU as a timed one
  read -r other server < <(lb_watch_stop "$(awk -v c="$cpu" -v r="$runs" 'BEGIN { print c * (r + 1) }')")
  echo "   cores busy meanwhile: server $server, other processes $other"
  awk '{ print $3 }' "$lb_tmp/rss_$n" >"$lb_tmp/m"
  rss=$(lb_median "$lb_tmp/m")
  ok=$(awk 'NR == 1 || $4 < m { m = $4 } END { print m }' "$lb_tmp/rss_$n")
  statuses=$(awk '{ print $6 }' "$lb_tmp/rss_$n" | sort -u | paste -sd' ')
  echo "$n $median $wmin $mean $sd $cpu $rss $ok $server $other $statuses" >>"$lb_tmp/results"
done

echo
echo "== results (trial numbers unless the machine was idle; server: $lb_server_kind; --concurrency $concurrency)"
python3 - "$lb_tmp/results" "$target_n" "$target_eps" "$runs" "$rss_runs" <<'PY'
import math, sys
rows = [l.split() for l in open(sys.argv[1]) if l.strip()]
target_n, target_eps, runs, rss_runs = int(sys.argv[2]), float(sys.argv[3]), sys.argv[4], sys.argv[5]
data = []
print(f"wall: median of {runs} hyperfine runs; cpu: their mean user + system time; max RSS: median of {rss_runs} /usr/bin/time -v runs")
print(f"{'endpoints':>9} {'wall ms':>8} {'min ms':>8} {'ep/s':>7} {'ms/ep':>7} {'cpu ms':>7} {'CPU%':>5} "
      f"{'maxRSS MB':>9} {'RSS KiB/ep':>10} {'ok (min)':>8} {'server':>6} {'other':>6}  statuses")
busy = []
for r in rows:
    n, med, wmin, mean, sd, cpu, rss, ok = int(r[0]), float(r[1]), float(r[2]), float(r[3]), float(r[4]), float(r[5]), float(r[6]), int(r[7])
    server, other = float(r[8]), float(r[9])
    busy.append(other)
    data.append((n, med, rss, ok, cpu))
    print(f"{n:>9} {med * 1000:>8.1f} {wmin * 1000:>8.1f} {n / med:>7.0f} {med * 1000 / n:>7.3f} {cpu * 1000:>7.0f} "
          f"{100 * cpu / med:>5.0f} {rss * 1024 / 1e6:>9.1f} {rss / n:>10.1f} {ok:>8} {server:>6.2f} {other:>6.2f}  {' '.join(r[10:])}")
print("server, other: average cores used by the HTTPS server, and by every other process, while the size was timed")
if max(busy) > 0.2:
    print(f"!! other processes used up to {max(busy):.2f} cores meanwhile: these are not quiet-machine numbers")

def fit(xs, ys):
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    sxx = sum((x - mx) ** 2 for x in xs)
    b = sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sxx if sxx else 0.0
    return my - b * mx, b

print()
ns = [d[0] for d in data]
all_ok = all(d[3] == d[0] for d in data)
print(f"every endpoint ok in every /usr/bin/time run: {'yes' if all_ok else 'NO (see statuses)'}")
if len(data) >= 2:
    a, b = fit(ns, [d[1] * 1000 for d in data])
    print(f"wall time fit: {a:.1f} ms + {b:.3f} ms per endpoint (least squares)")
    for (n1, w1, *_), (n2, w2, *_) in zip(data, data[1:]):
        if n1 == n2:
            continue
        print(f"  {n1:>5} -> {n2:<5} wall x{w2 / w1:.2f} for endpoints x{n2 / n1:.2f}: "
              f"log-log slope {math.log(w2 / w1) / math.log(n2 / n1):.2f}")
    _, k = fit([math.log(n) for n in ns], [math.log(d[1]) for d in data])
    print(f"target: wall time no worse than linear: log-log slope {k:.2f} (at most 1.1): {'met' if k <= 1.1 else 'NOT met'}")
    _, kc = fit([math.log(n) for n in ns], [math.log(d[4]) for d in data])
    print(f"  (CPU time, less sensitive to other load on the machine: log-log slope {kc:.2f})")
    ra, rb = fit(ns, [d[2] for d in data])
    print(f"memory: max RSS {ra / 1024:.1f} MiB + {rb:.2f} KiB per endpoint (least-squares fit)")
at = [d for d in data if d[0] == target_n]
if at:
    eps = target_n / at[0][1]
    met = eps >= target_eps and at[0][3] == target_n
    print(f"target: at least {target_eps:.0f} endpoints/s at {target_n}: {eps:.0f}/s: {'met' if met else 'NOT met'}")
else:
    print(f"target: {target_n} is not in SIZES: endpoints/s target not checked")
PY
