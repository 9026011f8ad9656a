package com.cvmbilling.renewal.server.production;

import com.cvmbilling.renewal.v1.AdminServiceGrpc;
import com.cvmbilling.renewal.v1.RenewalServiceGrpc;
import com.cvmbilling.renewal.v1.TestClockServiceGrpc;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Calls any method with raw request bytes: what a broken or hostile client can send. */
final class RawCalls {
  private RawCalls() {}

  static final MethodDescriptor.Marshaller<byte[]> BYTES =
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

  /** Every method of every service that needs a key (test clock included). */
  static List<MethodDescriptor<?, ?>> keyedMethods() {
    List<MethodDescriptor<?, ?>> all = new ArrayList<>();
    all.addAll(RenewalServiceGrpc.getServiceDescriptor().getMethods());
    all.addAll(AdminServiceGrpc.getServiceDescriptor().getMethods());
    all.addAll(TestClockServiceGrpc.getServiceDescriptor().getMethods());
    return all;
  }

  static MethodDescriptor<byte[], byte[]> raw(MethodDescriptor<?, ?> method) {
    return raw(method.getFullMethodName(), method.getType());
  }

  static MethodDescriptor<byte[], byte[]> raw(
      String fullMethodName, MethodDescriptor.MethodType type) {
    return MethodDescriptor.<byte[], byte[]>newBuilder()
        .setFullMethodName(fullMethodName)
        .setType(type)
        .setRequestMarshaller(BYTES)
        .setResponseMarshaller(BYTES)
        .build();
  }

  /** How a call ended. */
  record Result(
      Status status, Metadata headers, Metadata trailers, int messages, byte[] lastMessage) {
    Status.Code code() {
      return status.getCode();
    }
  }

  /** Starts the call; the future completes when it closes. */
  static CompletableFuture<Result> start(
      Channel channel,
      MethodDescriptor<byte[], byte[]> method,
      byte[] body,
      Metadata headers,
      long deadlineMillis) {
    CompletableFuture<Result> done = new CompletableFuture<>();
    ClientCall<byte[], byte[]> call =
        channel.newCall(
            method, CallOptions.DEFAULT.withDeadlineAfter(deadlineMillis, TimeUnit.MILLISECONDS));
    call.start(
        new ClientCall.Listener<>() {
          private Metadata responseHeaders = new Metadata();
          private int messages;
          private byte[] last;

          @Override
          public void onHeaders(Metadata h) {
            responseHeaders = h;
          }

          @Override
          public void onMessage(byte[] message) {
            messages++;
            last = message;
            call.request(1);
          }

          @Override
          public void onClose(Status status, Metadata trailers) {
            done.complete(new Result(status, responseHeaders, trailers, messages, last));
          }
        },
        headers == null ? new Metadata() : headers);
    call.request(1);
    call.sendMessage(body);
    call.halfClose();
    return done;
  }

  static Result call(
      Channel channel, MethodDescriptor<?, ?> method, byte[] body, Metadata headers) {
    return start(channel, raw(method), body, headers, 20_000).join();
  }
}
