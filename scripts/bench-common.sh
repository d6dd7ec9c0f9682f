# Sourced by the bench scripts: bench_setup NAME TOOL... installs the tools that are missing from
# Debian's packages, checks the jar, compiles the benches when needed, and sets CP (their
# classpath) and PATH (with /usr/sbin, where nginx and haproxy live).
bench_setup() {
  local name=$1
  shift
  local missing=() tool
  for tool in "$@"; do
    command -v "$tool" >/dev/null || [ -x "/usr/sbin/$tool" ] || missing+=("$tool")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    echo "$name: installing ${missing[*]} (apt-get)" >&2
    local sudo=
    [ "$(id -u)" -ne 0 ] && sudo=sudo
    $sudo apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
  fi
  export PATH="$PATH:/usr/sbin"
  [ -f target/intercept.jar ] || { echo "$name: run 'make build' first" >&2; exit 1; }
  mkdir -p bench-out
  [ -d target/test-classes/dev/intercept/bench ] || mvn -B -q test-compile
  mvn -B -q -Dstyle.color=never dependency:build-classpath -Dmdep.outputFile=bench-out/classpath.txt -Dmdep.includeScope=test >/dev/null
  CP="target/test-classes:target/classes:$(cat bench-out/classpath.txt)"
}
