package dev.intercept.tunnel.netty;

import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.GenericFutureListener;
import org.apache.sshd.common.io.AbstractIoWriteFuture;

/** SSHD's write future, done when Netty has handed the bytes to the socket (or failed). */
final class NettyWriteFuture extends AbstractIoWriteFuture
    implements GenericFutureListener<Future<? super Void>> {
  NettyWriteFuture(Object id) {
    super(id, null);
  }

  @Override
  public void operationComplete(Future<? super Void> f) {
    setValue(f.isSuccess() ? Boolean.TRUE : f.cause());
  }

  static NettyWriteFuture failed(Object id, Throwable cause) {
    NettyWriteFuture f = new NettyWriteFuture(id);
    f.setValue(cause);
    return f;
  }
}
