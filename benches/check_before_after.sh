#!/usr/bin/env bash
# `bindcheck check --count 0` of this build against an earlier one (BASE_BIN), side by side
# in one hyperfine run, on one healthy loopback HTTPS endpoint (nginx on 127.0.0.1; see
# benches/loopback_https.sh). The target of issue #12: the application path (a second
# request per endpoint, through reqwest) keeps `check --count 0` within 1.2x of the build
# before it.
#
#   BASE_BIN=/path/to/old/bindcheck benches/check_before_after.sh
#   BASE_BIN=... RUNS=200 NO_BUILD=1 benches/check_before_after.sh
#
# Both commands: check --endpoint URL --count 0 --ca-file CERT --no-environment --format json.
# This build also gets --connectivity-check none (the default profile's captive-portal checks
# go to the internet; the base build has none). Every check must say `ready` before it is
# timed. Traffic goes to 127.0.0.1 only.
set -euo pipefail

# shellcheck source=benches/loopback_https.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/loopback_https.sh"

target_ratio=1.2
: "${BASE_BIN:?set BASE_BIN to the bindcheck binary of the earlier build}"
[[ -x $BASE_BIN ]] || { echo "BASE_BIN=$BASE_BIN is not an executable" >&2; exit 2; }
lb_need hyperfine hyperfine || { echo "hyperfine is missing: apt-get install -y hyperfine" >&2; exit 2; }
lb_init before-after
lb_build
lb_machine
lb_start_server
url=$lb_base/health
lb_assert_loopback "$url"
runs=${RUNS:-100}

common=(check --endpoint "$url" --count 0 --ca-file "$lb_ca" --no-environment --format json)
base=("$BASE_BIN" "${common[@]}")
this=("$lb_bin" "${common[@]}" --connectivity-check none)
for c in base this; do
  declare -n argv=$c
  verdict=$("${argv[@]}" | python3 -c 'import json, sys; d = json.load(sys.stdin); print(d["verdict"], "app" in d["endpoints"][0])')
  echo "== $c: $("${argv[0]}" --version): verdict, application path: $verdict"
  [[ $verdict == ready* ]] || { echo "$c did not say ready" >&2; exit 1; }
  unset -n argv
done
lb_watch_start
hyperfine -N --warmup 10 --runs "$runs" --style basic --export-json "$lb_tmp/h.json" \
  -n "base" "${base[*]}" -n "this" "${this[*]}" | grep -E 'Benchmark|Time|Range'
read -r other server < <(lb_watch_stop "$(lb_hyperfine_cpu "$lb_tmp/h.json" 10)")
echo "   cores busy meanwhile: server $server, other processes $other"
python3 - "$lb_tmp/h.json" "$target_ratio" <<'PY'
import json, sys
r = {x["command"]: x for x in json.load(open(sys.argv[1]))["results"]}
b, t = r["base"], r["this"]
ratio = t["mean"] / b["mean"]
for name, x in (("base", b), ("this", t)):
    print(f"{name:5} mean {x['mean'] * 1000:7.2f} ms  stddev {x['stddev'] * 1000:5.2f}  median {x['median'] * 1000:7.2f}  min {x['min'] * 1000:7.2f}")
print(f"this / base: {ratio:.2f}x (target < {sys.argv[2]}x: {'met' if ratio < float(sys.argv[2]) else 'NOT met'})")
PY
