#!/usr/bin/env bash
# The SSH tunnel bench (docs/benchmarks.md, issues 5 and 13): one HTTP server reached directly,
# OpenSSH ssh -R → OpenSSH sshd, OpenSSH ssh -R → our proxy, our client → our proxy. A throwaway
# sshd on a free high port, with its own config, host key and authorized_keys in a temp dir.
# Markdown on stdout; per-run samples appended to bench-out/activation-runs.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p bench-out
if [ -z "${CP:-}" ]; then
  mvn -B -q -Dstyle.color=never dependency:build-classpath -Dmdep.outputFile=bench-out/classpath.txt -Dmdep.includeScope=test >/dev/null
  CP="target/test-classes:target/classes:$(cat bench-out/classpath.txt)"
fi
echo "## SSH tunnel"
if [ ! -x /usr/sbin/sshd ] || ! command -v ssh >/dev/null; then
  echo "skipped: needs /usr/sbin/sshd and ssh (apt-get install openssh-server openssh-client)"
  exit 0
fi
SSHD_DIR=$(mktemp -d)
# a free high port: one nothing answers on (bash's /dev/tcp, no other tool needed)
SSHD_PORT=$((20000 + RANDOM % 40000))
while (exec 3<>"/dev/tcp/127.0.0.1/$SSHD_PORT") 2>/dev/null; do SSHD_PORT=$((20000 + RANDOM % 40000)); done
ssh-keygen -q -t ed25519 -N '' -f "$SSHD_DIR/host_key"
ssh-keygen -q -t ed25519 -N '' -f "$SSHD_DIR/client_key"
cp "$SSHD_DIR/client_key.pub" "$SSHD_DIR/authorized_keys"
echo "[127.0.0.1]:$SSHD_PORT $(cat "$SSHD_DIR/host_key.pub")" > "$SSHD_DIR/known_hosts"
cat > "$SSHD_DIR/sshd_config" <<CONF
Port $SSHD_PORT
ListenAddress 127.0.0.1
HostKey $SSHD_DIR/host_key
AuthorizedKeysFile $SSHD_DIR/authorized_keys
PidFile $SSHD_DIR/sshd.pid
UsePAM no
StrictModes no
PermitRootLogin yes
PasswordAuthentication no
KbdInteractiveAuthentication no
AllowTcpForwarding yes
Ciphers aes128-gcm@openssh.com
CONF
mkdir -p /run/sshd  # sshd's privilege-separation directory
/usr/sbin/sshd -f "$SSHD_DIR/sshd_config" -D -e 2>"$SSHD_DIR/sshd.log" &
SSHD_PID=$!
trap 'kill $SSHD_PID 2>/dev/null; rm -rf "$SSHD_DIR"' EXIT
# INTERCEPT_JAR: another build to measure (default target/intercept.jar). TUNNEL_JAVA_OPTS: e.g. -Dbench.jvmFlags=-Dorg.apache.sshd.config.nio-workers=1 (reaches proxy and client)
# proxy and client run as they ship, through bin/intercept and the JVM flags it gives each role
# (the client's `intercept` keeps C2 for AES-GCM); another build's jar runs with java -jar
LAUNCHER=true
[ -n "${INTERCEPT_JAR:-}" ] && LAUNCHER=false
java -cp "$CP" ${TUNNEL_JAVA_OPTS:-} -Dbench.launcher="$LAUNCHER" -Dintercept.jar="${INTERCEPT_JAR:-$PWD/target/intercept.jar}" dev.intercept.bench.TunnelBench "$SSHD_PORT" \
  "$SSHD_DIR/client_key" "$SSHD_DIR/known_hosts" "${TUNNEL_REPS:-3}" "${TUNNEL_REQUESTS:-1000}" \
  2>>bench-out/activation-runs.txt
