#!/usr/bin/env bash
# Builds benchmarks/target/benchmarks.jar and runs JMH suites with short settings suited to a
# shared 2-core machine. Usage: benchmarks/run-jmh.sh [JMH regexp] [extra JMH options...]
#   benchmarks/run-jmh.sh 'io.l4lb.bench.sched.*'        (the default: every scheduler suite)
#   benchmarks/run-jmh.sh SchedulerPick -p servers=100
# Results: benchmarks/target/jmh-result.json (and the table on stdout).
set -euo pipefail
cd "$(dirname "$0")/.."
: "${JAVA_HOME:=/usr/lib/jvm/temurin-25-jdk-amd64}"
export JAVA_HOME MAVEN_OPTS="${MAVEN_OPTS:---sun-misc-unsafe-memory-access=allow}"
pattern="${1:-io.l4lb.bench.sched.*}"
shift || true
mvn -B -o -q -pl benchmarks -am package -DskipTests
echo "# $(date -u +%FT%TZ) nproc=$(nproc) $("$JAVA_HOME/bin/java" -version 2>&1 | head -1) load: $(cut -d' ' -f1-3 /proc/loadavg)"
exec "$JAVA_HOME/bin/java" -jar benchmarks/target/benchmarks.jar "$pattern" \
    -f 1 -wi 3 -w 1s -i 5 -r 1s -rf json -rff benchmarks/target/jmh-result.json "$@"
