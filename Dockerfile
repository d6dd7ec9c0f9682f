# One image, four roles: podman run localhost/intercept:VERSION --role=proxy|sidecar|client|echo ...
# Built by `make image` (scripts/image.sh) from target/intercept.jar; `make test` builds it too,
# on a base made from Debian's packages (BASE=localhost/intercept-local-base:..., from
# scripts/local-base.sh), since no registry is reachable from this project's CI. docs/image.md.
#
# Runs as uid/gid 10001 (non-root) with a read-only root filesystem: the roles write only under
# /tmp (HOME; mount an emptyDir there) and to mounted volumes (the sidecar's --envoy-config-dir,
# the proxy's --host-key-file).

# The JRE base, pinned by digest (a multi-arch index of Eclipse Temurin's 17-jre). The digest
# was taken from a public Dockerfile and could not be checked from here (no registry reachable):
# verify it (`skopeo inspect docker://eclipse-temurin:17-jre`) before relying on it. Any JRE 17
# base with bash works: `make image BASE=...`.
ARG BASE=docker.io/library/eclipse-temurin:17-jre@sha256:13cc28a6cc72a38ce1f00c906be3580c1a3e604b8984d694f369a96742abc93b
FROM ${BASE}
USER 0
# a passwd entry, so the JVM's user.home is /tmp as HOME says (without one it is "/")
RUN echo 'intercept:x:10001:10001:intercept:/tmp:/usr/sbin/nologin' >>/etc/passwd \
 && echo 'intercept:x:10001:' >>/etc/group
COPY target/intercept.jar /opt/intercept/intercept.jar
# the launcher: each role's JVM flags (the sidecar's lean ones: docs/sidecar-memory.md)
COPY bin/intercept /opt/intercept/bin/intercept
# AppCDS: a training run of the seed with this JRE, then a static archive of the classes it
# loaded (scripts/image-cds.sh; the build runs with --network=none). Faster container start:
# docs/benchmarks.md.
RUN --mount=type=bind,source=scripts/image-cds.sh,target=/run/image-cds.sh \
    bash /run/image-cds.sh /opt/intercept/intercept.jar /opt/intercept/intercept.jsa \
 && rm -rf /tmp/* /tmp/.[!.]*
USER 10001:10001
ENV HOME=/tmp
WORKDIR /tmp
# API, SSH, sidecar data plane, forward ports
EXPOSE 8081 8022 9900 9000-9015
# bin/intercept execs java with the role's flags: out of memory, the JVM exits (code 3) and
# Kubernetes restarts the container (docs/resilience.md); the sidecar runs small (SerialGC, a 24 MB
# heap, C1 only: docs/sidecar-memory.md); the other roles map the AppCDS archive (a stale or
# mismatched one is ignored, -Xshare:auto, costing only start-up time). INTERCEPT_JAVA_OPTS adds
# flags (a later one wins).
ENTRYPOINT ["/opt/intercept/bin/intercept"]
