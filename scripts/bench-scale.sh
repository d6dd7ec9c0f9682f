#!/usr/bin/env bash
# make bench-scale: one proxy, N sidecar long-polls over 100 apps, an intercept created or deleted
# every 100 ms (docs/benchmarks.md "Scale"). POLLERS, APPS, DURATION (seconds), REPLICAS,
# PROXY_JVM, PROXY_ARGS override the; PROXY_CPUS=0 GEN_CPUS=1 pin the proxies and the rest (load
# generators, churn) apart with taskset; HISTOGRAMS=DIR keeps the proxies' class histograms;
# defaults; JAR=path benches another build (e.g. the one before a change). Loopback only; runs
# under flock /tmp/bench.lock so it never overlaps another bench on this machine.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p bench-out
mvn -B -q -Dstyle.color=never dependency:build-classpath -Dmdep.outputFile=bench-out/classpath.txt -Dmdep.includeScope=test >/dev/null
# SNAPSHOT=DIR runs the jar and classes copied there (the worktree may build meanwhile)
T="${SNAPSHOT:-target}"
CP="$T/test-classes:$T/classes:$(cat bench-out/classpath.txt)"
JAR="${JAR:-$(cd "$T" && pwd)/intercept.jar}"
echo "## Scale ($(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, open-file limit $(ulimit -n), $(java -version 2>&1 | head -1))" | tee bench-out/scale.md
PIN=()
if [ -n "${GEN_CPUS:-}" ]; then PIN=(taskset -c "$GEN_CPUS"); fi
# BENCH_LOCK_HELD=1: the caller holds /tmp/bench.lock already (several runs in one hold)
LOCK=(flock /tmp/bench.lock)
if [ -n "${BENCH_LOCK_HELD:-}" ]; then LOCK=(); fi
"${LOCK[@]}" "${PIN[@]}" java -cp "$CP" -Dintercept.jar="$JAR" -Dscale.proxyJvm="${PROXY_JVM:--Xmx512m}" \
  -Dscale.proxyCpus="${PROXY_CPUS:-}" -Dscale.histograms="${HISTOGRAMS:-}" \
  -Dscale.proxyArgs="${PROXY_ARGS:-}" dev.intercept.bench.ScaleBench "${POLLERS:-1000,10000,20000}" \
  "${APPS:-100}" "${DURATION:-60}" "${REPLICAS:-1}" 2>>bench-out/scale-runs.txt | tee -a bench-out/scale.md
