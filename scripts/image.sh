#!/usr/bin/env bash
# make image: the one image (Dockerfile) from target/intercept.jar, built with podman (no daemon).
#   scripts/image.sh                         tags localhost/intercept:VERSION (the jar's version)
#   BASE=IMAGE scripts/image.sh              another JRE 17 base (e.g. scripts/local-base.sh's)
#   IMAGE=NAME:TAG scripts/image.sh          another tag
# The build needs no network (--network=none): its AppCDS training run stays on its loopback.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v podman >/dev/null || { echo "image: podman is needed (apt-get install -y podman runc; docs/image.md)" >&2; exit 1; }
[ -f target/intercept.jar ] || { echo "image: target/intercept.jar is missing; run 'make build'" >&2; exit 1; }
VERSION=$(java -jar target/intercept.jar --version | awk '{print $2}')
IMAGE=${IMAGE:-localhost/intercept:$VERSION}
# --layers=false: no cache of intermediate images to pile up (the jar changes every build anyway)
ARGS=(build --network=none --layers=false --tag "$IMAGE" --file Dockerfile)
[ -n "${BASE:-}" ] && ARGS+=(--build-arg "BASE=$BASE")
OLD=$(podman image inspect --format '{{.Id}}' "$IMAGE" 2>/dev/null || true)
if ! podman "${ARGS[@]}" . >&2; then
  [ -z "${BASE:-}" ] && echo "image: no registry reachable? build on a local base: make image BASE=\$(scripts/local-base.sh)" >&2
  exit 1
fi
# the previous build of this tag, now untagged: removed unless a container still uses it
NEW=$(podman image inspect --format '{{.Id}}' "$IMAGE")
if [ -n "$OLD" ] && [ "$OLD" != "$NEW" ]; then podman rmi "$OLD" >/dev/null 2>&1 || true; fi
echo "image: $IMAGE ($(podman image inspect --format '{{.Size}}' "$IMAGE" | awk '{printf "%.0f MB", $1 / 1e6}'))"
