package dev.intercept.sidecar;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayList;
import java.util.List;

/**
 * The request side of an {@link Exchange}: its head, decoded or read as bytes ({@link RawRequest}),
 * and the body pieces that arrive before an upstream channel does, written to the channel once it
 * comes. A request read as bytes is written past the channel's request encoder, as the client sent
 * it but for the head's rewrite; a request that may be sent again keeps its head until it ends.
 */
final class OutgoingRequest {
  private final HttpRequest head;
  private final RawRequest raw;
  private ByteBuf rawHead;
  private ChannelHandlerContext rawOut;
  private Channel up;
  private final List<Object> waiting = new ArrayList<>(2);

  /** A bodiless GET, HEAD or OPTIONS: sent once more if its upstream goes away unanswered. */
  final boolean retriable;

  OutgoingRequest(HttpRequest head) {
    this.head = head;
    this.raw = null;
    HttpMethod m = head.method();
    this.retriable =
        (m == HttpMethod.GET || m == HttpMethod.HEAD || m == HttpMethod.OPTIONS)
            && !head.headers().contains("transfer-encoding")
            && head.headers().getInt("content-length", 0) == 0;
  }

  OutgoingRequest(RawRequest raw) {
    this.head = null;
    this.raw = raw;
    this.rawHead = raw.head;
    this.retriable = raw.retriable;
  }

  /** The decoded head (null for a request read as bytes). */
  HttpRequest head() {
    return head;
  }

  /** Writes the head and the pieces that waited to {@code ch}; later pieces go there at once. */
  void sendTo(Channel ch) {
    up = ch;
    if (raw != null) {
      rawOut = ch.pipeline().context(RawResponseReader.class);
      rawOut.write(retriable ? rawHead.retainedDuplicate() : rawHead);
      rawHead = retriable ? rawHead : null;
    } else {
      ch.write(head);
    }
    waiting.forEach(this::send);
    waiting.clear();
  }

  /** A piece of the body (or its end): written if a channel is there, else kept for it. */
  void add(Object piece) {
    if (up == null) {
      waiting.add(piece);
    } else {
      send(piece);
    }
  }

  /**
   * The channel went away before the response: the head goes again, to the next channel. A retried
   * request has no body, only its end ({@code ended}: the end had come, so it goes again too).
   */
  void again(boolean ended) {
    up = null;
    rawOut = null;
    if (ended) {
      waiting.add(raw != null ? RawRequest.END : LastHttpContent.EMPTY_LAST_CONTENT);
    }
  }

  /** The exchange ended: what is still held goes. */
  void release() {
    up = null;
    if (rawHead != null) {
      rawHead.release();
      rawHead = null;
    }
    waiting.forEach(ReferenceCountUtil::release);
    waiting.clear();
  }

  private void send(Object piece) {
    if (piece == RawRequest.END) {
      return;
    }
    if (raw != null) {
      rawOut.write(((HttpContent) piece).content());
    } else {
      up.write(piece);
    }
  }
}
