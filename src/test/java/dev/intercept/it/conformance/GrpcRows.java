package dev.intercept.it.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptors;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.stub.MetadataUtils;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** The gRPC rows: a grpc-java client through the sidecar, its status and trailers checked. */
final class GrpcRows {
  /** What a call ended with. */
  record Outcome(List<String> messages, Status status, Metadata trailers) {}

  /** A unary call answers within its deadline (it ended in DEADLINE_EXCEEDED once). */
  void unary(Target t) throws Exception {
    Outcome o = call(t, GrpcServer.UNARY, "hello", 1);
    assertEquals(Status.Code.OK, o.status().getCode(), o.status().toString());
    assertEquals(List.of("served-by=" + t.servedBy() + " got=hello"), o.messages());
    assertEquals(t.servedBy(), o.trailers().get(GrpcServer.SERVED_BY));
  }

  /** Server streaming: every message, then trailers; an error status with its description. */
  void serverStreamingTrailersAndStatus(Target t) throws Exception {
    Outcome ok = call(t, GrpcServer.STREAM, "go", 1);
    assertEquals(Status.Code.OK, ok.status().getCode(), ok.status().toString());
    assertEquals(
        List.of(
            t.servedBy() + " message 1", t.servedBy() + " message 2", t.servedBy() + " message 3"),
        ok.messages());
    assertEquals(t.servedBy(), ok.trailers().get(GrpcServer.SERVED_BY));
    Outcome failed = call(t, GrpcServer.STREAM, "fail", 1);
    assertEquals(Status.Code.FAILED_PRECONDITION, failed.status().getCode());
    assertEquals("failed as asked", failed.status().getDescription());
    assertEquals(List.of(t.servedBy() + " message 1"), failed.messages());
    assertEquals(t.servedBy(), failed.trailers().get(GrpcServer.SERVED_BY));
  }

  /** Bidirectional: each answer arrives before the next message is sent (nothing waits for END). */
  void bidiStreaming(Target t) throws Exception {
    ManagedChannel channel = channel(t);
    try {
      BlockingQueue<String> got = new LinkedBlockingQueue<>();
      CompletableFuture<Outcome> end = new CompletableFuture<>();
      ClientCall<byte[], byte[]> c = start(channel, t, GrpcServer.CHAT, got, end);
      c.request(Integer.MAX_VALUE);
      for (String m : List.of("ping 1", "ping 2", "ping 3")) {
        c.sendMessage(GrpcServer.bytes(m));
        assertEquals(t.servedBy() + " echo " + m, got.poll(10, TimeUnit.SECONDS));
      }
      c.halfClose();
      Outcome o = end.get(10, TimeUnit.SECONDS);
      assertEquals(Status.Code.OK, o.status().getCode(), o.status().toString());
      assertEquals(t.servedBy(), o.trailers().get(GrpcServer.SERVED_BY));
    } finally {
      channel.shutdownNow();
    }
  }

  private Outcome call(Target t, MethodDescriptor<byte[], byte[]> m, String request, int times)
      throws Exception {
    ManagedChannel channel = channel(t);
    try {
      BlockingQueue<String> got = new LinkedBlockingQueue<>();
      CompletableFuture<Outcome> end = new CompletableFuture<>();
      ClientCall<byte[], byte[]> c = start(channel, t, m, got, end);
      c.request(Integer.MAX_VALUE);
      for (int i = 0; i < times; i++) {
        c.sendMessage(GrpcServer.bytes(request));
      }
      c.halfClose();
      return end.get(15, TimeUnit.SECONDS);
    } finally {
      channel.shutdownNow();
    }
  }

  private static ClientCall<byte[], byte[]> start(
      ManagedChannel channel,
      Target t,
      MethodDescriptor<byte[], byte[]> m,
      BlockingQueue<String> got,
      CompletableFuture<Outcome> end) {
    Metadata select = new Metadata();
    if (t.selects()) {
      select.put(
          Metadata.Key.of(t.selectHeader(), Metadata.ASCII_STRING_MARSHALLER), t.selectValue());
    }
    ClientCall<byte[], byte[]> c =
        ClientInterceptors.intercept(channel, MetadataUtils.newAttachHeadersInterceptor(select))
            .newCall(m, CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS));
    List<String> all = new ArrayList<>();
    c.start(
        new ClientCall.Listener<>() {
          @Override
          public void onMessage(byte[] message) {
            String s = GrpcServer.text(message);
            synchronized (all) {
              all.add(s);
            }
            got.add(s);
          }

          @Override
          public void onClose(Status status, Metadata trailers) {
            synchronized (all) {
              end.complete(new Outcome(List.copyOf(all), status, trailers));
            }
          }
        },
        new Metadata());
    return c;
  }

  private static ManagedChannel channel(Target t) {
    return Grpc.newChannelBuilderForAddress(
            "127.0.0.1", t.sidecar(), InsecureChannelCredentials.create())
        .build();
  }
}
