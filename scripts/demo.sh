#!/usr/bin/env bash
# The seed demo on one machine: proxy, an "in-cluster" echo pod behind a sidecar for myapp, a
# "laptop" echo, and the client intercepting /ark3. Every role is the same jar; logs in demo-logs/.
set -euo pipefail
# Job control: background roles keep SIGINT (non-interactive shells make background jobs ignore
# it), so the client sees our "Ctrl-C" exactly as from a terminal.
set -m
cd "$(dirname "$0")/.."

JAR=target/intercept.jar
LOGS=demo-logs
FORWARD_PORTS=${DEMO_FORWARD_PORTS:-9000-9015}
# bin/intercept: the jar with the fast-start flags. Under perl, SIGINT is reset to its default so
# the client gets our Ctrl-C even when this script was started with SIGINT ignored.
JAVA=(bin/intercept)
command -v perl >/dev/null && JAVA=(perl -e '$SIG{INT} = "DEFAULT"; exec @ARGV or die $!' bin/intercept)

command -v curl >/dev/null || { echo "demo: curl is needed (apt-get install -y curl)" >&2; exit 1; }
[ -f "$JAR" ] || { echo "demo: $JAR is missing; run 'make build'" >&2; exit 1; }
rm -rf "$LOGS" && mkdir -p "$LOGS"

PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
}
trap cleanup EXIT

# start NAME ARGS...: runs a role in the background, waits for its "listening" line
start() {
  local name=$1; shift
  "${JAVA[@]}" "$@" >"$LOGS/$name.out" 2>"$LOGS/$name.err" &
  PIDS+=($!)
  for _ in $(seq 1 300); do
    grep -q "listening" "$LOGS/$name.out" 2>/dev/null && return 0
    kill -0 "${PIDS[-1]}" 2>/dev/null || break
    sleep 0.1
  done
  echo "demo: $name did not start:" >&2; cat "$LOGS/$name.err" >&2; exit 1
}
# port NAME KEY: the port of KEY=HOST:PORT in NAME's listening line
port() { grep -o " $2=[^ ]*" "$LOGS/$1.out" | head -1 | sed 's/.*://'; }

# who may call the proxy: a developer and the sidecar, with tokens made for this run only
token() { od -An -tx1 -N24 /dev/urandom | tr -d ' \n'; }
DEV_TOKEN=$(token)
SIDECAR_TOKEN=$(token)
umask 077
printf '%s,developer,uid-developer\n%s,sidecar,uid-sidecar,"intercept:sidecars"\n' \
  "$DEV_TOKEN" "$SIDECAR_TOKEN" > "$LOGS/tokens.csv"
umask 022
# the client pins the proxy's SSH host key: keep this run's pins with this run's logs
export XDG_CONFIG_HOME="$PWD/$LOGS/config"

echo "# starting the proxy, the app pod (echo) with its sidecar, and the laptop's server (echo)"
start proxy --role=proxy --listen-host 127.0.0.1 --api-port 0 --ssh-port 0 \
  --forward-ports "$FORWARD_PORTS" --forward-bind-host 127.0.0.1 \
  --auth token-file --token-file "$LOGS/tokens.csv"
API=$(port proxy api)
start pod --role=echo --listen-host 127.0.0.1 --port 0 --hostname the-app-pod
start laptop --role=echo --listen-host 127.0.0.1 --port 0 --hostname container_on_laptop
INTERCEPT_TOKEN=$SIDECAR_TOKEN APPNAME=myapp APPPORT=$(port pod http) start sidecar --role=sidecar --listen-host 127.0.0.1 --listen-port 0 \
  --proxy-url "http://127.0.0.1:$API"
SIDECAR=$(port sidecar http)
for _ in $(seq 1 100); do grep -q "connected to the proxy" "$LOGS/sidecar.out" && break; sleep 0.1; done
LAPTOP=$(port laptop http)
head -1 "$LOGS"/{proxy,sidecar}.out | grep listening | sed 's/^/#   /'
echo "#   'curl the-app/...' below is curl -H 'Host: the-app' http://127.0.0.1:$SIDECAR/..."
echo

served_by() { curl -s -m 20 -H 'Host: the-app' "http://127.0.0.1:$SIDECAR$1" | head -1; }
# expect PATH WHO: like show, once WHO answers (the route table reaches the sidecar within ms)
expect() {
  local got
  for _ in $(seq 1 100); do
    got=$(served_by "$1")
    [ "$got" = "Request served by $2" ] && break
    sleep 0.05
  done
  printf '$ curl the-app%-20s -> %s\n' "$1" "$got"
  [ "$got" = "Request served by $2" ] || { echo "demo: expected $2" >&2; exit 1; }
}

expect /foo/bar the-app-pod
expect /ark3 the-app-pod
echo "\$ java -jar intercept.jar --role=client intercept myapp -m :path \".*ark3.*\" --name test -p $LAPTOP"
INTERCEPT_TOKEN=$DEV_TOKEN "${JAVA[@]}" --role=client intercept myapp -m :path ".*ark3.*" --name test \
  -p "$LAPTOP" --proxy-url "http://127.0.0.1:$API" > >(tee "$LOGS/client.out") 2>"$LOGS/client.err" &
CLIENT=$!
PIDS+=("$CLIENT")
for _ in $(seq 1 300); do
  grep -q "Intercept is running" "$LOGS/client.out" 2>/dev/null && break
  kill -0 "$CLIENT" 2>/dev/null || { cat "$LOGS/client.err" >&2; exit 1; }
  sleep 0.1
done
expect /foo/bar the-app-pod
expect /ark3 container_on_laptop
echo "^C"
kill -INT "$CLIENT"
wait "$CLIENT" && rc=0 || rc=$?
sleep 0.2  # let tee flush the client's last lines
[ "$rc" = 0 ] || { echo "demo: the client exited with $rc" >&2; exit 1; }
expect /ark3 the-app-pod
echo
echo "# demo done: every request above went through the sidecar; logs in $LOGS/"
