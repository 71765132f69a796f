#!/usr/bin/env bash
# Reload reliability run (issue 5): 100 reloads by SIGHUP, cycling valid A -> valid B -> invalid,
# under a steady load of short connections (wrk, Connection: close) through l4lb to two nginx
# origins. Pass: 0 failed requests (socket errors, non-2xx) and wrk's slowest request < 50 ms;
# every valid reload applied, every invalid one rejected with file:line:col while A/B keeps serving.
# Usage: benchmarks/reload/run.sh [RELOADS=100] [WRK_THREADS=2] [WRK_CONNS=32]
# Needs: nginx (nginx-light), wrk; l4lb built (bin/l4lb builds it on first use). Loopback only.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
reloads=${1:-100}
threads=${2:-2}
conns=${3:-32}
work=$(mktemp -d /tmp/l4lb-reload.XXXXXX)
fe=28380; o1=28381; o2=28382
pids=()
keep_work=0
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  [ -f "$work/nginx.pid" ] && kill "$(cat "$work/nginx.pid")" 2>/dev/null || true
  # the work dir goes only after nginx was stopped through its pid file (kept on failure, for the logs)
  [ "$keep_work" = 1 ] || rm -rf "$work"
}
trap cleanup EXIT

mkdir -p "$work/nginx"
cat > "$work/nginx.conf" <<NGX
worker_processes 1;
pid $work/nginx.pid;
error_log $work/nginx/error.log;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $work/nginx; proxy_temp_path $work/nginx; fastcgi_temp_path $work/nginx;
  uwsgi_temp_path $work/nginx; scgi_temp_path $work/nginx;
  server { listen 127.0.0.1:$o1; location / { return 200 "o1\n"; } }
  server { listen 127.0.0.1:$o2; location / { return 200 "o2\n"; } }
}
NGX
nginx -c "$work/nginx.conf"

head() {
  cat <<CFG
global
    hard-stop-after 5s
defaults
    mode tcp
    timeout connect 2s
    timeout client 30s
    timeout server 30s
frontend fe
    bind 127.0.0.1:$fe
    default_backend web
backend web
    balance roundrobin
CFG
}
{ head; echo "    server s1 127.0.0.1:$o1 weight 1"; echo "    server s2 127.0.0.1:$o2 weight 1"; } > "$work/a.cfg"
{ head; echo "    server s1 127.0.0.1:$o1 weight 3"; echo "    server s3 127.0.0.1:$o2 weight 2"; } > "$work/b.cfg"
{ head; echo "    server s1 127.0.0.1:$o1 weight lots"; } > "$work/bad.cfg"
cp "$work/a.cfg" "$work/l4lb.cfg"

"$root/bin/l4lb" run -f "$work/l4lb.cfg" > "$work/l4lb.log" 2>&1 &
lb=$!; pids+=("$lb")
for _ in $(seq 1 120); do
  grep -q "listening on" "$work/l4lb.log" && break
  kill -0 "$lb" || { cat "$work/l4lb.log"; exit 1; }
  sleep 0.5
done
curl -fsS "http://127.0.0.1:$fe/" >/dev/null

# Baseline: the same load without reloads, to tell machine noise from reload effects.
wrk -t"$threads" -c"$conns" -d10s --latency -H "Connection: close" "http://127.0.0.1:$fe/" > "$work/baseline.txt"
echo "baseline (no reloads): $(awk '/^Requests\/sec/ {print $2}' "$work/baseline.txt") requests/s, slowest $(awk '/^    Latency/ {print $4}' "$work/baseline.txt"), $(grep -E 'Socket errors|Non-2xx' "$work/baseline.txt" || echo 'no errors')"
duration=$(( reloads / 4 + 10 ))
wrk -t"$threads" -c"$conns" -d"${duration}s" --latency -H "Connection: close" "http://127.0.0.1:$fe/" > "$work/wrk.txt" &
wrkpid=$!; pids+=("$wrkpid")
sleep 3
for i in $(seq 1 "$reloads"); do
  case $(( i % 3 )) in
    1) next=b ;;
    2) next=bad ;;
    0) next=a ;;
  esac
  # Replace the file atomically (rename): a reload must never read a half-written file.
  cp "$work/$next.cfg" "$work/next.tmp" && mv "$work/next.tmp" "$work/l4lb.cfg"
  kill -HUP "$lb"
  sleep 0.2
done
wait "$wrkpid"
sleep 1
applied=$(grep -c "applied:" "$work/l4lb.log" || true)
rejected=$(grep -c "reload rejected, the running config is kept" "$work/l4lb.log" || true)
cat "$work/wrk.txt"
echo "reloads sent: $reloads, applied: $applied, rejected: $rejected"
grep -m1 -A1 "reload rejected" "$work/l4lb.log" || true
errors=$(grep -E "Socket errors|Non-2xx" "$work/wrk.txt" || true)
max=$(awk '/^    Latency/ {print $4}' "$work/wrk.txt")
rate=$(awk '/^Requests\/sec/ {print $2}' "$work/wrk.txt")
echo "requests/s: $rate, slowest: $max, errors: ${errors:-none}"
kill "$lb"; wait "$lb" 2>/dev/null || true
to_ms() { case $1 in *us) echo "${1%us} / 1000" | bc -l ;; *ms) echo "${1%ms}" ;; *s) echo "${1%s} * 1000" | bc -l ;; esac; }
ok=1
[ -z "$errors" ] || ok=0
[ "$(echo "$(to_ms "$max") < 50" | bc -l)" = 1 ] || ok=0
[ "$((applied + rejected))" -eq "$reloads" ] || ok=0
if [ "$ok" = 1 ]; then echo "PASS"; else echo "FAIL (log: $work)"; keep_work=1; exit 1; fi
