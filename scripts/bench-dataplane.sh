#!/usr/bin/env bash
# make bench-dataplane (also part of make bench): the sidecar's data plane against HAProxy and
# nginx, side by side (docs/benchmarks.md, "Data plane against HAProxy and nginx (issue 13)").
# Installs wrk, haproxy and nginx from Debian's packages when missing. Output: stdout and
# bench-out/dataplane.md; each run's figures in bench-out/dataplane-runs.txt.
#   ROUNDS=3 SECONDS_PER_RUN=10 WARMUP=20 CONNECTIONS=32 SIDECARS=plain,launcher scripts/bench-dataplane.sh
# SIDECARS: plain (java -jar, no flags), launcher (bin/intercept: the lean flags the image applies,
# C2 alone: docs/sidecar-memory.md), launcher-c2 (those with C1 and C2 tiered, the JVM's default).
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/bench-common.sh
. scripts/bench-common.sh
bench_setup bench-dataplane wrk haproxy nginx
{
  echo "## Data plane against HAProxy and nginx (issue 13)"
  echo
  echo "$(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, $(wrk --version 2>&1 | head -1 | cut -d' ' -f1-2), $(haproxy -v | head -1 | cut -d' ' -f1-3), $(nginx -v 2>&1 | cut -d' ' -f3)"
  echo
} | tee bench-out/dataplane.md
java -cp "$CP" -Dintercept.jar="$PWD/target/intercept.jar" -Dbench.sidecars="${SIDECARS:-plain,launcher}" \
  dev.intercept.bench.DataPlaneBench "${ROUNDS:-3}" "${SECONDS_PER_RUN:-10}" "${WARMUP:-20}" "${CONNECTIONS:-32}" \
  2>bench-out/dataplane-runs.txt | tee -a bench-out/dataplane.md
