#!/usr/bin/env bash
# make bench: activation / deactivation timings (docs/benchmarks.md). Output also in bench-out/.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p bench-out
CP="target/test-classes:$(mvn -B -q dependency:build-classpath -Dmdep.outputFile=/dev/stdout -Dmdep.includeScope=test)"
echo "## activation ($(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, $(java -version 2>&1 | head -1))" | tee bench-out/activation.md
java -cp "$CP" -Dintercept.jar="$PWD/target/intercept.jar" dev.intercept.bench.ActivationBench "${RUNS:-5}" 2>bench-out/activation-runs.txt | tee -a bench-out/activation.md
