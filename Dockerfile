# One image, four roles: docker run intercept --role=proxy|sidecar|client|echo ...
# Build after `make build` (the jar and its AppCDS archive come from target/).
# Not built in this project's CI: its machines have no Docker engine.
FROM eclipse-temurin:17-jre
COPY target/intercept.jar /opt/intercept/intercept.jar
EXPOSE 8081 8022 9900 9000-9015
# out of memory, the JVM exits (code 3) and Kubernetes restarts the container (docs/resilience.md)
ENTRYPOINT ["java", "-XX:+ExitOnOutOfMemoryError", "-jar", "/opt/intercept/intercept.jar"]
