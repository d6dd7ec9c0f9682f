package dev.intercept.it.conformance;

/**
 * One column's view of the sidecar under test: where to send, the headers that select it (the
 * intercept's match, or none for the app), which server must answer, and that server's own port.
 */
record Target(int sidecar, String selectHeader, String selectValue, String servedBy, int server) {
  boolean selects() {
    return selectHeader != null;
  }

  /** The selecting header as a raw request line, or nothing. */
  String rawHeader() {
    return selects() ? selectHeader + ": " + selectValue + "\r\n" : "";
  }
}
