#!/usr/bin/env bash
# make bench-sidecar-memory (also part of make bench): the sidecar's resident memory after a minute
# of wrk load, plain (java -jar) against lean (bin/intercept, the flags the image applies), with
# Native Memory Tracking's breakdown, JVM start to ready, and requests/s side by side
# (docs/benchmarks.md, "Sidecar memory (issue 13)"; docs/sidecar-memory.md). Installs wrk and
# nginx (the upstream) from Debian's packages when missing. Output: stdout and
# bench-out/sidecar-memory.md; each run's figures in bench-out/sidecar-memory-runs.txt.
#   LOAD_SECONDS=60 ROUNDS=3 SECONDS_PER_RUN=10 CONNECTIONS=32 STARTS=3 scripts/bench-sidecar-memory.sh
#   VARIANTS="c2=-XX:TieredStopAtLevel=4;bigheap=-Xmx64m" ...: more sidecars, by bin/intercept with
#   INTERCEPT_JAVA_OPTS=flags (a later flag wins), to weigh one setting; NMT=lean,c2 (the ways with
#   an NMT twin, default plain,lean); PLAIN=false leaves the plain sidecar out
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/bench-common.sh
. scripts/bench-common.sh
bench_setup bench-sidecar-memory wrk nginx
{
  echo "## Sidecar memory (issue 13)"
  echo
  echo "$(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, $(wrk --version 2>&1 | head -1 | cut -d' ' -f1-2), $(nginx -v 2>&1 | cut -d' ' -f3)"
  echo
} | tee bench-out/sidecar-memory.md
java -cp "$CP" -Dintercept.jar="$PWD/target/intercept.jar" -Dbench.variants="${VARIANTS:-}" \
  -Dbench.nmt="${NMT:-plain,lean}" -Dbench.plain="${PLAIN:-true}" \
  dev.intercept.bench.SidecarMemoryBench "${LOAD_SECONDS:-60}" "${ROUNDS:-3}" "${SECONDS_PER_RUN:-10}" \
  "${CONNECTIONS:-32}" "${STARTS:-3}" 2>bench-out/sidecar-memory-runs.txt | tee -a bench-out/sidecar-memory.md
