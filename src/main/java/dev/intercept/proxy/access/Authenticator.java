package dev.intercept.proxy.access;

import dev.intercept.protocol.ApiFailure;
import dev.intercept.protocol.Identity;
import io.vertx.core.Future;

/** Who presents this bearer token: an {@link Identity}, or {@link ApiFailure.Unauthenticated}. */
public interface Authenticator {
  /** {@code token}: the bearer token of the request, or null when it carried none. */
  Future<Identity> authenticate(String token);
}
