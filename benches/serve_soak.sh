#!/usr/bin/env bash
# Soak test of `bindcheck serve` under mixed hostile traffic, on loopback: for DURATION
# seconds (default 600) at once
#   - valid bind forms to POST /v1/validate (wrk, 16 connections),
#   - invalid bodies (bad JSON, unknown keys, wrong types, 20 KB bodies) and oversized
#     headers, as fast as one client sends them,
#   - 600 slowloris connections that send a header line every second and never finish,
#     reconnecting when the server drops them,
# while a probe client asks GET /healthz 20 times a second on fresh connections and the
# server's RSS (VmRSS in /proc/PID/status) is sampled every 5 s. Targets: /healthz p99 under
# 50 ms, no /healthz failure, and a flat RSS: the run is cut in thirds (the first is the
# warm-up: connections and the allocator's arenas filling), and the largest RSS of the last
# third is within 5 % of the largest RSS of the middle third. A leak grows at a steady rate
# and fails that whatever the duration; memory that reaches a ceiling passes once the run
# is long enough for the ceiling to be reached in its first two thirds (10 minutes is, for
# the binary's allocator; docs/performance.md). The script prints PASS or FAIL and exits
# 1 on FAIL.
#
#   benches/serve_soak.sh
#   DURATION=120 benches/serve_soak.sh    # shorter: the RSS verdict may be FAIL from warm-up
#   NO_BUILD=1 benches/serve_soak.sh      # the binary already in target/release
#   BIN=path/to/bindcheck benches/serve_soak.sh
#   LABEL=jemalloc BIN=... benches/serve_soak.sh   # a name for the run's lines, for side by side runs
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
duration=${DURATION:-600}
label=${LABEL:-soak}
bin=${BIN:-${CARGO_TARGET_DIR:-$root/target}/release/bindcheck}

if ! command -v wrk >/dev/null; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null
fi
if [[ "${NO_BUILD:-0}" != 1 && -z "${BIN:-}" ]]; then
  (cd "$root" && cargo build --release --quiet)
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/bindcheck-soak.XXXXXX")
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
RUST_LOG=warn "$bin" serve --listen "127.0.0.1:$port" >"$tmp/serve.log" 2>&1 &
server=$!
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  kill "$server" 2>/dev/null || true
  wait 2>/dev/null || true
  if [[ "${KEEP_TMP:-0}" == 1 ]]; then echo "keeping $tmp"; else rm -rf "$tmp"; fi
}
trap cleanup EXIT
for _ in $(seq 50); do
  curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break
  sleep 0.1
done

cat >"$tmp/post.lua" <<'LUA'
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"phone": "138 0013 8000", "email": "zhang.wei@qq.com", "card": "6222 0212 3456 7890 128", "expiry": "12/29", "cvv": "739", "id_number": "11010519491231002X", "name": "张伟", "lang": "zh-CN"}'
LUA

# The hostile clients and the /healthz probe, in one Python process per role.
cat >"$tmp/clients.py" <<'PY'
import socket, sys, threading, time
role, port, duration = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
end = time.time() + duration
addr = ("127.0.0.1", port)

def invalid():
    bodies = [b'{"card": "6222', b'{"nope": 1}', b'{"card": 6222021234567890128}', b'[1,2,3]',
              b'{"phone": "' + b"9" * 20000 + b'"}']
    sent = 0
    while time.time() < end:
        for body in bodies:
            try:
                s = socket.create_connection(addr, timeout=2)
                s.sendall(b"POST /v1/validate HTTP/1.1\r\nhost: x\r\nconnection: close\r\ncontent-length: %d\r\n\r\n" % len(body) + body)
                s.recv(4096)
                s.close()
                s = socket.create_connection(addr, timeout=2)
                s.sendall(b"GET /healthz HTTP/1.1\r\nhost: x\r\nx-pad: " + b"y" * 30000 + b"\r\n\r\n")
                s.recv(4096)
                s.close()
                sent += 2
            except OSError:
                pass
    print(f"invalid requests sent: {sent}")

def slowloris(n=600):
    conns = []
    def open_one():
        try:
            s = socket.create_connection(addr, timeout=1)
            s.sendall(b"GET /healthz HTTP/1.1\r\nhost: x\r\n")
            return s
        except OSError:
            return None
    conns = [open_one() for _ in range(n)]
    reopened = 0
    while time.time() < end:
        time.sleep(1)
        for i, s in enumerate(conns):
            try:
                if s is None:
                    raise OSError
                s.sendall(b"x-slow: 1\r\n")
            except OSError:
                conns[i] = open_one()
                reopened += 1
    print(f"slowloris connections reopened after the server dropped them: {reopened}")

def healthz():
    lat, failures = [], 0
    while time.time() < end:
        t = time.perf_counter()
        try:
            s = socket.create_connection(addr, timeout=2)
            s.sendall(b"GET /healthz HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n")
            data = s.recv(4096)
            s.close()
            if not data.startswith(b"HTTP/1.1 200"):
                failures += 1
            else:
                lat.append((time.perf_counter() - t) * 1000)
        except OSError:
            failures += 1
        time.sleep(0.05)
    lat.sort()
    p = lambda q: lat[min(len(lat) - 1, int(q * len(lat)))] if lat else float("nan")
    print(f"healthz {len(lat)} ok {failures} failed p50 {p(0.5):.2f} ms p99 {p(0.99):.2f} ms max {lat[-1] if lat else float('nan'):.2f} ms")

{"invalid": invalid, "slowloris": slowloris, "healthz": healthz}[role]()
PY

echo "== ${duration}s of mixed traffic"
python3 "$tmp/clients.py" slowloris "$port" "$duration" >"$tmp/slowloris.txt" &
slow=$!
pids+=($slow)
python3 "$tmp/clients.py" invalid "$port" "$duration" >"$tmp/invalid.txt" &
invalid=$!
pids+=($invalid)
python3 "$tmp/clients.py" healthz "$port" "$duration" >"$tmp/healthz.txt" &
healthz=$!
pids+=($healthz)
(
  while kill -0 "$server" 2>/dev/null; do
    awk '/VmRSS/ {print $2}' "/proc/$server/status" >>"$tmp/rss.txt"
    sleep 5
  done
) &
sampler=$!
pids+=($sampler)
wrk -t1 -c16 -d"${duration}s" -s "$tmp/post.lua" "http://127.0.0.1:$port/v1/validate" >"$tmp/wrk.txt"
wait "$healthz"
kill "$sampler" 2>/dev/null || true
# The attackers finish their round (a slowloris round may take a few seconds of reconnects)
# and print their counts; at most 30 s.
for p in "$slow" "$invalid"; do
  for _ in $(seq 300); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
done
# Only the samples taken while the traffic ran (the sampler starts with it).
head -n $((duration / 5 + 1)) "$tmp/rss.txt" >"$tmp/rss.run"

echo "== results ($label)"
cat "$tmp/healthz.txt" "$tmp/slowloris.txt" "$tmp/invalid.txt"
awk '/Requests\/sec/ {print "valid /v1/validate requests/s: " $2}' "$tmp/wrk.txt"
p99=$(awk '{for (i = 1; i <= NF; i++) if ($i == "p99") print $(i + 1)}' "$tmp/healthz.txt")
failed=$(awk '{print $4}' "$tmp/healthz.txt")
verdict=PASS
p99_met=$(awk -v p="$p99" 'BEGIN { print (p < 50 ? "met" : "not met") }')
[[ $p99_met == met ]] || verdict=FAIL
[[ $failed == 0 ]] || verdict=FAIL
printf '%-28s %s\n' "/healthz p99" "$p99 ms (target < 50 ms: $p99_met)"
printf '%-28s %s\n' "/healthz failures" "$failed (target 0)"
printf '%-28s %s\n' "server RSS every 5 s (KiB)" "$(paste -sd' ' "$tmp/rss.run")"
# Thirds of the series: warm-up, middle, last. Flat: max(last) <= max(middle) * 1.05.
rss_line=$(awk '{ v[NR] = $1 } END {
  n = NR; a = int(n / 3); b = int(2 * n / 3)
  if (n < 6) { print "too few samples (" n "): run 30 s or more"; exit }
  for (i = a + 1; i <= b; i++) if (v[i] > mid) mid = v[i]
  for (i = b + 1; i <= n; i++) if (v[i] > last) last = v[i]
  printf "%d KiB at start, middle third max %d, last third max %d KiB (%+.1f %%): %s\n", v[1], mid, last,
    (last - mid) * 100 / mid, (last <= mid * 1.05 ? "flat" : "growing")
}' "$tmp/rss.run")
printf '%-28s %s\n' "RSS (target: flat)" "$rss_line"
[[ $rss_line == *": flat" ]] || verdict=FAIL
echo "$label: $verdict"
[[ $verdict == PASS ]]
