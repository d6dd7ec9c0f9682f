package dev.intercept.sidecar;

import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;

/**
 * A client connection's pipelined messages (request heads, decoded or read as bytes, and their body
 * pieces) waiting while an earlier request is under way; reading pauses while too many wait.
 */
final class RequestQueue {
  /** Pipelined messages beyond this stop reading until the queue drains. */
  private static final int MAX_QUEUED = 64;

  private final Channel ch;
  private final ArrayDeque<Object> queued = new ArrayDeque<>();

  RequestQueue(Channel ch) {
    this.ch = ch;
  }

  /** A request's head, as opposed to a piece of a body. */
  static boolean isHead(Object o) {
    return o instanceof HttpRequest || o instanceof RawRequest;
  }

  static void release(Object o) {
    if (o instanceof RawRequest r) {
      r.head.release();
    } else {
      ReferenceCountUtil.release(o);
    }
  }

  boolean isEmpty() {
    return queued.isEmpty();
  }

  void add(Object o) {
    queued.add(o);
    if (queued.size() > MAX_QUEUED) {
      ch.config().setAutoRead(false);
    }
  }

  Object peek() {
    return queued.peek();
  }

  Object poll() {
    return queued.poll();
  }

  /** After taking what could be taken: reading goes on once half the limit is free. */
  void drained() {
    if (queued.size() <= MAX_QUEUED / 2) {
      ch.config().setAutoRead(true);
    }
  }

  void releaseAll() {
    queued.forEach(RequestQueue::release);
    queued.clear();
  }
}
