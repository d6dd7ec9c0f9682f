package dev.intercept.sidecar;

import dev.intercept.sidecar.RoutePlan.Upstream;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One request and its response between a downstream (an HTTP/1 connection or an HTTP/2 stream) and
 * an upstream channel from the loop's pool, all on one event loop. Like Envoy's router: a tunnel
 * that refuses the connection fails open to the app, a bodiless GET/HEAD/OPTIONS whose upstream
 * went away before answering is sent once more (to the app when it was a tunnel, on a fresh
 * connection otherwise), no response headers within the route timeout after the request ends is a
 * 504, an upstream that cannot be reached a 503; once response headers are out, a failure cuts the
 * downstream.
 */
final class Exchange extends ResponseClock.Timed
    implements UpstreamPool.Waiter, RawResponseReader.Sink {
  private static final Logger LOG = LoggerFactory.getLogger(Exchange.class);

  private final DownstreamHandler down;
  private final LoopUpstreams upstreams;
  private final OutgoingRequest request;
  private final boolean http2;
  private final boolean upgrade;
  private final boolean retriable;
  private Upstream target;
  // what this request counts to: the route it was meant for, even if it falls back to the app
  private final RouteCounters.Counts counts;
  private final long startNanos = System.nanoTime();
  private UpstreamPool pool;
  private Channel up;
  private boolean reused;
  private boolean retried;
  private boolean requestDone;
  private boolean responseStarted;
  private boolean responseClose;
  private boolean ended;

  Exchange(
      DownstreamHandler down,
      LoopUpstreams upstreams,
      HttpRequest head,
      Upstream target,
      boolean http2,
      boolean upgrade) {
    this(down, upstreams, new OutgoingRequest(head), target, http2, upgrade);
  }

  /** A request read as bytes: HTTP/1.1 upstream, no upgrade. */
  Exchange(DownstreamHandler down, LoopUpstreams upstreams, RawRequest raw, Upstream target) {
    this(down, upstreams, new OutgoingRequest(raw), target, false, false);
  }

  private Exchange(
      DownstreamHandler down,
      LoopUpstreams upstreams,
      OutgoingRequest request,
      Upstream target,
      boolean http2,
      boolean upgrade) {
    this.down = down;
    this.upstreams = upstreams;
    this.request = request;
    this.target = target;
    this.counts = target.counts();
    counts.request();
    this.http2 = http2;
    this.upgrade = upgrade;
    this.retriable = request.retriable;
    upstreams.started();
  }

  void start() {
    pool = upstreams.pool(target);
    pool.acquire(http2, this);
  }

  boolean takesRequestBody() {
    return !requestDone && !ended;
  }

  /**
   * A piece of the request body from the downstream: an {@link HttpContent} (for a request read as
   * bytes, the bytes as the client sent them, then {@link RawRequest#END}).
   */
  void fromDownstream(Object piece) {
    if (ended) {
      ReferenceCountUtil.release(piece);
      return;
    }
    boolean last = piece == RawRequest.END || piece instanceof LastHttpContent;
    requestDone |= last;
    if (piece instanceof HttpContent c) {
      counts.bytes(c.content().readableBytes(), 0);
    }
    // flushed when the downstream's read ends: a head and its body leave in one write
    request.add(piece);
    if (up == null) {
      return;
    }
    if (last) {
      armTimer();
    }
    if (!up.isWritable()) {
      down.pauseReading(true);
    }
  }

  void downstreamReadComplete() {
    if (up != null && !ended) {
      up.flush();
    }
  }

  @Override
  public void acquired(Channel ch, boolean wasReused) {
    if (ended) {
      giveBack(ch, !http2);
      return;
    }
    up = ch;
    reused = wasReused;
    if (http2) {
      ForwardedHeaders.stripHttp2Extensions(request.head().headers());
    } else {
      boolean rawResponse = !upgrade && down.takesRawResponses();
      ch.pipeline()
          .get(RawResponseReader.class)
          .expect(rawResponse ? this : null, down.headRequest(), down.keepAlive());
    }
    request.sendTo(ch);
    if (!down.inRead()) {
      up.flush();
    }
    if (requestDone) {
      armTimer();
    }
    down.pauseReading(!up.isWritable());
  }

  @Override
  public void unavailable(Throwable cause) {
    if (ended) {
      return;
    }
    if (target.tunnel()) {
      // the tunnel's port refuses: it just went away, the route will follow; fail open
      LOG.debug("intercept target {} unreachable ({}): to the app", target.address(), cause);
      target = upstreams.app();
      start();
      return;
    }
    fail(EnvoyAnswers.unreachable());
  }

  /** What the upstream says. */
  void fromUpstream(HttpObject msg) {
    if (ended) {
      ReferenceCountUtil.release(msg);
      return;
    }
    if (msg instanceof HttpResponse r) {
      int code = r.status().code();
      if (code == 101 && upgrade) {
        cancelTimer();
        ended = true;
        upstreams.ended();
        down.upgraded(r, up);
        return;
      }
      if (code >= 100 && code < 200) {
        // 100 Continue was the sidecar's to send (as Envoy does); other interim answers dropped
        ReferenceCountUtil.release(msg);
        return;
      }
      responseBegins(!http2 && !HttpUtil.isKeepAlive(r));
      ForwardedHeaders.stripHopByHop(r.headers(), false);
      if (http2) {
        ForwardedHeaders.stripHttp2Extensions(r.headers());
      }
    }
    boolean last = msg instanceof LastHttpContent;
    if (msg instanceof HttpContent c) {
      counts.bytes(0, c.content().readableBytes());
    }
    down.writeResponse(msg, last);
    wrote(last);
  }

  private void responseBegins(boolean upstreamCloses) {
    responseStarted = true;
    counts.answered(System.nanoTime() - startNanos);
    cancelTimer();
    responseClose = upstreamCloses;
  }

  /** A piece of the response went down: the exchange ends with the last, else keeps pace. */
  private void wrote(boolean last) {
    if (last) {
      end();
    } else if (!down.writable() && up != null) {
      up.config().setAutoRead(false);
    }
  }

  @Override
  public void rawHead(boolean upstreamCloses) {
    if (!ended) {
      responseBegins(upstreamCloses);
    }
  }

  @Override
  public void rawBytes(ByteBuf bytes, long bodyBytes, boolean last) {
    if (ended) {
      bytes.release();
      return;
    }
    counts.bytes(0, bodyBytes);
    down.writeRaw(bytes);
    wrote(last);
  }

  void upstreamReadComplete() {
    if (!ended) {
      down.flush();
    }
  }

  void upstreamWritable(boolean writable) {
    if (!ended) {
      down.pauseReading(!writable);
    }
  }

  void downstreamWritable(boolean writable) {
    if (up != null && !ended) {
      up.config().setAutoRead(writable);
    }
  }

  /** The upstream channel closed (or its stream was reset) before the exchange ended. */
  void upstreamClosed() {
    if (ended) {
      return;
    }
    up = null;
    if (!responseStarted && retriable && !retried && (target.tunnel() || reused)) {
      retried = true;
      LOG.debug("upstream {} went away before answering: sending again", target.address());
      if (target.tunnel()) {
        target = upstreams.app();
      }
      cancelTimer();
      request.again(requestDone);
      start();
      return;
    }
    if (!responseStarted) {
      fail(EnvoyAnswers.unreachable());
    } else {
      ended = true;
      upstreams.ended();
      request.release();
      down.abort();
    }
  }

  /** The downstream went away: the upstream channel cannot be reused. */
  void downstreamClosed() {
    if (ended) {
      return;
    }
    ended = true;
    upstreams.ended();
    cancelTimer();
    request.release();
    if (up != null) {
      up.close();
    }
  }

  private void armTimer() {
    if (!responseStarted) {
      upstreams.clock().start(this);
    }
  }

  private void cancelTimer() {
    upstreams.clock().stop(this);
  }

  @Override
  void timedOut() {
    if (!ended && !responseStarted) {
      fail(EnvoyAnswers.timeout());
    }
  }

  /** An answer of the sidecar's own instead of the upstream's (nothing of it went down yet). */
  private void fail(FullHttpResponse answer) {
    counts.error();
    counts.answered(System.nanoTime() - startNanos);
    ended = true;
    upstreams.ended();
    cancelTimer();
    request.release();
    Channel u = up;
    up = null;
    if (u != null) {
      giveBack(u, false);
    }
    down.answer(answer, !requestDone, this);
  }

  /** The response is complete: the upstream channel goes back, the downstream takes the next. */
  private void end() {
    ended = true;
    upstreams.ended();
    cancelTimer();
    request.release();
    Channel u = up;
    up = null;
    // an upstream that answered before the request ended keeps none of it: its connection closes
    boolean reusable = requestDone && !responseClose && !upgrade;
    if (u != null) {
      giveBack(u, reusable);
    }
    down.exchangeDone(this, !requestDone);
  }

  private void giveBack(Channel ch, boolean reusable) {
    if (http2) {
      if (!reusable) {
        ch.close();
      }
      return;
    }
    pool.release(ch, reusable);
  }
}
