#!/usr/bin/env bash
# make bench: activation / deactivation timings (docs/benchmarks.md). Output also in bench-out/.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p bench-out
mvn -B -q -Dstyle.color=never dependency:build-classpath -Dmdep.outputFile=bench-out/classpath.txt -Dmdep.includeScope=test >/dev/null
CP="target/test-classes:target/classes:$(cat bench-out/classpath.txt)"
echo "## activation ($(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, $(java -version 2>&1 | head -1))" | tee bench-out/activation.md
java -cp "$CP" -Dintercept.jar="$PWD/target/intercept.jar" dev.intercept.bench.ActivationBench "${RUNS:-5}" 2>bench-out/activation-runs.txt | tee -a bench-out/activation.md
echo | tee -a bench-out/activation.md
echo "## Reaching the proxy through kubeconfig: port-forward against --proxy-url (issue 12)" | tee -a bench-out/activation.md
java -cp "$CP" -Dintercept.jar="$PWD/target/intercept.jar" dev.intercept.bench.PortForwardBench "${PF_RUNS:-7}" \
  "${PF_REQUESTS:-1000}" 2>>bench-out/activation-runs.txt | tee -a bench-out/activation.md
echo | tee -a bench-out/activation.md
echo "## Authentication: added latency per API call (issue 10)" | tee -a bench-out/activation.md
java -cp "$CP" dev.intercept.bench.AuthBench "${AUTH_CALLS:-500}" 2>>bench-out/activation-runs.txt \
  | grep -v '^intercept ' | tee -a bench-out/activation.md
echo | tee -a bench-out/activation.md
echo "## Policy: registration latency beside others' intercepts (issue 11)" | tee -a bench-out/activation.md
java -cp "$CP" dev.intercept.bench.PolicyBench "${POLICY_CALLS:-200}" 2>>bench-out/activation-runs.txt \
  | grep -v '^intercept ' | tee -a bench-out/activation.md
echo | tee -a bench-out/activation.md
echo "## Envoy config writes" | tee -a bench-out/activation.md
echo "| what | p50 (ms) | p99 (ms) | max (ms) |" | tee -a bench-out/activation.md
echo "| --- | --- | --- | --- |" | tee -a bench-out/activation.md
java -cp "$CP" dev.intercept.envoy.EnvoyWriteBench "${ENVOY_WRITES:-500}" 2>>bench-out/activation-runs.txt | tee -a bench-out/activation.md
echo | tee -a bench-out/activation.md
echo "## HA proxy: three replicas" | tee -a bench-out/activation.md
java -cp "$CP" -Dintercept.jar="$PWD/target/intercept.jar" dev.intercept.bench.ClusterBench "${CLUSTER_WRITES:-200}" 2>>bench-out/activation-runs.txt | tee -a bench-out/activation.md

echo | tee -a bench-out/activation.md
echo "## Never stale, never broken (issue 6)" | tee -a bench-out/activation.md
java -cp "$CP" -Dintercept.jar="$PWD/target/intercept.jar" dev.intercept.it.ResilienceBench "${RESILIENCE_RUNS:-3}" \
  "${CHURN_SECONDS:-60}" 2>>bench-out/activation-runs.txt | tee -a bench-out/activation.md

# The image and pods (issue 12): needs podman (skipped, saying so, without); builds the image on
# the local base (scripts/local-base.sh) as the tests do
echo | tee -a bench-out/activation.md
echo "## The image, containers and pods (issue 12)" | tee -a bench-out/activation.md
java -cp "$CP" -Dintercept.jar="$PWD/target/intercept.jar" dev.intercept.bench.ImageBench "${IMAGE_RUNS:-5}" \
  2>>bench-out/activation-runs.txt | tee -a bench-out/activation.md

# SSH tunnel (issue 5): direct, OpenSSH→OpenSSH sshd, OpenSSH→our proxy, our client→our proxy.
# A throwaway sshd on a free high port, with its own config, host key and authorized_keys in a temp dir.
echo | tee -a bench-out/activation.md
echo "## SSH tunnel" | tee -a bench-out/activation.md
if [ ! -x /usr/sbin/sshd ] || ! command -v ssh >/dev/null; then
  echo "skipped: needs /usr/sbin/sshd and ssh (apt-get install openssh-server openssh-client)" | tee -a bench-out/activation.md
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
java -cp "$CP" -Dintercept.jar="$PWD/target/intercept.jar" dev.intercept.bench.TunnelBench "$SSHD_PORT" \
  "$SSHD_DIR/client_key" "$SSHD_DIR/known_hosts" "${TUNNEL_REPS:-3}" "${TUNNEL_REQUESTS:-1000}" \
  2>>bench-out/activation-runs.txt | tee -a bench-out/activation.md
# the built-in data plane against HAProxy, same routing and load (issue 13; wrk, haproxy, nginx-light)
scripts/builtin-plane-bench.sh 2>>bench-out/activation-runs.txt | tee -a bench-out/activation.md
