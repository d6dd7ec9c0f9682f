#!/usr/bin/env bash
# Builds target/intercept.jsa, an AppCDS archive of the classes a client run loads (JDK 13+
# dynamic archive): a training run registers an intercept against a throwaway proxy, opens the
# tunnel, and exits on SIGINT. Launches with -XX:SharedArchiveFile then start ~2x faster. The
# archive is tied to this JDK and this jar: `make build` remakes it; a stale one is ignored.
set -euo pipefail
set -m
cd "$(dirname "$0")/.."
# absolute: the archive only applies to launches that name the jar by the same path (bin/intercept does)
JAR=$PWD/target/intercept.jar
JSA=$PWD/target/intercept.jsa
OUT=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$OUT"' EXIT
rm -f "$JSA"

java -jar "$JAR" --role=proxy --listen-host 127.0.0.1 --api-port 0 --ssh-port 0 \
  --forward-ports 39901-39916 --forward-bind-host 127.0.0.1 >"$OUT/proxy.out" 2>"$OUT/proxy.err" &
for _ in $(seq 1 300); do grep -q listening "$OUT/proxy.out" && break; sleep 0.1; done
API=$(grep -o ' api=[^ ]*' "$OUT/proxy.out" | sed 's/.*://')
# intercepts need a sidecar of their app to have polled: poll once, as a sidecar would
exec 3<>"/dev/tcp/127.0.0.1/$API"
printf 'GET /api/v1/apps/cds-training/routes?since=-1 HTTP/1.0\r\n\r\n' >&3
cat <&3 >/dev/null
exec 3<&-

# a kubeconfig, as developers have: the client reads its credentials, so its loading is archived too
cat >"$OUT/kubeconfig" <<KUBECONFIG
apiVersion: v1
kind: Config
clusters: [{name: training, cluster: {server: "http://127.0.0.1:$API"}}]
users: [{name: training, user: {token: training}}]
contexts: [{name: training, context: {cluster: training, user: training}}]
current-context: training
KUBECONFIG
KUBECONFIG="$OUT/kubeconfig" java -XX:ArchiveClassesAtExit="$JSA" -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -jar "$JAR" --role=client intercept cds-training \
  -m :path "/.*" -m x-dev "a|b" --name training -p 1 --proxy-url "http://127.0.0.1:$API" \
  >"$OUT/client.out" 2>"$OUT/client.err" &
CLIENT=$!
for _ in $(seq 1 300); do
  grep -q "Intercept is running" "$OUT/client.out" 2>/dev/null && break
  kill -0 "$CLIENT" 2>/dev/null || break
  sleep 0.1
done
kill -INT "$CLIENT" 2>/dev/null || true
wait "$CLIENT" || true
if [ -f "$JSA" ]; then
  echo "appcds: $JSA ($(du -h "$JSA" | cut -f1)) from a client training run"
else
  echo "appcds: no archive made (launches still work, just slower to start)" >&2
fi
