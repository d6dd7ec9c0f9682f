#!/usr/bin/env bash
# Run inside the image build (Dockerfile), with the image's own JRE: the seed once on loopback —
# proxy, app echo, sidecar, laptop echo, a client intercept and a request it serves — each JVM
# listing the classes it loads (-XX:DumpLoadedClassList), then one static AppCDS archive of
# their union (-Xshare:dump). The archive is tied to this JRE and this jar path, which is why it
# is made here and not copied from target/ (`make build`'s archive is for the host's JDK).
#   image-cds.sh JAR JSA
# The build runs it with --network=none: every port below is in the build's own loopback.
set -euo pipefail
set -m
JAR=$1
JSA=$2
W=$(mktemp -d)
declare -A PID
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$W"' EXIT
# the client pins the proxy's host key under XDG_CONFIG_HOME: keep it out of the image
export XDG_CONFIG_HOME=$W/config

start() { # NAME ARGS...: a role in the background; waits for its "listening" line
  local name=$1
  shift
  java -XX:DumpLoadedClassList="$W/$name.lst" -jar "$JAR" "$@" >"$W/$name.out" 2>"$W/$name.err" &
  PID[$name]=$!
  for _ in $(seq 1 600); do
    grep -q "${WAIT_FOR:-listening}" "$W/$name.out" 2>/dev/null && return 0
    kill -0 $! 2>/dev/null || break
    sleep 0.1
  done
  echo "image-cds: $name did not start" >&2
  cat "$W/$name.out" "$W/$name.err" >&2
  exit 1
}
get() { # PORT PATH: the first line of the body of GET PATH (Host: the-app)
  exec 3<>"/dev/tcp/127.0.0.1/$1"
  printf 'GET %s HTTP/1.0\r\nHost: the-app\r\n\r\n' "$2" >&3
  sed -n '/^\r$/{n;p;q}' <&3
  exec 3<&-
}

printf 'dev-token-cds,developer,uid-dev\nsidecar-token-cds,sidecar,uid-sc,"intercept:sidecars"\n' >"$W/tokens.csv"
start proxy --role=proxy --api-port 8081 --ssh-port 8022 --forward-ports 9000-9001 \
  --auth token-file --token-file "$W/tokens.csv"
start pod --role=echo --port 8080 --hostname the-app-pod
start laptop --role=echo --port 8090 --hostname container_on_laptop
INTERCEPT_TOKEN=sidecar-token-cds APPNAME=myapp APPPORT=8080 WAIT_FOR="connected to the proxy" \
  start sidecar --role=sidecar --listen-port 9900 --proxy-url http://127.0.0.1:8081
get 9900 /ark3 >/dev/null
WAIT_FOR="Intercept is running" start client --role=client intercept myapp -m :path '.*ark3.*' \
  --name training -p 8090 --proxy-url http://127.0.0.1:8081 --token dev-token-cds
served=
for _ in $(seq 1 100); do
  served=$(get 9900 /ark3)
  [[ $served == *container_on_laptop* ]] && break
  sleep 0.1
done
[[ $served == *container_on_laptop* ]] || { echo "image-cds: the intercept did not serve: $served" >&2; exit 1; }
# Ctrl-C the client, then stop the others: every JVM exits normally and closes its class list
kill -INT "${PID[client]}"
wait "${PID[client]}" || true
kill -TERM "${PID[sidecar]}" "${PID[proxy]}" "${PID[pod]}" "${PID[laptop]}"
wait || true

# the union, each class once, in first-loaded order (a lambda's line stays after its class)
awk '!seen[$0]++' "$W"/proxy.lst "$W"/sidecar.lst "$W"/client.lst "$W"/pod.lst >"$W/all.lst"
java -Xshare:dump -XX:SharedClassListFile="$W/all.lst" -XX:SharedArchiveFile="$JSA" -cp "$JAR" \
  >"$W/dump.log" 2>&1 || { tail -30 "$W/dump.log" >&2; exit 1; }
chmod 0644 "$JSA"
echo "image-cds: $JSA, $(grep -vc '^[#@]' "$W/all.lst") classes, $(du -h "$JSA" | cut -f1)"
