#!/usr/bin/env bash
# Overhead of `bindcheck probe` against curl, on the same loopback HTTPS request
# (GET https://127.0.0.1:PORT/ from nginx, TLS 1.3, a self-signed EC P-256 certificate):
#
#   1. Phase figures. SAMPLES (default 50) alternating runs of
#        curl -w '%{time_namelookup} %{time_connect} %{time_appconnect} %{time_starttransfer} %{time_total}'
#        bindcheck probe URL --count 0 --format json
#      and the median of each cumulative mark: curl's five figures against bindcheck's
#      dns_ms, dns+connect, dns+connect+tls, ttfb_ms, total_ms (docs/probe.md, "Phases and
#      curl"). Informative; no target.
#   2. Whole-process wall time, hyperfine -N (no intermediate shell), --warmup 10, RUNS runs
#      (default 200) of
#        curl -q -s -o /dev/null --http1.1 --cacert CERT URL
#        bindcheck probe URL --count 0 --ca-file CERT
#        bindcheck --version   (process start only, a baseline)
#      Target: bindcheck's mean within 1.5x of curl's.
#
#   benches/probe_overhead.sh
#   NO_BUILD=1 SAMPLES=100 RUNS=500 benches/probe_overhead.sh
#
# NO_BUILD=1 skips `cargo build --release` and uses target/release/bindcheck as it is.
# Needs curl, openssl, python3, hyperfine and nginx (the last two are installed with apt-get
# when missing and possible; without nginx, SERVER=python's server is used, see
# benches/loopback_https.sh). Traffic goes to 127.0.0.1 only.
set -euo pipefail

# shellcheck source=benches/loopback_https.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/loopback_https.sh"

samples=${SAMPLES:-50}
runs=${RUNS:-200}
target_ratio=1.5

command -v curl >/dev/null || { echo "curl is missing: apt-get install -y curl" >&2; exit 2; }
lb_need hyperfine hyperfine || { echo "hyperfine is missing: apt-get install -y hyperfine" >&2; exit 2; }
lb_init overhead
lb_build
lb_machine
lb_start_server

url=$lb_base/
lb_assert_loopback "$url"
bc=("$lb_bin" probe "$url" --count 0 --ca-file "$lb_ca")
cu=(curl -q -s -o /dev/null --http1.1 --cacert "$lb_ca")

# Both must succeed before anything is timed.
code=$("${cu[@]}" -w '%{http_code}' "$url")
[[ $code == 200 ]] || { echo "curl got HTTP $code from $url" >&2; exit 1; }
"${bc[@]}" --format json >"$lb_tmp/check.json" || { echo "bindcheck probe failed:" >&2; cat "$lb_tmp/check.json" >&2; exit 1; }
tls_version=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["endpoints"][0]["tls"]["version"])' "$lb_tmp/check.json")
echo "   bindcheck and curl both get 200 from $url (bindcheck negotiated $tls_version)"

echo
echo "== 1. phase figures: $samples alternating runs of curl -w and bindcheck probe --format json"
for _ in 1 2 3 4 5; do "${cu[@]}" "$url"; "${bc[@]}" >/dev/null; done
mkdir -p "$lb_tmp/bc"
: >"$lb_tmp/curl.txt"
for ((i = 0; i < samples; i++)); do
  "${cu[@]}" -w '%{time_namelookup} %{time_connect} %{time_appconnect} %{time_starttransfer} %{time_total}\n' "$url" >>"$lb_tmp/curl.txt"
  "${bc[@]}" --format json >"$lb_tmp/bc/$i.json"
done
python3 - "$lb_tmp/curl.txt" "$lb_tmp/bc" >"$lb_tmp/phases.txt" <<'PY'
import json, os, statistics, sys
curl = [[float(x) * 1000 for x in line.split()] for line in open(sys.argv[1]) if line.strip()]
bc = []
for name in os.listdir(sys.argv[2]):
    ep = json.load(open(os.path.join(sys.argv[2], name)))["endpoints"][0]
    h = ep["http"]
    assert ep["status"] == "ok", ep["status"]
    p = h["phases"]
    bc.append([p["dns_ms"], p["dns_ms"] + p["connect_ms"], p["dns_ms"] + p["connect_ms"] + p["tls_ms"],
               h["ttfb_ms"], h["total_ms"]])
marks = ["namelookup | dns", "connect | dns+connect", "appconnect | +tls",
         "starttransfer | ttfb_ms", "total | total_ms"]
for i, m in enumerate(marks):
    c = [r[i] for r in curl]
    b = [r[i] for r in bc]
    print(f"{m:<26} {statistics.median(c):9.3f} {statistics.median(b):9.3f} "
          f"{statistics.median(b) - statistics.median(c):+9.3f} {min(c):9.3f} {min(b):9.3f}")
PY

echo
echo "== 2. whole-process wall time: hyperfine -N --warmup 10 --runs $runs"
lb_watch_start
hyperfine -N --warmup 10 --runs "$runs" --style basic --export-json "$lb_tmp/h.json" \
  -n curl "${cu[*]} $url" \
  -n "bindcheck probe" "${bc[*]}" \
  -n "bindcheck --version" "$lb_bin --version"
read -r other server < <(lb_watch_stop "$(lb_hyperfine_cpu "$lb_tmp/h.json" 10)")
python3 - "$lb_tmp/h.json" >"$lb_tmp/process.txt" <<'PY'
import json, sys
for r in json.load(open(sys.argv[1]))["results"]:
    print(r["command"].replace(" ", "_"), *(f"{r[k] * 1000:.3f}" for k in ("mean", "stddev", "median", "min", "max")))
PY

echo
echo "== results (trial numbers unless the machine was idle; server: $lb_server_kind, TLS $tls_version)"
echo
echo "phase marks, ms, median of $samples runs (cumulative, as curl -w reports them)"
printf '%-26s %9s %9s %9s %9s %9s\n' "curl | bindcheck" curl bindcheck diff "curl min" "bc min"
cat "$lb_tmp/phases.txt"
echo
echo "process wall time, ms, hyperfine -N, $runs runs (cores busy meanwhile: server $server, other processes $other)"
printf '%-22s %9s %9s %9s %9s %9s\n' command mean stddev median min max
while read -r name mean sd med lo hi; do
  printf '%-22s %9s %9s %9s %9s %9s\n' "${name//_/ }" "$mean" "$sd" "$med" "$lo" "$hi"
done <"$lb_tmp/process.txt"
curl_mean=$(awk '$1 == "curl" { print $2 }' "$lb_tmp/process.txt")
curl_med=$(awk '$1 == "curl" { print $4 }' "$lb_tmp/process.txt")
bc_mean=$(awk '$1 == "bindcheck_probe" { print $2 }' "$lb_tmp/process.txt")
bc_med=$(awk '$1 == "bindcheck_probe" { print $4 }' "$lb_tmp/process.txt")
echo
awk -v b="$bc_mean" -v c="$curl_mean" -v bm="$bc_med" -v cm="$curl_med" -v t="$target_ratio" 'BEGIN {
  printf "bindcheck / curl: mean %.2fx, median %.2fx; target at most %.1fx: %s\n", b / c, bm / cm, t, (b / c <= t ? "met" : "NOT met")
}'
awk -v o="$other" 'BEGIN { if (o > 0.2) printf "!! other processes used %.2f cores meanwhile: these are not quiet-machine numbers\n", o }'
