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
echo "## Reaching the proxy through kubeconfig: port-forward against --proxy-url (issue 12)" | tee -a bench-out/activation.md
java -cp "$CP" -Dintercept.jar="$PWD/target/intercept.jar" dev.intercept.bench.PortForwardBench "${PF_RUNS:-7}" \
  "${PF_REQUESTS:-1000}" 2>>bench-out/activation-runs.txt | tee -a bench-out/activation.md
echo | tee -a bench-out/activation.md
echo "## Authentication: added latency per API call (issue 10)" | tee -a bench-out/activation.md
java -cp "$CP" dev.intercept.bench.AuthBench "${AUTH_CALLS:-500}" 2>>bench-out/activation-runs.txt \
  | grep -v '^intercept ' | tee -a bench-out/activation.md
echo | tee -a bench-out/activation.md
echo "## Policy: registration latency beside others' intercepts (issue 11)" | tee -a bench-out/activation.md
java -cp "$CP" dev.intercept.bench.PolicyBench "${POLICY_CALLS:-200}" 2>>bench-out/activation-runs.txt \
  | grep -v '^intercept ' | tee -a bench-out/activation.md
echo | tee -a bench-out/activation.md
echo "## Envoy config writes" | tee -a bench-out/activation.md
echo "| what | p50 (ms) | p99 (ms) | max (ms) |" | tee -a bench-out/activation.md
echo "| --- | --- | --- | --- |" | tee -a bench-out/activation.md
java -cp "$CP" dev.intercept.envoy.EnvoyWriteBench "${ENVOY_WRITES:-500}" 2>>bench-out/activation-runs.txt | tee -a bench-out/activation.md
echo | tee -a bench-out/activation.md
echo "## HA proxy: three replicas" | tee -a bench-out/activation.md
java -cp "$CP" -Dintercept.jar="$PWD/target/intercept.jar" dev.intercept.bench.ClusterBench "${CLUSTER_WRITES:-200}" 2>>bench-out/activation-runs.txt | tee -a bench-out/activation.md

echo | tee -a bench-out/activation.md
echo "## Never stale, never broken (issue 6)" | tee -a bench-out/activation.md
java -cp "$CP" -Dintercept.jar="$PWD/target/intercept.jar" dev.intercept.it.ResilienceBench "${RESILIENCE_RUNS:-3}" \
  "${CHURN_SECONDS:-60}" 2>>bench-out/activation-runs.txt | tee -a bench-out/activation.md

# The image and pods (issue 12): needs podman (skipped, saying so, without); builds the image on
# the local base (scripts/local-base.sh) as the tests do
echo | tee -a bench-out/activation.md
echo "## The image, containers and pods (issue 12)" | tee -a bench-out/activation.md
java -cp "$CP" -Dintercept.jar="$PWD/target/intercept.jar" dev.intercept.bench.ImageBench "${IMAGE_RUNS:-5}" \
  2>>bench-out/activation-runs.txt | tee -a bench-out/activation.md

# Data plane against HAProxy and nginx (issue 13): its own script, runnable alone (make bench-dataplane)
echo | tee -a bench-out/activation.md
scripts/bench-dataplane.sh | tee -a bench-out/activation.md

# Sidecar memory (issue 13): its own script, runnable alone (make bench-sidecar-memory)
echo | tee -a bench-out/activation.md
scripts/bench-sidecar-memory.sh | tee -a bench-out/activation.md

# SSH tunnel (issues 5, 13): direct, OpenSSH→OpenSSH sshd, OpenSSH→our proxy, our client→our
# proxy, side by side; also runnable alone (scripts/bench-tunnel.sh, after `make build`)
echo | tee -a bench-out/activation.md
CP="$CP" scripts/bench-tunnel.sh | tee -a bench-out/activation.md
