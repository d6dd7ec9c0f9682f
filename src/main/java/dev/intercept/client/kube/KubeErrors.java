package dev.intercept.client.kube;

import dev.intercept.client.UserError;
import java.io.InterruptedIOException;
import java.util.concurrent.TimeoutException;

/**
 * What the Kubernetes API's refusals mean to the developer, as one line: RBAC names the verb and
 * the resource the user lacks, 401 says to log in again, anything else says the API was not
 * reached.
 */
final class KubeErrors {
  private KubeErrors() {}

  /** A call that ended with {@code failure} (HTTP status {@code code}, 0 when none came). */
  static UserError of(
      Throwable failure, int code, String verb, String resource, String ns, Kubeconfig kc) {
    return switch (code) {
      case 403 -> rbac(verb, resource, ns, kc);
      case 401 ->
          new UserError(
              "the Kubernetes API at "
                  + kc.server()
                  + " refused the credentials of context "
                  + kc.context()
                  + " (401): log in to the cluster again");
      default ->
          new UserError(
              "cannot reach the Kubernetes API at "
                  + kc.server()
                  + " (context "
                  + kc.context()
                  + "): "
                  + rootMessage(failure));
    };
  }

  static UserError rbac(String verb, String resource, String ns, Kubeconfig kc) {
    return new UserError(
        "RBAC refuses to "
            + verb
            + " "
            + resource
            + " in namespace "
            + ns
            + " (context "
            + kc.context()
            + "): your user needs verb '"
            + verb
            + "' on resource '"
            + resource
            + "' there (see docs/kubernetes.md)");
  }

  static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    if (t.getMessage() != null) {
      return t.getMessage();
    }
    return t instanceof TimeoutException || t instanceof InterruptedIOException
        ? "no answer within request-timeout-seconds"
        : t.getClass().getSimpleName();
  }
}
