# intercept: build, test, demo, bench. Needs a JDK 17 and Maven.
JAR := target/intercept.jar
JSA := target/intercept.jsa
SOURCES := pom.xml $(shell find src/main -type f 2>/dev/null)

.PHONY: build test demo bench clean

build: $(JAR)

$(JAR): $(SOURCES)
	mvn -B -q clean package -DskipTests
	scripts/appcds.sh

test:
	mvn -B clean verify

demo: $(JAR)
	scripts/demo.sh

bench: $(JAR)
	mvn -B -q test-compile
	scripts/bench.sh

clean:
	mvn -B -q clean
	rm -rf demo-logs bench-out
