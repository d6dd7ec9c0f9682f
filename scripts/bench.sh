#!/usr/bin/env bash
# make bench: activation / deactivation timings (docs/benchmarks.md). Output also in bench-out/.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p bench-out
mvn -B -q -Dstyle.color=never dependency:build-classpath -Dmdep.outputFile=bench-out/classpath.txt -Dmdep.includeScope=test >/dev/null
CP="target/test-classes:target/classes:$(cat bench-out/classpath.txt)"
echo "## activation ($(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, $(java -version 2>&1 | head -1))" | tee bench-out/activation.md
java -cp "$CP" -Dintercept.jar="$PWD/target/intercept.jar" dev.intercept.bench.ActivationBench "${RUNS:-5}" 2>bench-out/activation-runs.txt | tee -a bench-out/activation.md
echo | tee -a bench-out/activation.md
echo "## Envoy config writes" | tee -a bench-out/activation.md
echo "| what | p50 (ms) | p99 (ms) | max (ms) |" | tee -a bench-out/activation.md
echo "| --- | --- | --- | --- |" | tee -a bench-out/activation.md
java -cp "$CP" dev.intercept.envoy.EnvoyWriteBench "${ENVOY_WRITES:-500}" 2>>bench-out/activation-runs.txt | tee -a bench-out/activation.md
echo | tee -a bench-out/activation.md
echo "## HA proxy: three replicas" | tee -a bench-out/activation.md
java -cp "$CP" -Dintercept.jar="$PWD/target/intercept.jar" dev.intercept.bench.ClusterBench "${CLUSTER_WRITES:-200}" 2>>bench-out/activation-runs.txt | tee -a bench-out/activation.md
