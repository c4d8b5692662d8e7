#!/usr/bin/env bash
# Load test of `bindcheck serve`'s POST /v1/validate on loopback with wrk (Debian package),
# the load generator on the same 2-core machine. Target (#16 item 4): at least 40,000 requests/s, p99
# latency under 5 ms, zero errors, memory flat over a 60-second run.
#
#   benches/serve_load.sh                 # 60 s, 64 connections, 1 wrk thread
#   DURATION=20 CONNECTIONS=32 benches/serve_load.sh
#   NO_BUILD=1 benches/serve_load.sh      # measure the binary already in target/release
#
# The server's request log goes to a file in a temporary directory (removed at the end;
# KEEP_TMP=1 keeps it). RSS is sampled every 5 s during the run.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
duration=${DURATION:-60}
connections=${CONNECTIONS:-64}
bin=${CARGO_TARGET_DIR:-$root/target}/release/bindcheck

if ! command -v wrk >/dev/null; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null
fi
if [[ "${NO_BUILD:-0}" != 1 ]]; then
  (cd "$root" && cargo build --release --quiet)
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/bindcheck-serve.XXXXXX")
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$bin" serve --listen "127.0.0.1:$port" >"$tmp/serve.log" 2>&1 &
server=$!
cleanup() {
  kill "$server" 2>/dev/null || true
  wait "$server" 2>/dev/null || true
  if [[ "${KEEP_TMP:-0}" == 1 ]]; then echo "keeping $tmp"; else rm -rf "$tmp"; fi
}
trap cleanup EXIT
for _ in $(seq 50); do
  curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break
  sleep 0.1
done

# A realistic bind form: every field, Chinese input, the answer in Chinese.
cat >"$tmp/post.lua" <<'LUA'
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"phone": "138 0013 8000", "email": "zhang.wei@qq.com", "card": "6222 0212 3456 7890 128", "expiry": "12/29", "cvv": "739", "id_number": "11010519491231002X", "name": "张伟", "lang": "zh-CN"}'
LUA
echo "== warm-up"
wrk -t1 -c"$connections" -d3s -s "$tmp/post.lua" "http://127.0.0.1:$port/v1/validate" >/dev/null

echo "== ${duration}s, $connections connections"
rss_log="$tmp/rss.txt"
(
  while kill -0 "$server" 2>/dev/null; do
    awk '/VmRSS/ {print $2}' "/proc/$server/status" >>"$rss_log"
    sleep 5
  done
) &
sampler=$!
wrk -t1 -c"$connections" -d"${duration}s" --latency -s "$tmp/post.lua" "http://127.0.0.1:$port/v1/validate" | tee "$tmp/wrk.txt"
kill "$sampler" 2>/dev/null || true

rps=$(awk '/Requests\/sec/ {print $2}' "$tmp/wrk.txt")
p99=$(awk '$1 == "99%" {print $2}' "$tmp/wrk.txt")
errors=$(awk '/Non-2xx or 3xx responses/ {n += $5} /Socket errors/ {for (i = 1; i <= NF; i++) if ($i ~ /^[0-9]+,?$/) n += $i} END {print n + 0}' "$tmp/wrk.txt")
rss=$(paste -sd' ' "$rss_log")
first=$(head -n1 "$rss_log"); last=$(tail -n1 "$rss_log"); max=$(sort -n "$rss_log" | tail -n1)

to_ms() { awk -v v="$1" 'BEGIN { if (v ~ /us$/) printf "%.3f", v / 1000; else if (v ~ /ms$/) printf "%.3f", v + 0; else printf "%.3f", v * 1000 }'; }
p99_ms=$(to_ms "$p99")
echo
echo "== results"
printf '%-28s %s\n' "requests/s" "$rps  (target >= 40000: $(awk -v r="$rps" 'BEGIN { print (r >= 40000 ? "met" : "not met") }'))"
printf '%-28s %s\n' "p99 latency" "$p99_ms ms  (target < 5 ms: $(awk -v p="$p99_ms" 'BEGIN { print (p < 5 ? "met" : "not met") }'))"
printf '%-28s %s\n' "errors" "${errors:-0}  (target 0)"
printf '%-28s %s\n' "server RSS every 5 s (KiB)" "$rss"
printf '%-28s %s\n' "RSS first / last / max" "$first / $last / $max KiB"
