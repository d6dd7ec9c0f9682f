#!/usr/bin/env bash
# make bench-dataplane (also part of make bench): the sidecar's data plane against HAProxy and
# nginx, side by side (docs/benchmarks.md, "Data plane against HAProxy and nginx (issue 13)").
# Installs wrk, haproxy and nginx from Debian's packages when missing. Output: stdout and
# bench-out/dataplane.md; each run's figures in bench-out/dataplane-runs.txt.
#   ROUNDS=3 SECONDS_PER_RUN=10 WARMUP=20 CONNECTIONS=32 SIDECARS=plain,launcher scripts/bench-dataplane.sh
# SIDECARS: plain (java -jar, no flags), launcher (bin/intercept: the flags the image applies).
set -euo pipefail
cd "$(dirname "$0")/.."
missing=()
for tool in wrk haproxy nginx; do
  command -v "$tool" >/dev/null || [ -x "/usr/sbin/$tool" ] || missing+=("$tool")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "bench-dataplane: installing ${missing[*]} (apt-get)" >&2
  if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
  $SUDO apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
fi
export PATH="$PATH:/usr/sbin"
[ -f target/intercept.jar ] || { echo "bench-dataplane: run 'make build' first" >&2; exit 1; }
mkdir -p bench-out
[ -d target/test-classes/dev/intercept/bench ] || mvn -B -q test-compile
mvn -B -q -Dstyle.color=never dependency:build-classpath -Dmdep.outputFile=bench-out/classpath.txt -Dmdep.includeScope=test >/dev/null
CP="target/test-classes:target/classes:$(cat bench-out/classpath.txt)"
{
  echo "## Data plane against HAProxy and nginx (issue 13)"
  echo
  echo "$(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, $(wrk --version 2>&1 | head -1 | cut -d' ' -f1-2), $(haproxy -v | head -1 | cut -d' ' -f1-3), $(nginx -v 2>&1 | cut -d' ' -f3)"
  echo
} | tee bench-out/dataplane.md
java -cp "$CP" -Dintercept.jar="$PWD/target/intercept.jar" -Dbench.sidecars="${SIDECARS:-plain,launcher}" \
  dev.intercept.bench.DataPlaneBench "${ROUNDS:-3}" "${SECONDS_PER_RUN:-10}" "${WARMUP:-20}" "${CONNECTIONS:-32}" \
  2>bench-out/dataplane-runs.txt | tee -a bench-out/dataplane.md
