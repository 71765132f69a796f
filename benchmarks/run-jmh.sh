#!/usr/bin/env bash
# Builds benchmarks/target/benchmarks.jar and runs JMH suites with short settings suited to a
# shared 2-core machine. Usage: benchmarks/run-jmh.sh [JMH regexp] [extra JMH options...]
#   benchmarks/run-jmh.sh 'io.l4lb.bench.sched.*'        (the default: every scheduler suite)
#   benchmarks/run-jmh.sh SchedulerPick -p servers=100
#   benchmarks/run-jmh.sh --cpu   (same scheduler benchmarks timed by thread CPU time, one JVM
#                                  per configuration: meaningful when other jobs load the cores)
# Results: benchmarks/target/jmh-result.json (and the table on stdout).
set -euo pipefail
cd "$(dirname "$0")/.."
: "${JAVA_HOME:=/usr/lib/jvm/temurin-25-jdk-amd64}"
export JAVA_HOME MAVEN_OPTS="${MAVEN_OPTS:---sun-misc-unsafe-memory-access=allow}"
pattern="${1:-io.l4lb.bench.sched.*}"
shift || true
mvn -B -o -q -pl benchmarks -am package -DskipTests
echo "# $(date -u +%FT%TZ) nproc=$(nproc) $("$JAVA_HOME/bin/java" -version 2>&1 | head -1) load: $(cut -d' ' -f1-3 /proc/loadavg)"
if [[ "$pattern" == --cpu ]]; then
    cpu() { "$JAVA_HOME/bin/java" -Xmx1g -cp benchmarks/target/benchmarks.jar io.l4lb.bench.sched.CpuTimeBench "$@"; }
    for n in 2 100 10000; do
        for s in rr wrr static-rr lc wlc sed nq sh mh first; do cpu pick "$s" "$n"; done
        for s in lc wlc sed nq first; do cpu churn "$s" "$n"; done
    done
    for n in 100 1000 10000; do cpu maglev mh "$n"; cpu wrr wrr "$n"; done
    echo "# done $(date -u +%FT%TZ) load: $(cut -d' ' -f1-3 /proc/loadavg)"
    exit 0
fi
exec "$JAVA_HOME/bin/java" -jar benchmarks/target/benchmarks.jar "$pattern" \
    -f 1 -wi 3 -w 1s -i 5 -r 1s -rf json -rff benchmarks/target/jmh-result.json "$@"
