package dev.intercept.proxy.access;

import dev.intercept.protocol.ApiFailure;
import dev.intercept.protocol.Identity;
import io.vertx.core.Future;

/**
 * May this identity do this to this app's intercepts? Succeeds, or {@link ApiFailure.Forbidden}.
 */
public interface Authorizer {
  Future<Void> check(Identity who, Action action, String app);
}
