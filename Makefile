# intercept: build, test, demo, bench. Needs a JDK 17 and Maven (and curl for the demo).
JAR := target/intercept.jar
JSA := target/intercept.jsa
SOURCES := pom.xml $(shell find src/main -type f 2>/dev/null)

.PHONY: build test demo bench clean format docs k8s

build: $(JSA)

$(JAR): $(SOURCES)
	mvn -B -q clean package -DskipTests

# AppCDS archive from a client training run: halves start-up (docs/benchmarks.md)
$(JSA): $(JAR)
	scripts/appcds.sh

test:
	mvn -B clean verify

demo: $(JSA)
	scripts/demo.sh

bench: $(JSA)
	mvn -B -q test-compile
	scripts/bench.sh

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
