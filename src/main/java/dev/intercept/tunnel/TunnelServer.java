package dev.intercept.tunnel;

import dev.intercept.protocol.Intercept;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PublicKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.sshd.common.AttributeRepository.AttributeKey;
import org.apache.sshd.common.channel.RequestHandler;
import org.apache.sshd.common.forward.DefaultForwarder;
import org.apache.sshd.common.io.IoAcceptor;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.common.session.ConnectionService;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.session.SessionListener;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.common.util.net.SshdSocketAddress;
import org.apache.sshd.core.CoreModuleProperties;
import org.apache.sshd.server.ServerBuilder;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.forward.ForwardingFilter;
import org.apache.sshd.server.session.ServerSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The proxy's SSH server (Apache SSHD). A session authenticates with the public key registered for
 * one intercept (the SSH user names it) and may do exactly one thing: a remote forward ({@code
 * tcpip-forward}) of that intercept's port, which is bound on the forward bind address whatever the
 * client asked. No shell, exec, subsystem, agent, X11 or direct-tcpip.
 */
public class TunnelServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(TunnelServer.class);
  private static final AttributeKey<Intercept> INTERCEPT = new AttributeKey<>();

  /** Long enough for the cluster to notice a dead replica and move its partitions (about 3-5 s). */
  private static final long DIRECTORY_TIMEOUT_S = 10;

  private final TunnelDirectory directory;
  private final Settings settings;
  private final String forwardBindHost;
  private final SshServer sshd;
  private final PeerWatch keepalive;
  private final SessionReaper reaper;
  private volatile KeyPair hostKeys;

  /** Intercept key -> the session holding its forward on this replica. */
  private final Map<String, ServerSession> holders = new ConcurrentHashMap<>();

  /**
   * Where the server listens and binds forwards, its host key file ("" = in memory), keepalives,
   * limits on sessions that carry no tunnel.
   */
  public record Settings(
      String listenHost,
      int port,
      String forwardBindHost,
      String hostKeyFile,
      Keepalive keepalive,
      SessionLimits limits) {}

  public TunnelServer(TunnelDirectory directory, Settings settings) {
    this.directory = directory;
    this.settings = settings;
    this.forwardBindHost = settings.forwardBindHost();
    sshd = SshServer.setUpDefaultServer();
    sshd.setHost(settings.listenHost());
    sshd.setPort(settings.port());
    TunnelTransport.apply(sshd, Runtime.getRuntime().availableProcessors());
    // a quiet tunnel is not an idle one: liveness is the keepalives' job
    CoreModuleProperties.IDLE_TIMEOUT.set(sshd, Duration.ZERO);
    sshd.setPasswordAuthenticator(null);
    sshd.setKeyboardInteractiveAuthenticator(null);
    sshd.setGSSAuthenticator(null);
    sshd.setHostBasedAuthenticator(null);
    sshd.setPublickeyAuthenticator(this::authenticate);
    sshd.setChannelFactories(RefusedChannels.all(TunnelServer::who));
    List<RequestHandler<ConnectionService>> global =
        new ArrayList<>(ServerBuilder.DEFAULT_GLOBAL_REQUEST_HANDLERS);
    global.add(TunnelServer::refuseGlobalRequest);
    sshd.setGlobalRequestHandlers(global);
    sshd.setForwardingFilter(new OwnPortOnly());
    sshd.setForwarderFactory(InterceptForwarder::new);
    sshd.addSessionListener(
        new SessionListener() {
          @Override
          public void sessionClosed(Session session) {
            released((ServerSession) session);
          }
        });
    keepalive = PeerWatch.onServer(sshd, settings.keepalive());
    reaper = new SessionReaper(sshd, settings.limits(), TunnelServer::who, this::holdsForward);
    sshd.addSessionListener(reaper);
  }

  /** Loads (or creates) the host key and listens; blocking. */
  public void start() throws IOException {
    String file = settings.hostKeyFile();
    hostKeys =
        file == null || file.isEmpty()
            ? TunnelKeys.generate()
            : HostKeyFile.loadOrCreate(Path.of(file));
    sshd.setKeyPairProvider(KeyPairProvider.wrap(hostKeys));
    sshd.start();
    keepalive.start();
    reaper.start();
  }

  public int port() {
    return sshd.getPort();
  }

  /** The host key as an OpenSSH public-key line, for the API to hand to clients. */
  public String hostKey() {
    return TunnelKeys.toOpenSsh(hostKeys.getPublic());
  }

  private boolean authenticate(String user, PublicKey key, ServerSession session) {
    Intercept i = await(directory.lookup(user));
    if (i == null) {
      LOG.warn("SSH login refused for user {}: no such intercept", user);
      return false;
    }
    boolean ok;
    try {
      ok = TunnelKeys.same(TunnelKeys.parse(i.publicKey()), key);
    } catch (RuntimeException e) {
      ok = false;
    }
    if (!ok) {
      LOG.warn(
          "SSH login refused for intercept {}: key {} is not the registered one",
          i.key(),
          TunnelKeys.fingerprint(key));
      return false;
    }
    session.setAttribute(INTERCEPT, i);
    return true;
  }

  /** Closes every session of an intercept that was removed (deleted or lease lapsed). */
  public void closeSessions(String app, String name) {
    String user = Intercept.sshUser(app, name);
    for (var s : sshd.getActiveSessions()) {
      if (user.equals(s.getUsername())) {
        LOG.info("closing SSH session of removed intercept {}", user);
        s.close(true);
      }
    }
  }

  private boolean holdsForward(Session session) {
    Intercept i = session.getAttribute(INTERCEPT);
    return i != null && holders.get(i.key()) == session;
  }

  private void released(ServerSession session) {
    Intercept i = session.getAttribute(INTERCEPT);
    if (i != null && holders.remove(i.key(), session)) {
      LOG.info("tunnel of intercept {} is down (session closed)", i.key());
      directory.tunnelChanged(i, false);
    }
  }

  private <T> T await(CompletionStage<T> stage) {
    try {
      return stage.toCompletableFuture().get(DIRECTORY_TIMEOUT_S, TimeUnit.SECONDS);
    } catch (Exception e) {
      LOG.warn("intercept registry did not answer: {}", e.toString());
      return null;
    }
  }

  /** For log lines: the intercept a session belongs to, or the user it claimed before auth. */
  static String who(Session session) {
    Intercept i = session.getAttribute(INTERCEPT);
    return i != null ? i.key() : session.getUsername() + " (not authenticated)";
  }

  /** Last in line: any global request the standard handlers did not take is refused and logged. */
  private static RequestHandler.Result refuseGlobalRequest(
      ConnectionService service, String request, boolean wantReply, Buffer buffer) {
    LOG.warn(
        "refused global request {} for intercept {}: only tcpip-forward of its own port is allowed",
        request,
        who(service.getSession()));
    return RequestHandler.Result.ReplyFailure;
  }

  @Override
  public void close() throws IOException {
    keepalive.close();
    reaper.close();
    sshd.stop(true);
  }

  /** Only the session's own intercept port may be listened on; nothing may be connected to. */
  private final class OwnPortOnly implements ForwardingFilter {
    @Override
    public boolean canListen(SshdSocketAddress address, Session session) {
      Intercept i = session.getAttribute(INTERCEPT);
      boolean ok = i != null && address.getPort() == i.port();
      if (!ok) {
        LOG.warn(
            "refused tcpip-forward of port {} for intercept {}: {}",
            address.getPort(),
            who(session),
            i == null ? "not authenticated" : "it may only forward its own port " + i.port());
      }
      return ok;
    }

    @Override
    public boolean canConnect(Type type, SshdSocketAddress address, Session session) {
      LOG.warn(
          "refused {} to {} for intercept {}: the proxy is not a way into the cluster",
          type,
          address,
          who(session));
      return false;
    }

    @Override
    public boolean canForwardAgent(Session session, String requestType) {
      LOG.warn("refused agent forwarding for intercept {}: not allowed on a tunnel", who(session));
      return false;
    }

    @Override
    public boolean canForwardX11(Session session, String requestType) {
      LOG.warn("refused X11 forwarding for intercept {}: not allowed on a tunnel", who(session));
      return false;
    }
  }

  /**
   * Binds the intercept's port on the forward bind address (not where the client asked, so the
   * sidecars can reach it), and records in the registry that this replica holds the tunnel before
   * it answers the client: when the client hears "forwarding", the route is already published.
   */
  private final class InterceptForwarder extends DefaultForwarder {
    InterceptForwarder(ConnectionService service) {
      super(service);
    }

    @Override
    protected InetSocketAddress doBind(SshdSocketAddress address, IoAcceptor acceptor)
        throws IOException {
      return super.doBind(new SshdSocketAddress(forwardBindHost, address.getPort()), acceptor);
    }

    @Override
    public synchronized SshdSocketAddress localPortForwardingRequested(SshdSocketAddress local)
        throws IOException {
      ServerSession session = (ServerSession) getSession();
      Intercept i = session.getAttribute(INTERCEPT);
      ServerSession previous = i == null ? null : holders.get(i.key());
      if (previous != null && previous != session) {
        // the client reconnected before this replica noticed its old session die: the new one wins.
        // At once: this runs on an SSH event loop, which may be the old session's own, so waiting
        // for a graceful close (answers from a peer that is likely gone) would stall the loop
        LOG.info("intercept {} reconnected: closing its previous session", i.key());
        previous.close(true);
      }
      SshdSocketAddress bound = super.localPortForwardingRequested(local);
      if (bound == null) {
        return null;
      }
      holders.put(i.key(), session);
      if (!Boolean.TRUE.equals(await(directory.tunnelChanged(i, true)))) {
        holders.remove(i.key(), session);
        localPortForwardingCancelled(local);
        LOG.warn(
            "tunnel of {} refused: the intercept is gone or the registry did not answer", i.key());
        return null;
      }
      LOG.info(
          "tunnel of intercept {} is up: port {} on {}", i.key(), bound.getPort(), forwardBindHost);
      return bound;
    }

    @Override
    public synchronized void localPortForwardingCancelled(SshdSocketAddress local)
        throws IOException {
      super.localPortForwardingCancelled(local);
      ServerSession session = (ServerSession) getSession();
      Intercept i = session.getAttribute(INTERCEPT);
      if (i != null && holders.remove(i.key(), session)) {
        directory.tunnelChanged(i, false);
      }
    }
  }
}
