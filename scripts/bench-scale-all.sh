#!/usr/bin/env bash
# The figures of docs/benchmarks.md "Scale" in one go, under one hold of /tmp/bench.lock: this
# build at 1,000 / 10,000 / 20,000 pollers, the build BEFORE=path.jar (the one before issue 15,
# run with --max-waiters 30000, which it needs past 1,024) at 1,000 / 10,000, and 20,000 pollers
# over two replicas. DURATION seconds of changes each (default 60). SNAPSHOT=DIR runs the jar and
# classes copied there (so the worktree can build meanwhile): cp -r target/{classes,test-classes,intercept.jar} DIR
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p bench-out
mvn -B -q -Dstyle.color=never dependency:build-classpath -Dmdep.outputFile=bench-out/classpath.txt -Dmdep.includeScope=test >/dev/null
T="${SNAPSHOT:-target}"
CP="$T/test-classes:$T/classes:$(cat bench-out/classpath.txt)"
JAR="$(cd "$T" && pwd)/intercept.jar"
D="${DURATION:-60}"
run() { # jar proxy-args pollers replicas
  java -cp "$CP" -Dintercept.jar="$1" -Dscale.proxyJvm="${PROXY_JVM:--Xmx512m}" -Dscale.proxyArgs="$2" \
    dev.intercept.bench.ScaleBench "$3" 100 "$D" "$4" 2>>bench-out/scale-runs.txt
}
echo "## Scale ($(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, open-file limit $(ulimit -n), ${D} s of changes, $(java -version 2>&1 | head -1))"
echo "### this build"
run "$JAR" "" 1000,10000,20000 1
if [ -n "${BEFORE:-}" ]; then
  echo "### before (${BEFORE})"
  run "$BEFORE" "--max-waiters 30000" 1000,10000 1
fi
echo "### two replicas"
run "$JAR" "" 20000 2
