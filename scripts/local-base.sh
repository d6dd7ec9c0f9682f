#!/usr/bin/env bash
# A JRE base image made here, for machines that reach no container registry (this project's CI):
# Debian bookworm minbase + openjdk-17-jre-headless from the apt mirror this machine is configured
# with (debootstrap), imported into podman. Kept once made: a second run only prints its name.
#   scripts/local-base.sh            -> prints the image name (localhost/intercept-local-base:...)
#   LOCAL_BASE_REBUILD=1 scripts/local-base.sh   makes it again (e.g. after a JRE security update)
# Needs root, debootstrap and podman (apt-get install -y podman runc debootstrap).
set -euo pipefail
NAME=${LOCAL_BASE_IMAGE:-localhost/intercept-local-base:bookworm-jre17}
if [ -z "${LOCAL_BASE_REBUILD:-}" ] && podman image exists "$NAME"; then
  echo "$NAME"
  exit 0
fi
command -v debootstrap >/dev/null || { echo "local-base: debootstrap is needed (apt-get install -y debootstrap)" >&2; exit 1; }
# the mirror apt uses here (deb822 sources, else sources.list), else Debian's
MIRROR=${LOCAL_BASE_MIRROR:-$(sed -n 's/^URIs: *\([^ ]*debian\)$/\1/p' /etc/apt/sources.list.d/debian.sources 2>/dev/null | head -1)}
[ -n "$MIRROR" ] || MIRROR=$(awk '$1 == "deb" && $3 == "bookworm" {print $2; exit}' /etc/apt/sources.list 2>/dev/null || true)
MIRROR=${MIRROR:-http://deb.debian.org/debian}
ROOT=$(mktemp -d /var/tmp/intercept-local-base.XXXXXX)
trap 'rm -rf "$ROOT"' EXIT
echo "local-base: debootstrap bookworm + openjdk-17-jre-headless from $MIRROR (about a minute)" >&2
debootstrap --variant=minbase --include=openjdk-17-jre-headless bookworm "$ROOT" "$MIRROR" \
  >"$ROOT.log" 2>&1 || { tail -20 "$ROOT.log" >&2; rm -f "$ROOT.log"; exit 1; }
rm -f "$ROOT.log"
# what a runtime image does not need: downloaded packages, apt lists, docs, man pages, locales
rm -rf "$ROOT"/var/cache/apt/archives/*.deb "$ROOT"/var/lib/apt/lists/* \
  "$ROOT"/usr/share/doc/* "$ROOT"/usr/share/man/* "$ROOT"/usr/share/locale/*
JRE=$(dirname "$(dirname "$(readlink -f "$ROOT/etc/alternatives/java")")")
JRE=${JRE#"$ROOT"}
tar -C "$ROOT" -c . | podman import --quiet \
  --change "ENV JAVA_HOME=$JRE" \
  --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change 'CMD ["/bin/bash"]' - "$NAME" >/dev/null
echo "$NAME"
