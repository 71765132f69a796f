#!/usr/bin/env bash
# End-to-end proxy-mode load benchmark (not a test). Builds l4lb if needed, then runs
# benchmarks/load/proxy_bench.py. Needs: wrk, haproxy, nginx-light + libnginx-mod-stream, taskset.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
. "$root/bin/jdk.sh"
export JAVA_HOME
for tool in wrk haproxy nginx taskset python3; do
  command -v "$tool" >/dev/null || { echo "benchmark needs $tool" >&2; exit 1; }
done
if [ ! -f "$root/lb-server/target/lb-server-0.1.0-SNAPSHOT.jar" ] || [ ! -d "$root/lb-server/target/lib" ]; then
  (cd "$root" && MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow" \
     mvn -B -q -DskipTests -pl lb-server -am package)
fi
exec python3 "$root/benchmarks/load/proxy_bench.py" "$@"
