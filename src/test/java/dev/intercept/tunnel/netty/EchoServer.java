package dev.intercept.tunnel.netty;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The application behind a forward: a real TCP server on loopback that echoes what it reads until
 * the peer closes, and counts the connections it saw end.
 */
final class EchoServer implements AutoCloseable {
  private final ServerSocket listener;
  final AtomicInteger served = new AtomicInteger();

  EchoServer() throws IOException {
    listener = new ServerSocket(0, 512, InetAddress.getLoopbackAddress());
    Thread t = new Thread(this::accept, "echo-accept");
    t.setDaemon(true);
    t.start();
  }

  int port() {
    return listener.getLocalPort();
  }

  private void accept() {
    while (!listener.isClosed()) {
      try {
        Socket s = listener.accept();
        Thread t = new Thread(() -> echo(s), "echo");
        t.setDaemon(true);
        t.start();
      } catch (IOException e) {
        return;
      }
    }
  }

  private void echo(Socket s) {
    try (s;
        InputStream in = s.getInputStream();
        OutputStream out = s.getOutputStream()) {
      byte[] b = new byte[65536];
      for (int n; (n = in.read(b)) >= 0; ) {
        out.write(b, 0, n);
      }
      served.incrementAndGet();
    } catch (IOException e) {
      // the peer went: nothing to echo to
    }
  }

  @Override
  public void close() throws IOException {
    listener.close();
  }
}
