package dev.intercept.sidecar;

import dev.intercept.config.ConfigKey;

/**
 * How the data plane speaks to the app and to an intercept's tunnel ({@link
 * ConfigKey#APP_PROTOCOL}, the values of a Kubernetes Service port's {@code appProtocol}).
 */
enum AppProtocol {
  /** HTTP/1.1; WebSocket upgrades pass; a client that opens with the h2c preface gets h2c. */
  HTTP,
  /** HTTP/2 cleartext with prior knowledge. */
  H2C,
  /** gRPC: HTTP/2 cleartext with prior knowledge. */
  GRPC,
  /** WebSocket: HTTP/1.1 and its upgrade. */
  WS;

  static AppProtocol of(String value) {
    return switch (value) {
      case "kubernetes.io/h2c" -> H2C;
      case "grpc" -> GRPC;
      case "kubernetes.io/ws" -> WS;
      default -> HTTP;
    };
  }

  /**
   * Whether a request goes upstream in HTTP/2. Declared h2c or gRPC: always. Undeclared (http):
   * when the client opened its connection with the h2c preface, as only a client that knows the app
   * speaks h2c does (Envoy's USE_DOWNSTREAM_PROTOCOL), and for gRPC, which has no HTTP/1.1 form.
   * WebSocket upgrades are HTTP/1.1 whatever is declared.
   */
  boolean http2Upstream(boolean priorKnowledge, boolean grpcRequest, boolean upgrade) {
    if (upgrade) {
      return false;
    }
    return switch (this) {
      case H2C, GRPC -> true;
      case HTTP -> priorKnowledge || grpcRequest;
      case WS -> false;
    };
  }
}
