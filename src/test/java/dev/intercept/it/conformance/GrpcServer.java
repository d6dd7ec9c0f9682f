package dev.intercept.it.conformance;

import io.grpc.ForwardingServerCall;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.MethodDescriptor.MethodType;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * The app (or the laptop's copy) for the gRPC rows: a grpc-java server on loopback with a service
 * of raw-bytes methods (no generated code needed): Unary answers with its name, Stream sends three
 * messages then ends OK, or with FAILED_PRECONDITION when asked to "fail", Chat echoes each message
 * as it comes. Every call's trailers carry {@code x-served-by}.
 */
final class GrpcServer implements AutoCloseable {
  /** Messages as raw bytes: no generated code needed. */
  private static final MethodDescriptor.Marshaller<byte[]> RAW =
      new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(byte[] value) {
          return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
          try {
            return stream.readAllBytes();
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        }
      };

  static final String SERVICE = "conformance.Echo";
  static final Metadata.Key<String> SERVED_BY =
      Metadata.Key.of("x-served-by", Metadata.ASCII_STRING_MARSHALLER);
  static final MethodDescriptor<byte[], byte[]> UNARY = method("Unary", MethodType.UNARY);
  static final MethodDescriptor<byte[], byte[]> STREAM =
      method("Stream", MethodType.SERVER_STREAMING);
  static final MethodDescriptor<byte[], byte[]> CHAT = method("Chat", MethodType.BIDI_STREAMING);

  private final Server server;

  private GrpcServer(Server server) {
    this.server = server;
  }

  static GrpcServer start(String name) throws IOException {
    ServerServiceDefinition service =
        ServerServiceDefinition.builder(SERVICE)
            .addMethod(
                UNARY,
                ServerCalls.asyncUnaryCall(
                    (req, out) -> {
                      out.onNext(bytes("served-by=" + name + " got=" + text(req)));
                      out.onCompleted();
                    }))
            .addMethod(
                STREAM,
                ServerCalls.asyncServerStreamingCall(
                    (req, out) -> {
                      for (int i = 1; i <= 3; i++) {
                        out.onNext(bytes(name + " message " + i));
                        if (text(req).equals("fail")) {
                          out.onError(
                              Status.FAILED_PRECONDITION
                                  .withDescription("failed as asked")
                                  .asRuntimeException());
                          return;
                        }
                      }
                      out.onCompleted();
                    }))
            .addMethod(
                CHAT,
                ServerCalls.asyncBidiStreamingCall(
                    out ->
                        new StreamObserver<byte[]>() {
                          @Override
                          public void onNext(byte[] m) {
                            out.onNext(bytes(name + " echo " + text(m)));
                          }

                          @Override
                          public void onError(Throwable t) {}

                          @Override
                          public void onCompleted() {
                            out.onCompleted();
                          }
                        }))
            .build();
    Server s =
        NettyServerBuilder.forAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
            .addService(ServerInterceptors.intercept(service, servedBy(name)))
            .build()
            .start();
    return new GrpcServer(s);
  }

  int port() {
    return server.getPort();
  }

  @Override
  public void close() {
    server.shutdownNow();
  }

  /** Adds {@code x-served-by: NAME} to every call's trailers. */
  private static ServerInterceptor servedBy(String name) {
    return new ServerInterceptor() {
      @Override
      public <Q, R> ServerCall.Listener<Q> interceptCall(
          ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        return next.startCall(
            new ForwardingServerCall.SimpleForwardingServerCall<>(call) {
              @Override
              public void close(Status status, Metadata trailers) {
                trailers.put(SERVED_BY, name);
                super.close(status, trailers);
              }
            },
            headers);
      }
    };
  }

  static MethodDescriptor<byte[], byte[]> method(String name, MethodType type) {
    return MethodDescriptor.<byte[], byte[]>newBuilder()
        .setType(type)
        .setFullMethodName(MethodDescriptor.generateFullMethodName(SERVICE, name))
        .setRequestMarshaller(RAW)
        .setResponseMarshaller(RAW)
        .build();
  }

  static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static String text(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }
}
