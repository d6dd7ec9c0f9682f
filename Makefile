# intercept: build, test, demo, bench, image. Needs a JDK 17 and Maven (curl for the demo, podman for the image).
JAR := target/intercept.jar
JSA := target/intercept.jsa
SOURCES := pom.xml $(shell find src/main -type f 2>/dev/null)

.PHONY: build test demo bench bench-dataplane bench-sidecar-memory bench-scale clean format docs image k8s

build: $(JSA)

$(JAR): $(SOURCES)
	mvn -B -q clean package -DskipTests

# AppCDS archive from a client training run: halves start-up (docs/benchmarks.md)
$(JSA): $(JAR)
	scripts/appcds.sh

test:
	mvn -B clean verify

# the one image with podman: localhost/intercept:VERSION (docs/image.md); `make image
# BASE=IMAGE` builds on another JRE 17 base, e.g. BASE=$$(scripts/local-base.sh) with no registry
image: $(JAR)
	BASE="$(BASE)" IMAGE="$(IMAGE)" scripts/image.sh

demo: $(JSA)
	scripts/demo.sh

bench: $(JSA)
	mvn -B -q test-compile
	scripts/bench.sh
	scripts/bench-scale.sh

# one proxy, 1,000 / 10,000 / 20,000 sidecar long-polls, a route change every 100 ms (issue 15)
bench-scale: $(JAR)
	mvn -B -q test-compile
	scripts/bench-scale.sh

# the sidecar's data plane against HAProxy and nginx alone (issue 13; also part of bench)
bench-dataplane: $(JSA)
	mvn -B -q test-compile
	scripts/bench-dataplane.sh

# the sidecar's resident memory, plain against lean, NMT, start to ready (issue 13; also part of bench)
bench-sidecar-memory: $(JSA)
	mvn -B -q test-compile
	scripts/bench-sidecar-memory.sh

clean:
	mvn -B -q clean
	rm -rf demo-logs bench-out

# google-java-format through Spotless; `make test` refuses unformatted sources
format:
	mvn -B -q spotless:apply

# docs/configuration.md's settings table, from the declarations in ConfigKey
docs:
	mvn -B -q compile -Dspotless.check.skip=true
	java -cp target/classes dev.intercept.config.ConfigDoc docs/configuration.md

# k8s/ and example/: what `intercept install` and `inject` print (GeneratedManifestsTest compares)
k8s: $(JAR)
	java -cp $(JAR) dev.intercept.cli.GeneratedManifests .
