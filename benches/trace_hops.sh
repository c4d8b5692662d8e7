#!/usr/bin/env bash
# Time of a 10-hop path trace with 10 probes per hop, every hop answering: a chain of network
# namespaces (client, 9 routers, server) joined by veth pairs, forwarding on and ICMP rate
# limiting off in the routers. Target: under 5 seconds (probes in flight concurrently).
# Needs root and iproute2; addresses exist only inside the namespaces it creates.
#
#   benches/trace_hops.sh                 # 10 hops, 10 probes per hop, 5 runs
#   HOPS=20 COUNT=10 RUNS=3 NO_BUILD=1 benches/trace_hops.sh
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
hops=${HOPS:-10}
count=${COUNT:-10}
runs=${RUNS:-5}
bin=${CARGO_TARGET_DIR:-$root/target}/release/bindcheck
[[ "${NO_BUILD:-0}" == 1 ]] || (cd "$root" && cargo build --release --quiet)

id=$$
ns() { echo "bct$1-$id"; }
last=$hops              # namespaces 0 (client) .. $hops (server)
cleanup() { for i in $(seq 0 "$last"); do ip netns del "$(ns "$i")" 2>/dev/null || true; done; }
trap cleanup EXIT

for i in $(seq 0 "$last"); do
  ip netns add "$(ns "$i")"
  ip -n "$(ns "$i")" link set lo up
done
# Link k joins namespace k-1 (.1) and k (.2) on 10.78.k.0/24.
for k in $(seq 1 "$last"); do
  ip link add "l$k-a" netns "$(ns $((k - 1)))" type veth peer name "l$k-b" netns "$(ns "$k")"
  ip -n "$(ns $((k - 1)))" addr add "10.78.$k.1/24" dev "l$k-a"
  ip -n "$(ns "$k")" addr add "10.78.$k.2/24" dev "l$k-b"
  ip -n "$(ns $((k - 1)))" link set "l$k-a" up
  ip -n "$(ns "$k")" link set "l$k-b" up
done
server="10.78.$last.2"
ip -n "$(ns 0)" route add default via 10.78.1.2
ip -n "$(ns "$last")" route add default via "10.78.$last.1"
for r in $(seq 1 $((last - 1))); do
  ip netns exec "$(ns "$r")" sysctl -qw net.ipv4.ip_forward=1 net.ipv4.icmp_ratelimit=0
  # Toward the server: the next router; toward the client: the previous one.
  ip -n "$(ns "$r")" route add "10.78.$last.0/24" via "10.78.$((r + 1)).2" 2>/dev/null || true
  ip -n "$(ns "$r")" route add 10.78.1.0/24 via "10.78.$r.1" 2>/dev/null || true
done
ip netns exec "$(ns "$last")" sysctl -qw net.ipv4.icmp_ratelimit=0

echo "== $hops hops to $server, $count probes per hop, $runs runs"
ip netns exec "$(ns 0)" "$bin" trace "$server" --count "$count" --max-hops $((hops + 2))
times=()
for _ in $(seq "$runs"); do
  start=$(date +%s%N)
  ip netns exec "$(ns 0)" "$bin" trace "$server" --count "$count" --max-hops $((hops + 2)) --format json >/tmp/bindcheck-trace-$id.json
  end=$(date +%s%N)
  times+=("$(( (end - start) / 1000000 ))")
done
answered=$(python3 -c "import json; d=json.load(open('/tmp/bindcheck-trace-$id.json')); h=d['traces'][0]['hops']; print(sum(1 for x in h if x['received'] > 0), len(h))")
rm -f "/tmp/bindcheck-trace-$id.json"
best=$(printf '%s\n' "${times[@]}" | sort -n | head -n1)
worst=$(printf '%s\n' "${times[@]}" | sort -n | tail -n1)
echo
echo "== results"
echo "hops answering / hops     $answered"
echo "wall time per trace (ms)  ${times[*]}  (best $best, worst $worst)"
awk -v w="$worst" 'BEGIN { print "target under 5000 ms:     " (w < 5000 ? "met" : "not met") }'
