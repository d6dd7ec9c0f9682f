package dev.intercept.proxy.access;

import dev.intercept.protocol.ApiFailure;
import dev.intercept.protocol.Identity;
import io.vertx.core.Future;

/**
 * Authorization by group, for --auth=token-file and none: sidecars (group intercept:sidecars) may
 * only poll routes; everyone else is a developer; admins (intercept:admins) may also revoke.
 */
public final class GroupPolicy implements Authorizer {
  @Override
  public Future<Void> check(Identity who, Action action, String app) {
    String refusal =
        switch (action) {
          case POLL_ROUTES ->
              who.sidecar() ? null : "only sidecars (group " + Identity.SIDECARS + ") poll routes";
          case REVOKE ->
              who.admin()
                  ? null
                  : "only admins (group " + Identity.ADMINS + ") may remove another's intercept";
          default -> who.developer() ? null : who.user() + " is a sidecar: it may only poll routes";
        };
    return refusal == null
        ? Future.succeededFuture()
        : Future.failedFuture(new ApiFailure.Forbidden(refusal));
  }
}
