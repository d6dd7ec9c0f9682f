package dev.intercept.tunnel;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP relay on loopback whose current connections can be turned into a black hole: bytes are
 * swallowed and no side sees a close, as when a laptop drops off the network. New connections relay
 * normally.
 */
final class BlackholeRelay implements AutoCloseable {
  private final ServerSocket listener;
  private final int target;
  private final List<Link> links = new CopyOnWriteArrayList<>();

  BlackholeRelay(int target) throws IOException {
    this.target = target;
    listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    daemon(this::accept, "relay-accept");
  }

  int port() {
    return listener.getLocalPort();
  }

  /** Every connection open now goes silent in both directions. */
  void blackholeCurrent() {
    links.forEach(l -> l.silent = true);
  }

  private void accept() {
    try {
      while (true) {
        Socket a = listener.accept();
        Socket b = new Socket(InetAddress.getLoopbackAddress(), target);
        a.setTcpNoDelay(true);
        b.setTcpNoDelay(true);
        Link link = new Link(a, b);
        links.add(link);
        daemon(() -> link.pump(a, b), "relay-up");
        daemon(() -> link.pump(b, a), "relay-down");
      }
    } catch (IOException e) {
      // closed
    }
  }

  private static void daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    t.start();
  }

  private static final class Link {
    final Socket a;
    final Socket b;
    volatile boolean silent;

    Link(Socket a, Socket b) {
      this.a = a;
      this.b = b;
    }

    void pump(Socket from, Socket to) {
      byte[] buf = new byte[65536];
      try (InputStream in = from.getInputStream()) {
        OutputStream out = to.getOutputStream();
        int n;
        while ((n = in.read(buf)) >= 0) {
          if (!silent) {
            out.write(buf, 0, n);
          }
        }
        if (!silent) {
          to.shutdownOutput();
        }
      } catch (IOException e) {
        // one side went away
      }
    }

    void close() {
      try {
        a.close();
        b.close();
      } catch (IOException e) {
        // closing anyway
      }
    }
  }

  @Override
  public void close() throws IOException {
    listener.close();
    links.forEach(Link::close);
  }
}
