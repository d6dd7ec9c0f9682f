#!/usr/bin/env bash
# Where the sshd-core client spends its time in a bulk transfer (docs/benchmarks.md, issue 5):
# proxy + echo "laptop" + client under JFR; 1 GiB up and back through the tunnel twice; the
# client's execution samples aggregated by top frame. Needs curl; loopback only.
set -euo pipefail
set -m
cd "$(dirname "$0")/.."
J=$PWD/target/intercept.jar
D=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$D"' EXIT
free_port() { local p=$((20000 + RANDOM % 40000)); while (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; do p=$((20000 + RANDOM % 40000)); done; echo $p; }
FWD=$(free_port)
truncate -s 1G "$D/1g.bin"
java -jar "$J" --role=proxy --listen-host 127.0.0.1 --api-port 0 --ssh-port 0 --forward-ports "$FWD" \
  --forward-bind-host 127.0.0.1 >"$D/proxy.out" 2>/dev/null &
java -jar "$J" --role=echo --listen-host 127.0.0.1 --port 0 --hostname laptop >"$D/echo.out" 2>/dev/null &
for _ in $(seq 1 100); do grep -q listening "$D/proxy.out" "$D/echo.out" 2>/dev/null && [ "$(grep -l listening "$D"/*.out | wc -l)" = 2 ] && break; sleep 0.1; done
API=$(grep -o ' api=[^ ]*' "$D/proxy.out" | sed 's/.*://')
ECHO=$(grep -o ' http=[^ ]*' "$D/echo.out" | sed 's/.*://')
curl -s "http://127.0.0.1:$API/api/v1/apps/bench/routes?since=-1" >/dev/null   # as the app's sidecar would
java -XX:StartFlightRecording=filename="$D/client.jfr",dumponexit=true,settings=profile -jar "$J" --role=client \
  intercept bench -m :path '/.*' --name profile -p "$ECHO" --proxy-url "http://127.0.0.1:$API" >"$D/client.out" 2>/dev/null &
CLIENT=$!
for _ in $(seq 1 100); do grep -q "Intercept is running" "$D/client.out" 2>/dev/null && break; sleep 0.1; done
for _ in 1 2; do
  curl -s -o /dev/null -w "1 GiB up and back: %{speed_upload} B/s\n" -T "$D/1g.bin" "http://127.0.0.1:$FWD/up"
done
kill -INT "$CLIENT"; wait "$CLIENT" || true
jfr print --events jdk.ExecutionSample "$D/client.jfr" | grep -A1 "stackTrace = \[" | grep -v "stackTrace\|^--" \
  | sed 's/line:.*//; s/^ *//' | sort | uniq -c | sort -rn | head -15
