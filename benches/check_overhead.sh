#!/usr/bin/env bash
# Overhead of `bindcheck check` (input validation, the report, the environment section) over
# the probes alone, on one healthy loopback HTTPS endpoint (nginx on 127.0.0.1, self-signed
# certificate). For each --count N in COUNTS (default "0 20"), hyperfine -N compares
#
#   bindcheck probe URL --count N --ca-file CERT --format json                       (probes alone)
#   bindcheck check --endpoint URL --phone 13800138000 --card 6222021234567890128 \
#     --count N --ca-file CERT --format json                                          (environment on)
#   ... the same with --no-environment                                                (environment off)
#
# Target: each check's mean under 1.2x the probe's mean at the same --count. The default
# --count 20 (one connect probe every 100 ms) takes about 2 s and hides fixed costs; --count
# 0 shows them, and at --count 0 three more checks (environment on) tell where the extra
# time goes: no inputs, --card only, --phone only (informative; no target). No --email: it
# would make check look up the domain's MX through the system resolver, off this machine.
# Every check must say `ready` (exit code 0) before it is timed.
#
#   benches/check_overhead.sh
#   COUNTS="0 5 20" RUNS=50 NO_BUILD=1 benches/check_overhead.sh
#
# RUNS sets hyperfine's runs (default 100 for --count 0, 10 otherwise). NO_BUILD=1 skips
# `cargo build --release` and uses target/release/bindcheck as it is. Needs openssl,
# python3, hyperfine and nginx (the last two installed with apt-get when missing and
# possible; otherwise the slower Python server, see benches/loopback_https.sh). Traffic goes
# to 127.0.0.1 only.
set -euo pipefail

# shellcheck source=benches/loopback_https.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/loopback_https.sh"

read -r -a counts <<<"${COUNTS:-0 20}"
target_ratio=1.2

lb_need hyperfine hyperfine || { echo "hyperfine is missing: apt-get install -y hyperfine" >&2; exit 2; }
lb_init check
lb_build
lb_machine
lb_start_server

url=$lb_base/health
lb_assert_loopback "$url"
inputs=(--phone 13800138000 --card 6222021234567890128)

: >"$lb_tmp/results"
for n in "${counts[@]}"; do
  runs=${RUNS:-$([[ $n == 0 ]] && echo 100 || echo 10)}
  warmup=$([[ $n == 0 ]] && echo 10 || echo 1)
  probe=("$lb_bin" probe "$url" --count "$n" --ca-file "$lb_ca" --format json)
  # --connectivity-check none: the default profile's captive-portal checks would go to the
  # internet (Huawei's, Xiaomi's and Google's servers); traffic stays on 127.0.0.1.
  check=("$lb_bin" check --endpoint "$url" "${inputs[@]}" --count "$n" --ca-file "$lb_ca" --connectivity-check none --format json)
  check_noenv=("${check[@]}" --no-environment)
  extra=()
  if [[ $n == 0 ]]; then
    base="$lb_bin check --endpoint $url --count $n --ca-file $lb_ca --connectivity-check none --format json"
    extra=(-n "(info) check, no inputs" "$base"
      -n "(info) check, --card only" "$base --card 6222021234567890128"
      -n "(info) check, --phone only" "$base --phone 13800138000")
  fi
  for c in probe check check_noenv; do
    declare -n argv=$c
    [[ " ${argv[*]} " != *" --email "* ]] || { echo "no --email here: it would query a resolver off this machine" >&2; exit 3; }
    status=0
    "${argv[@]}" >"$lb_tmp/$c.json" 2>"$lb_tmp/$c.err" || status=$?
    if [[ $status != 0 ]]; then
      echo "$c with --count $n exited with $status; expected 0:" >&2
      cat "$lb_tmp/$c.err" >&2
      head -c 2000 "$lb_tmp/$c.json" >&2
      exit 1
    fi
    unset -n argv
  done
  verdict=$(python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
print(d["verdict"], len(d["findings"]), "findings;", "environment", "on" if d.get("environment") else "off")' "$lb_tmp/check.json")
  echo
  echo "== --count $n: check says: $verdict; hyperfine -N --warmup $warmup --runs $runs"
  lb_watch_start
  hyperfine -N --warmup "$warmup" --runs "$runs" --style basic --export-json "$lb_tmp/h_$n.json" \
    -n "probe" "${probe[*]}" \
    -n "check" "${check[*]}" \
    -n "check --no-environment" "${check_noenv[*]}" \
    "${extra[@]}" | grep -E 'Benchmark|Time|Range'
  read -r other server < <(lb_watch_stop "$(lb_hyperfine_cpu "$lb_tmp/h_$n.json" "$warmup")")
  echo "   cores busy meanwhile: server $server, other processes $other"
  echo "$n $other" >>"$lb_tmp/busy"
  python3 - "$lb_tmp/h_$n.json" "$n" >>"$lb_tmp/results" <<'PY'
import json, sys
for r in json.load(open(sys.argv[1]))["results"]:
    print(sys.argv[2], r["command"].replace(" ", "_"), *(f"{r[k] * 1000:.2f}" for k in ("mean", "stddev", "median", "min")))
PY
done

echo
echo "== results in ms (trial numbers unless the machine was idle; server: $lb_server_kind)"
printf '%6s  %-32s %9s %9s %9s %9s %9s  %s\n' count command mean stddev median min "/probe" "target < ${target_ratio}x"
awk -v t="$target_ratio" '
  $2 == "probe" { base[$1] = $3 }
  { r = $3 / base[$1]; met = ($2 == "probe" || $2 ~ /^\(info\)/ ? "-" : (r < t ? "met" : "NOT met"))
    name = $2; gsub("_", " ", name)
    printf "%6s  %-32s %9s %9s %9s %9s %8.2fx  %s\n", $1, name, $3, $4, $5, $6, r, met }' "$lb_tmp/results"
echo
awk '{ printf "--count %s: other processes used %.2f cores while it was timed\n", $1, $2; if ($2 > m) m = $2 }
  END { if (m > 0.2) print "!! these are not quiet-machine numbers" }' "$lb_tmp/busy"
