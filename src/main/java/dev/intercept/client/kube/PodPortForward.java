package dev.intercept.client.kube;

import dev.intercept.client.UserError;
import dev.intercept.client.kube.ProxyPods.ProxyPod;
import dev.intercept.retry.Backoff;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.PortForward;
import io.fabric8.kubernetes.client.http.WebSocketHandshakeException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A loopback port whose every connection is forwarded through the Kubernetes API's port-forward
 * (fabric8: one WebSocket a connection, as {@code kubectl port-forward} does) to one named
 * container port of the pod {@code target} names when the connection comes: the pod may change
 * between connections (another replica) while the local port stays. A stream the API does not open
 * (the pod is gone, the API hiccups) is tried again, on the pod the target names then, with {@link
 * Backoff} until the timeout; a pod whose stream failed is reported to {@code failed}.
 */
final class PodPortForward implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(PodPortForward.class);

  /** How opening one stream ended. */
  enum Opened {
    OPEN,
    /** RBAC refused: no retry helps. */
    REFUSED,
    /** The pod or the API did not open it: another attempt may. */
    FAILED
  }

  private final KubernetesClient k8s;
  private final String portName;
  private final Supplier<ProxyPod> target;
  private final Consumer<ProxyPod> failed;
  private final long timeoutMs;
  private final ServerSocketChannel server;
  private final ExecutorService workers;
  private final Set<SocketChannel> connections = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;

  /** {@code portName}: "api" or "ssh", the container port forwarded to. Binds a loopback port. */
  PodPortForward(
      KubernetesClient k8s,
      String portName,
      Supplier<ProxyPod> target,
      Consumer<ProxyPod> failed,
      long timeoutMs)
      throws IOException {
    this.k8s = k8s;
    this.portName = portName;
    this.target = target;
    this.failed = failed;
    this.timeoutMs = timeoutMs;
    this.server =
        ServerSocketChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    this.workers =
        Executors.newCachedThreadPool(
            r -> {
              Thread t = new Thread(r, "port-forward-" + portName);
              t.setDaemon(true);
              return t;
            });
    workers.execute(this::acceptLoop);
  }

  int localPort() {
    try {
      return ((InetSocketAddress) server.getLocalAddress()).getPort();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Asks the proxy in {@code pod} for {@code /healthz} through a stream of its own: the API lets
   * this user forward to it, and the proxy answers. Blocking.
   */
  Opened probe(ProxyPod pod) {
    HealthProbe health = new HealthProbe(timeoutMs);
    Opened o = open(pod, new ForwardStream(health));
    return o != Opened.OPEN || health.awaitStatus() == 200 ? o : Opened.FAILED;
  }

  private void acceptLoop() {
    while (!closed) {
      try {
        SocketChannel s = server.accept();
        s.socket().setTcpNoDelay(true);
        connections.add(s);
        workers.execute(() -> serve(s));
      } catch (IOException e) {
        if (!closed) {
          LOG.warn("port-forward ({}): cannot accept: {}", portName, e.toString());
        }
        return;
      }
    }
  }

  /** Finds the connection a stream that opens, or closes it. On a worker thread. */
  private void serve(SocketChannel s) {
    Backoff backoff = Backoff.network();
    long deadline = System.nanoTime() + timeoutMs * 1_000_000;
    while (!closed && s.isOpen()) {
      ProxyPod pod;
      try {
        pod = target.get();
      } catch (UserError e) {
        LOG.warn("port-forward ({}): {}", portName, e.getMessage());
        break;
      }
      ForwardStream stream = new ForwardStream(s);
      stream.onEnd(
          remoteError -> {
            connections.remove(s);
            if (remoteError) {
              failed.accept(pod);
            }
          });
      Opened o = open(pod, stream);
      if (o == Opened.OPEN) {
        return;
      }
      if (o == Opened.REFUSED) {
        LOG.warn("port-forward ({}) to pod {}: refused by RBAC", portName, pod.ref());
        break;
      }
      failed.accept(pod);
      long wait = backoff.next(null);
      if (System.nanoTime() + wait * 1_000_000 > deadline) {
        LOG.warn("port-forward ({}) to pod {}: did not open in time", portName, pod.ref());
        break;
      }
      try {
        Thread.sleep(wait);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    connections.remove(s);
    closeQuietly(s);
  }

  /** Opens one stream to the pod's port and waits until it opened or failed, within the timeout. */
  private Opened open(ProxyPod pod, ForwardStream stream) {
    int port = portName.equals("ssh") ? pod.sshPort() : pod.apiPort();
    PortForward f;
    try {
      f =
          k8s.pods()
              .inNamespace(pod.namespace())
              .withName(pod.name())
              .portForward(port, stream, stream);
    } catch (RuntimeException e) {
      LOG.debug("port-forward ({}) to pod {} failed: {}", portName, pod.ref(), e.toString());
      return Opened.FAILED;
    }
    stream.attach(f);
    try {
      stream.opened().get(timeoutMs, TimeUnit.MILLISECONDS);
      return Opened.OPEN;
    } catch (ExecutionException | TimeoutException e) {
      ForwardStream.closeQuietly(f);
      int code = handshakeStatus(f);
      LOG.debug("port-forward ({}) to pod {} did not open: status {}", portName, pod.ref(), code);
      return code == 403 ? Opened.REFUSED : Opened.FAILED;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      ForwardStream.closeQuietly(f);
      return Opened.FAILED;
    }
  }

  /** The HTTP status the API server refused the WebSocket with, or 0. */
  static int handshakeStatus(PortForward f) {
    for (Throwable t : f.getServerThrowables()) {
      for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
        if (c instanceof WebSocketHandshakeException h && h.getResponse() != null) {
          return h.getResponse().code();
        }
      }
    }
    return 0;
  }

  @Override
  public void close() {
    closed = true;
    try {
      server.close();
    } catch (IOException e) {
      // closing anyway
    }
    // ends the streams too: fabric8 closes a WebSocket whose local end fails
    connections.forEach(PodPortForward::closeQuietly);
    workers.shutdownNow();
  }

  private static void closeQuietly(SocketChannel s) {
    try {
      s.close();
    } catch (IOException e) {
      // closing anyway
    }
  }
}
