#!/usr/bin/env bash
# Load run of the packet plane against proxy mode, in namespaces made here (root):
# client, LB, two real servers on one bridge; l4lb run in the LB namespace with three modes at
# once (VIP:5201 dr, VIP:5203 tunnel, LB:5202 proxy for iperf3 to rs1; VIP:80 dr, VIP:8081 tunnel,
# LB:8080 proxy for short HTTP connections to nginx on rs1+rs2). Real servers are set up by
# 'l4lb realserver --apply' and run 'l4lb decap'.
# Usage: benchmarks/packet/netns-load.sh [SECONDS]   (prints a markdown table)
set -euo pipefail
secs=${1:-5}
root=$(cd "$(dirname "$0")/../.." && pwd)
p=wb$$; n=$((150 + $$ % 90)); addr() { echo "10.$n.0.$1"; }
vip=$(addr 100); work=$(mktemp -d); pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  for ns in cl lb rs1 rs2 sw; do ip netns del "$p$ns" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
ip netns add ${p}sw; ip -n ${p}sw link add br0 type bridge; ip -n ${p}sw link set br0 up
host() { # name hostno
  ip netns add $p$1
  ip link add ${p}p$2 type veth peer name eth0 netns $p$1
  ip link set ${p}p$2 netns ${p}sw; ip -n ${p}sw link set ${p}p$2 master br0 up
  ip -n $p$1 link set lo up; ip -n $p$1 addr add $(addr $2)/24 dev eth0; ip -n $p$1 link set eth0 up
}
host cl 10; host lb 2; host rs1 11; host rs2 12
l4lb() { "$root/bin/l4lb" "$@"; }
for i in 1 2; do
  ip netns exec ${p}rs$i "$root/bin/l4lb" realserver --mode tunnel --vip $vip --apply >/dev/null
  ip netns exec ${p}rs$i "$root/bin/l4lb" decap --vip $vip >"$work/decap$i.log" 2>&1 & pids+=($!)
  cat >"$work/nginx$i.conf" <<NGX
worker_processes 1; pid $work/nginx$i.pid; error_log $work/nginx$i.err;
events { worker_connections 4096; }
http { access_log off; server { listen 80 reuseport; listen 8081; location / { return 200 "rs$i\n"; } } }
NGX
  ip netns exec ${p}rs$i nginx -c "$work/nginx$i.conf" -g 'daemon off;' & pids+=($!)
done
ip netns exec ${p}rs1 iperf3 -s -p 5201 >/dev/null 2>&1 & pids+=($!)
ip netns exec ${p}rs1 iperf3 -s -p 5203 >/dev/null 2>&1 & pids+=($!)
cat >"$work/l4lb.cfg" <<CFG
global
    nbthread 1
defaults
    mode tcp
    timeout connect 3s
    timeout client 1m
    timeout server 1m
listen iperf-dr
    bind $vip:5201
    forward dr
    server rs1 $(addr 11):5201
listen iperf-tunnel
    bind $vip:5203
    forward tunnel
    server rs1 $(addr 11):5203
listen iperf-proxy
    bind $(addr 2):5202
    server rs1 $(addr 11):5201
listen http-dr
    bind $vip:80
    forward dr
    balance rr
    server rs1 $(addr 11):80
    server rs2 $(addr 12):80
listen http-tunnel
    bind $vip:8081
    forward tunnel
    balance rr
    server rs1 $(addr 11):8081
    server rs2 $(addr 12):8081
listen http-proxy
    bind $(addr 2):8080
    balance rr
    server rs1 $(addr 11):80
    server rs2 $(addr 12):80
CFG
ip netns exec ${p}lb "$root/bin/l4lb" run -f "$work/l4lb.cfg" >"$work/lb.log" 2>&1 & pids+=($!)
for _ in $(seq 100); do grep -q "packet plane on" "$work/lb.log" && break; sleep 0.2; done
grep -q "packet plane on" "$work/lb.log" || { cat "$work/lb.log"; exit 1; }
ip netns exec ${p}cl curl -s --retry 10 --retry-connrefused --retry-delay 1 -o /dev/null http://$vip/ || true

iperf() { # target port extra -> Gbit/s
  ip netns exec ${p}cl iperf3 -c "$1" -p "$2" -t "$secs" -J $3 2>/dev/null \
    | python3 -c 'import json,sys; d=json.load(sys.stdin); print("%.2f" % (d["end"]["sum_received"]["bits_per_second"]/1e9))' \
    || echo "fail"
}
rate() { # url -> requests/s over new connections
  ip netns exec ${p}cl wrk -t 2 -c 32 -d "${secs}s" -H 'Connection: close' "$1" 2>/dev/null \
    | awk '/Requests\/sec/ {printf "%.0f", $2}' || echo "fail"
}
lbbytes() { echo $(( $(ip netns exec ${p}lb cat /sys/class/net/eth0/statistics/rx_bytes) + $(ip netns exec ${p}lb cat /sys/class/net/eth0/statistics/tx_bytes) )); }
row() { # label gso target iperfport httpurl
  local b0 up down b1 rps
  b0=$(lbbytes); down=$(iperf "$3" "$4" -R); b1=$(lbbytes)
  up=$(iperf "$3" "$4" ""); rps=$(rate "$5")
  echo "| $1 | $2 | $up | $down | $(( (b1 - b0) / 1000000 )) | $rps |"
}
echo "| mode | client GSO | upload Gbit/s (client -> server) | download Gbit/s (server -> client) | MB on the LB's interface during the download | short connections/s (wrk -c 32, Connection: close) |"
echo "|---|---|---|---|---|---|"
row dr on $vip 5201 http://$vip/
row tunnel on $vip 5203 http://$vip:8081/
row proxy on $(addr 2) 5202 http://$(addr 2):8080/
ip -n ${p}cl link set dev eth0 gso_max_segs 1
row dr "off (gso_max_segs 1)" $vip 5201 http://$vip/
row tunnel "off (gso_max_segs 1)" $vip 5203 http://$vip:8081/
row proxy "off (gso_max_segs 1)" $(addr 2) 5202 http://$(addr 2):8080/
