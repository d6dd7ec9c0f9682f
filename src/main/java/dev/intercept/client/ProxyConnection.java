package dev.intercept.client;

import dev.intercept.protocol.HostPort;
import dev.intercept.protocol.Registration;
import java.net.URI;
import java.util.List;

/**
 * How this client reaches the proxy: the API URLs it calls and where it opens a registration's SSH
 * tunnel. {@link #direct}: the URLs given with --proxy-url; {@code client.kube.KubeConnection}:
 * port-forwards through the Kubernetes API to a ready proxy pod (kubeconfig).
 */
public interface ProxyConnection extends AutoCloseable {

  /** The proxy API's base URLs, tried in turn. */
  List<URI> apiUrls();

  /**
   * Where to open the SSH tunnel that {@code r} describes, answered through {@code via}. May block
   * (a port-forward may have to find the replica's pod).
   */
  HostPort ssh(Registration r, URI via);

  /** What was reached through {@code via} led nowhere: avoid it next time. */
  void unreachable(URI via);

  /** The name the proxy's SSH host key is pinned under (known_hosts). */
  URI identity(URI via);

  /** One line for the user on how the client connects, or null (the URLs say it). */
  String describe();

  /** One line for {@code status}: how the client connects. */
  String summary();

  @Override
  void close();

  /** Straight to the proxy URLs given (--proxy-url). */
  static ProxyConnection direct(List<URI> urls) {
    return new ProxyConnection() {
      @Override
      public List<URI> apiUrls() {
        return urls;
      }

      @Override
      public HostPort ssh(Registration r, URI via) {
        return new HostPort(r.sshHost() != null ? r.sshHost() : via.getHost(), r.sshPort());
      }

      @Override
      public void unreachable(URI via) {}

      @Override
      public URI identity(URI via) {
        return via;
      }

      @Override
      public String describe() {
        return null;
      }

      @Override
      public String summary() {
        return "proxy URL " + (urls.size() == 1 ? urls.get(0) : urls) + " (--proxy-url)";
      }

      @Override
      public void close() {}
    };
  }
}
