package dev.intercept.tunnel;

import dev.intercept.protocol.Intercept;
import java.util.concurrent.CompletionStage;

/**
 * What the SSH server needs from the proxy's registry. Called on SSHD threads; the proxy answers
 * from its own context.
 */
public interface TunnelDirectory {

  /** The intercept an SSH user names, or null. */
  CompletionStage<Intercept> lookup(String sshUser);

  /** Records that this replica now holds (up) or no longer holds (down) the intercept's tunnel. */
  CompletionStage<Boolean> tunnelChanged(Intercept intercept, boolean up);
}
