#!/usr/bin/env bash
# The built-in data plane against HAProxy, side by side in the same minutes (issue 13;
# docs/benchmarks.md, "Built-in data plane against HAProxy"). nginx serves the "app" and the
# "laptop" (a short body each); HAProxy routes `.*ark3.*` to the intercept's forward port on the
# proxy (through the real SSH tunnel to the laptop) and the rest to the app, as the sidecar does
# with one intercept active. wrk, 32 connections; rounds alternate HAProxy and the sidecar.
# Needs wrk, haproxy, nginx (installed with apt-get when missing and run as root) and
# target/intercept.jar.
#   ROUNDS=5 SECONDS_PER_RUN=10 WARMUP=20 scripts/builtin-plane-bench.sh
# HOLD=1 sets everything up, prints the ports and waits (profile by hand; stop it with Ctrl-C or
# kill PID).
# SIDECAR_JAVA_OPTS adds JVM flags to the sidecar (e.g. -XX:StartFlightRecording=...).
# LAUNCHER=1 runs the sidecar with the JVM flags bin/intercept gives it in the image (SerialGC, a
# small heap: docs/sidecar-memory.md), read from that script, and its MALLOC_ARENA_MAX=1; the
# default is `java -jar` with the JVM's own defaults.
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${ROUNDS:-5}
SECS=${SECONDS_PER_RUN:-10}
WARMUP=${WARMUP:-20}
CONNS=${CONNS:-32}
THREADS=${THREADS:-2}
JAR=${JAR:-target/intercept.jar}
have() { command -v "$1" >/dev/null || [ -x "/usr/sbin/$1" ]; }
if ! { have wrk && have haproxy && have nginx && have curl; } && [ "$(id -u)" = 0 ] \
  && command -v apt-get >/dev/null; then
  # Debian's packages, as the issue's comparison used
  apt-get install -y -q wrk haproxy nginx-light curl >&2
fi
for tool in wrk haproxy nginx curl; do
  have "$tool" || {
    echo "needs $tool: apt-get install -y wrk haproxy nginx-light curl" >&2
    exit 1
  }
done
[ -f "$JAR" ] || { echo "needs $JAR: mvn -B -q package -DskipTests" >&2; exit 1; }

DIR=$(mktemp -d)
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$DIR"
}
trap cleanup EXIT

free_port() {
  local p=$((20000 + RANDOM % 40000))
  while (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; do p=$((20000 + RANDOM % 40000)); done
  echo "$p"
}
wait_for() { # FILE PATTERN
  for _ in $(seq 1 600); do grep -q "$2" "$1" 2>/dev/null && return 0; sleep 0.1; done
  echo "timed out waiting for '$2' in $1:" >&2
  cat "$1" "${1%.out}.err" >&2 2>/dev/null || true
  exit 1
}
port_of() { grep -o " $2=[^ ]*" "$DIR/$1.out" | head -1 | sed 's/.*://'; }
role() { # NAME ARGS...
  local name=$1
  shift
  java -XX:+UseSerialGC ${ROLE_JAVA_OPTS:-} -jar "$JAR" "$@" >"$DIR/$name.out" 2>"$DIR/$name.err" &
  PIDS+=($!)
}

APP=$(free_port)
LAPTOP=$(free_port)
HAP=$(free_port)
mkdir -p "$DIR/nginx"
cat >"$DIR/nginx.conf" <<CONF
worker_processes 1;
daemon off;
pid $DIR/nginx.pid;
error_log $DIR/nginx/error.log;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $DIR/nginx;
  proxy_temp_path $DIR/nginx;
  fastcgi_temp_path $DIR/nginx;
  uwsgi_temp_path $DIR/nginx;
  scgi_temp_path $DIR/nginx;
  keepalive_requests 1000000;
  server { listen 127.0.0.1:$APP; location / { return 200 "served by the app\n"; } }
  server { listen 127.0.0.1:$LAPTOP; location / { return 200 "served by the laptop\n"; } }
}
CONF
nginx -c "$DIR/nginx.conf" -p "$DIR/nginx" 2>"$DIR/nginx.err" &
PIDS+=($!)

FWD=$(free_port)
role proxy --role=proxy --listen-host 127.0.0.1 --api-port 0 --ssh-port 0 \
  --forward-ports "$FWD" --forward-bind-host 127.0.0.1
wait_for "$DIR/proxy.out" listening
API=$(port_of proxy api)
LAUNCHER_FLAGS=""
LAUNCHER_ENV=""
if [ -n "${LAUNCHER:-}" ]; then
  # the very flags of bin/intercept's sidecar case (and MALLOC_ARENA_MAX below)
  eval "$(grep -E '^SIDECAR_(FLAGS|TRIM)=' bin/intercept)"
  LAUNCHER_FLAGS="-XX:+ExitOnOutOfMemoryError $SIDECAR_FLAGS $SIDECAR_TRIM"
  LAUNCHER_ENV="MALLOC_ARENA_MAX=1"
fi
# shellcheck disable=SC2086
env $LAUNCHER_ENV APPNAME=myapp APPPORT=$APP java $LAUNCHER_FLAGS ${SIDECAR_JAVA_OPTS:-} -jar "$JAR" \
  --role=sidecar --listen-host 127.0.0.1 --listen-port 0 --proxy-url "http://127.0.0.1:$API" \
  >"$DIR/sidecar.out" 2>"$DIR/sidecar.err" &
SIDECAR_PID=$!
PIDS+=($SIDECAR_PID)
wait_for "$DIR/sidecar.out" "connected to the proxy"
SIDECAR=$(port_of sidecar http)
XDG_CONFIG_HOME="$DIR/config" role client --role=client intercept myapp -m :path '.*ark3.*' \
  --name bench -p "$LAPTOP" --proxy-url "http://127.0.0.1:$API"
CLIENT_PID=${PIDS[-1]}
wait_for "$DIR/client.out" "Intercept is running"
for _ in $(seq 1 100); do
  curl -s "http://127.0.0.1:$SIDECAR/ark3" | grep -q laptop && break
  sleep 0.1
done

cat >"$DIR/haproxy.cfg" <<CONF
global
  maxconn 4096
defaults
  mode http
  timeout connect 5s
  timeout client 30s
  timeout server 15s
frontend sidecar
  bind 127.0.0.1:$HAP
  acl intercepted url_reg ^.*ark3.*\$
  use_backend tunnel if intercepted
  default_backend app
backend tunnel
  server t 127.0.0.1:$FWD
backend app
  server a 127.0.0.1:$APP
CONF
haproxy -f "$DIR/haproxy.cfg" -db >"$DIR/haproxy.out" 2>&1 &
HAPROXY_PID=$!
PIDS+=($HAPROXY_PID)
# a second HAProxy that also adds the five request headers the sidecar adds (as Envoy does):
# x-forwarded-for, x-forwarded-proto, x-envoy-external-address, x-request-id and
# x-envoy-expected-rq-timeout-ms; through the tunnel, those bytes cost the laptop's side
HAP2=$(free_port)
sed -e "s/bind 127.0.0.1:$HAP/bind 127.0.0.1:$HAP2/" -e 's/^frontend sidecar$/frontend sidecar\
  option forwardfor\
  unique-id-format %{+X}o\\ %ci:%cp_%fi:%fp_%Ts_%rt:%pid\
  unique-id-header x-request-id\
  http-request set-header x-forwarded-proto http\
  http-request set-header x-envoy-external-address %ci\
  http-request set-header x-envoy-expected-rq-timeout-ms 15000/' \
  "$DIR/haproxy.cfg" >"$DIR/haproxy-headers.cfg"
haproxy -f "$DIR/haproxy-headers.cfg" -db >"$DIR/haproxy-headers.out" 2>&1 &
HAPROXY2_PID=$!
PIDS+=($HAPROXY2_PID)
for _ in $(seq 1 50); do curl -s "http://127.0.0.1:$HAP/ark3" | grep -q laptop && break; sleep 0.1; done
curl -s "http://127.0.0.1:$HAP/ark3" | grep -q laptop || { echo "haproxy does not route" >&2; exit 1; }
curl -s "http://127.0.0.1:$HAP2/ark3" | grep -q laptop || { echo "haproxy (headers) does not route" >&2; exit 1; }

if [ -n "${HOLD:-}" ]; then
  # for profiling by hand: everything stays up until this script is stopped
  echo "sidecar=127.0.0.1:$SIDECAR (pid $SIDECAR_PID) haproxy=127.0.0.1:$HAP (pid $HAPROXY_PID)" \
    "haproxy-with-headers=127.0.0.1:$HAP2" \
    "app=127.0.0.1:$APP laptop=127.0.0.1:$LAPTOP tunnel=127.0.0.1:$FWD"
  # a TERM (kill PID) ends it at once, and the EXIT trap stops everything it started
  trap 'exit 0' TERM
  while :; do
    sleep 3600 &
    PIDS+=($!)
    wait $!
  done
fi
# CPU time (user + system, clock ticks) a process has used so far
ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
# one wrk run: prints "req/s p50_ms p99_ms cpu_ms_per_10k_requests" (CPU of process PID)
run() { # URL SECONDS PID
  local before after
  before=$(ticks "$3")
  wrk -t"$THREADS" -c"$CONNS" -d"$2"s --latency "$1" >"$DIR/wrk.out"
  after=$(ticks "$3")
  awk -v cpu=$((after - before)) -v hz="$(getconf CLK_TCK)" '
    function ms(v) { if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0; if (v ~ /s$/) return v * 1000; return v }
    /requests in/ { n = $1 }
    /^Requests\/sec/ { rps = $2 }
    /^ +50%/ { p50 = ms($2) }
    /^ +99%/ { p99 = ms($2) }
    /Non-2xx/ { bad = $NF }
    END { if (bad > 0) print "non-2xx answers:", bad > "/dev/stderr"; printf "%.0f %.3f %.3f %.0f\n", rps, p50, p99, cpu * 1000 / hz * 10000 / n }' "$DIR/wrk.out"
}
median() { sort -n | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }

echo "warm-up: ${WARMUP} s on each" >&2
run "http://127.0.0.1:$SIDECAR/foo/bar" "$WARMUP" "$SIDECAR_PID" >/dev/null
run "http://127.0.0.1:$SIDECAR/ark3" "$((WARMUP / 2))" "$SIDECAR_PID" >/dev/null
run "http://127.0.0.1:$HAP/foo/bar" 3 "$HAPROXY_PID" >/dev/null
run "http://127.0.0.1:$HAP2/foo/bar" 3 "$HAPROXY2_PID" >/dev/null

echo "| case | who | req/s | p50 ms | p99 ms | CPU ms / 10k req | runs |"
echo "| --- | --- | --- | --- | --- | --- | --- |"
measure() { # CASE PATH [HAPROXY_PORT HAPROXY_PID HAPROXY_NAME]
  local label=$1 path=$2 hport=${3:-$HAP} hpid=${4:-$HAPROXY_PID} hname=${5:-HAProxy}
  : >"$DIR/h" && : >"$DIR/s"
  for r in $(seq 1 "$ROUNDS"); do
    run "http://127.0.0.1:$hport$path" "$SECS" "$hpid" >>"$DIR/h"
    run "http://127.0.0.1:$SIDECAR$path" "$SECS" "$SIDECAR_PID" >>"$DIR/s"
    echo "  round $r: haproxy $(tail -1 "$DIR/h") | sidecar $(tail -1 "$DIR/s")" >&2
  done
  for who in h s; do
    local name=$hname
    [ $who = s ] && name="sidecar (built-in)"
    echo "| $label | $name | $(cut -d' ' -f1 "$DIR/$who" | median) | $(cut -d' ' -f2 "$DIR/$who" | median) | $(cut -d' ' -f3 "$DIR/$who" | median) | $(cut -d' ' -f4 "$DIR/$who" | median) | $ROUNDS × ${SECS} s |"
  done
  # each round's two runs share the machine's minutes: their ratios are steadier than the medians'
  paste -d' ' "$DIR/h" "$DIR/s" | awk '{ print $5 / $1, $6 / $2, $7 / $3, $8 / $4 }' >"$DIR/r"
  echo "| $label | sidecar ÷ $hname, median of the rounds' ratios | $(cut -d' ' -f1 "$DIR/r" | median) | $(cut -d' ' -f2 "$DIR/r" | median) | $(cut -d' ' -f3 "$DIR/r" | median) | $(cut -d' ' -f4 "$DIR/r" | median) | |"
}
measure "/foo/bar, intercept active (to the app)" /foo/bar
measure "/ark3, matched (through the tunnel)" /ark3
measure "/ark3, matched (through the tunnel)" /ark3 "$HAP2" "$HAPROXY2_PID" \
  "HAProxy adding the sidecar's 5 headers"
kill "$CLIENT_PID"
for _ in $(seq 1 100); do
  curl -s "http://127.0.0.1:$SIDECAR/ark3" | grep -q app && break
  sleep 0.1
done
# HAProxy has no intercept to drop: the same config, unmatched path
measure "/foo/bar, no intercept" /foo/bar
echo "sidecar RSS after the runs: $(ps -o rss= -p "$SIDECAR_PID" | awk '{ printf "%.0f MB", $1 / 1024 }')" >&2
