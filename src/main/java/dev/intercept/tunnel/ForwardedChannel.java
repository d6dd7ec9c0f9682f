package dev.intercept.tunnel;

import java.io.IOException;
import java.net.ConnectException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.apache.sshd.client.future.DefaultOpenFuture;
import org.apache.sshd.client.future.OpenFuture;
import org.apache.sshd.common.AttributeRepository;
import org.apache.sshd.common.Closeable;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.channel.RemoteWindow;
import org.apache.sshd.common.channel.exception.SshChannelOpenException;
import org.apache.sshd.common.forward.ChannelToPortHandler;
import org.apache.sshd.common.future.DefaultCloseFuture;
import org.apache.sshd.common.io.IoConnectFuture;
import org.apache.sshd.common.io.IoSession;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.util.Readable;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.common.util.buffer.ByteArrayBuffer;
import org.apache.sshd.common.util.net.SshdSocketAddress;
import org.apache.sshd.common.util.threads.ThreadUtils;
import org.apache.sshd.server.channel.AbstractServerChannel;
import org.apache.sshd.server.forward.TcpForwardingFilter;

/**
 * The client's end of one forwarded connection: a {@code forwarded-tcpip} channel the proxy opened
 * for a connection to the intercept's port, joined to a new connection to the local server. It
 * takes the place of SSHD's TcpipServerChannel, which copied every chunk twice and stopped reading
 * the local socket until each chunk's write had completed. Here each chunk read from the local
 * socket is copied once, from the socket's read buffer into the SSH packet that is then encrypted
 * in place, and queued on the session at once, so the next read overlaps the previous packet's
 * encryption and write; only the peer's window stops reading (until its window adjust), as in
 * OpenSSH. Channels share one connector ({@link ForwardedChannels}): a connection starts no thread.
 */
final class ForwardedChannel extends AbstractServerChannel {
  static final AttributeRepository.AttributeKey<ForwardedChannel> KEY =
      new AttributeRepository.AttributeKey<>();

  private final ForwardedChannels channels;
  private volatile IoSession local;
  private volatile ChannelToPortHandler toLocal;

  /** Watches this connection's bytes (the client's T: lines), or null. */
  private volatile ConnectionTap tap;

  /**
   * Read from the local server, not sent yet for want of window; written under this object's
   * monitor, which is held while sending (the session's write lock is taken inside it). The close
   * paths never take the monitor: SSHD may close the channel from a failed write while it holds the
   * session's write lock, and waiting for the monitor there would deadlock with a sender.
   */
  private volatile Buffer stalled;

  /** The local server closed its end; EOF goes out after what is stalled. */
  private volatile boolean localEnded;

  private final AtomicBoolean eofSent = new AtomicBoolean();

  /** Everything read from the local server was sent (or will never be): the channel may close. */
  private final DefaultCloseFuture drained;

  ForwardedChannel(ForwardedChannels channels) {
    super(null);
    this.channels = channels;
    this.drained = new DefaultCloseFuture(this, futureLock);
  }

  @Override
  protected OpenFuture doInit(Buffer buffer) {
    buffer.getString(); // the address the proxy accepted on: ours is the intercept's port
    int port = buffer.getInt();
    OpenFuture opened = new DefaultOpenFuture(this, futureLock);
    Session session = getSession();
    SshdSocketAddress target = service.getForwarder().getForwardedPort(port);
    TcpForwardingFilter filter = session.getFactoryManager().getTcpForwardingFilter();
    if (target == null
        || filter == null
        || !filter.canConnect(TcpForwardingFilter.Type.Forwarded, target, session)) {
      opened.setException(
          new SshChannelOpenException(
              getChannelId(),
              SshConstants.SSH_OPEN_ADMINISTRATIVELY_PROHIBITED,
              "no forward of port " + port));
      close(true);
      return opened;
    }
    Supplier<ConnectionTap> taps = session.getFactoryManager().getAttribute(ConnectionTap.FACTORY);
    tap = taps == null ? null : taps.get();
    channels
        .connector(session)
        .connect(target.toInetSocketAddress(), AttributeRepository.ofKeyValuePair(KEY, this), null)
        .addListener(f -> connected(opened, f));
    return opened;
  }

  private void connected(OpenFuture opened, IoConnectFuture f) {
    if (!f.isConnected()) {
      Throwable e = f.getException() != null ? f.getException() : new ConnectException("canceled");
      signalChannelOpenFailure(e);
      opened.setException(
          e instanceof ConnectException
              ? new SshChannelOpenException(
                  getChannelId(), SshConstants.SSH_OPEN_CONNECT_FAILED, e.getMessage(), e)
              : e);
      close(true);
      return;
    }
    IoSession s = f.getSession();
    if (isClosing()) {
      // closed (the session went) while the local connection was being made
      s.close(true);
      opened.setException(
          new SshChannelOpenException(
              getChannelId(), SshConstants.SSH_OPEN_CONNECT_FAILED, "channel closed"));
      return;
    }
    local = s;
    toLocal = new ChannelToPortHandler(s, this);
    try {
      signalChannelOpenSuccess(); // sends the open confirmation
      opened.setOpened();
      s.resumeRead(); // only now: no data may precede the confirmation
    } catch (RuntimeException e) {
      signalChannelOpenFailure(e);
      opened.setException(e);
      close(true);
    }
  }

  /** Called by the local session's reader: as much as the window allows goes out at once. */
  void fromLocal(IoSession s, Readable data) throws IOException {
    ThreadUtils.runAsInternal(
        data,
        d -> {
          synchronized (this) {
            if (stalled != null) {
              // a read that was under way when reading was suspended: keep it in order
              stall(d, d.available());
              return null;
            }
            int left = send(d, d.available());
            if (left > 0) {
              stall(d, left);
              s.suspendRead();
            }
          }
          return null;
        });
  }

  /** Sends up to {@code n} bytes of {@code data} in packets the window allows; returns the rest. */
  private int send(Readable data, int n) throws IOException {
    RemoteWindow window = getRemoteWindow();
    while (n > 0) {
      int chunk = (int) Math.min(n, Math.min(window.getPacketSize(), window.getSize()));
      if (chunk <= 0) {
        return n;
      }
      Buffer packet = getSession().createBuffer(SshConstants.SSH_MSG_CHANNEL_DATA, chunk + 8);
      packet.putUInt(getRecipient());
      packet.putUInt(chunk);
      packet.ensureCapacity(chunk);
      data.getRawBytes(packet.array(), packet.wpos(), chunk);
      ConnectionTap t = tap;
      if (t != null) {
        t.fromLocal(packet.array(), packet.wpos(), chunk);
      }
      packet.wpos(packet.wpos() + chunk);
      window.consume(chunk);
      writePacket(packet);
      n -= chunk;
    }
    return 0;
  }

  private void stall(Readable data, int n) {
    Buffer b = stalled;
    if (b == null) {
      b = new ByteArrayBuffer(n, false);
    }
    b.ensureCapacity(n);
    data.getRawBytes(b.array(), b.wpos(), n);
    b.wpos(b.wpos() + n);
    stalled = b;
  }

  @Override
  public void handleWindowAdjust(Buffer buffer) throws IOException {
    super.handleWindowAdjust(buffer);
    ThreadUtils.runAsInternal(
        this,
        c -> {
          synchronized (this) {
            Buffer b = stalled;
            if (b == null || send(b, b.available()) > 0) {
              return null;
            }
            stalled = null;
            if (localEnded) {
              finishLocal();
            } else if (local != null) {
              local.resumeRead();
            }
          }
          return null;
        });
  }

  /**
   * The local server closed its end: EOF to the peer after the data, then the channel closes. If
   * data is stalled, the window adjust that sends the last of it sends the EOF (one of the two sees
   * the other's write: both fields are volatile, and the EOF goes once).
   */
  void localClosed() {
    localEnded = true;
    if (stalled == null) {
      finishLocal();
    }
    close(false);
  }

  private void finishLocal() {
    if (!eofSent.compareAndSet(false, true)) {
      return;
    }
    try {
      sendEof();
    } catch (IOException e) {
      log.debug("EOF to the proxy not sent: {}", e.toString());
    }
    drained.setClosed();
  }

  @Override
  public void handleEof() throws IOException {
    super.handleEof();
    ChannelToPortHandler p = toLocal;
    if (p != null) {
      p.handleEof();
    }
  }

  @Override
  public void handleClose() throws IOException {
    // the peer is done with the channel: nothing stalled will ever be read
    drained.setClosed();
    super.handleClose();
  }

  @Override
  protected void doWriteData(byte[] data, int off, long len) throws IOException {
    ConnectionTap t = tap;
    if (t != null) {
      t.fromCluster(data, off, (int) len);
    }
    toLocal.sendToPort(SshConstants.SSH_MSG_CHANNEL_DATA, data, off, len);
  }

  @Override
  protected void doWriteExtendedData(byte[] data, int off, long len) {
    throw new UnsupportedOperationException("a forwarded-tcpip channel has no extended data");
  }

  @Override
  protected boolean mayWrite() {
    // stalled data and the EOF still go out while the channel closes gracefully
    return !isClosed();
  }

  @Override
  protected void preClose() {
    // a channel closed while the local server still sends: what is stalled goes out first (the
    // peer's window adjusts drain it); a peer that is gone closes the session, and so this, at once
    if (stalled == null) {
      drained.setClosed();
    }
    ConnectionTap t = tap;
    if (t != null) {
      t.closed();
    }
    super.preClose();
  }

  @Override
  protected Closeable getInnerCloseable() {
    IoSession s = local;
    return builder().when(drained).close(s).close(super.getInnerCloseable()).build();
  }
}
