package com.cvmbilling.renewal.server.grpc;

import com.cvmbilling.renewal.server.error.ApiException;
import com.cvmbilling.renewal.v1.ErrorReason;
import com.google.protobuf.Descriptors;
import com.google.protobuf.Message;
import com.google.protobuf.UnknownFieldSet;
import io.grpc.ForwardingServerCallListener.SimpleForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.ServiceDescriptor;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Makes a request that cannot be parsed an {@code INVALID_ARGUMENT}/{@code MALFORMED_REQUEST}.
 *
 * <p>grpc-java parses a request before any interceptor sees it and answers a parse failure
 * (truncated bytes, invalid UTF-8 in a string field) with {@code UNKNOWN}, and silently reads a
 * field sent with the wrong wire type as its default ({@link #hasWrongWireType}). So {@link
 * #tolerant} gives each method a request marshaller that, instead of failing, yields the empty
 * request carrying a marker (an unknown field no client sends on purpose); this interceptor, placed
 * last before the service, refuses a marked request with a proper error that goes through the other
 * interceptors (request id, access log, metrics) and never reaches the service. Requests keep their
 * message types, so interceptors anywhere (also a server's global ones) see them as usual, and the
 * schema descriptors stay, so reflection still describes the services.
 *
 * <p>It also refuses a unary or server-streaming call that half-closes without any request message
 * (grpc-java's stub would answer {@code INTERNAL}); DESIGN "The transport edge" lists what else can
 * be malformed below the service and who answers it.
 */
public final class MalformedRequestGuard implements ServerInterceptor {
  /** The largest field number protobuf allows, with a fixed value: the "did not parse" marker. */
  static final int MARKER_FIELD = 536_870_911;

  static final long MARKER_VALUE = 0x4d414c46_4f524d44L; // "MALFORMD"
  private static final UnknownFieldSet MARKER =
      UnknownFieldSet.newBuilder()
          .addField(
              MARKER_FIELD, UnknownFieldSet.Field.newBuilder().addFixed64(MARKER_VALUE).build())
          .build();

  /** The service with request marshallers that never fail (see the class comment). */
  public static ServerServiceDefinition tolerant(ServerServiceDefinition service) {
    ServiceDescriptor original = service.getServiceDescriptor();
    List<ServerMethodDefinition<?, ?>> methods = new ArrayList<>();
    ServiceDescriptor.Builder descriptor =
        ServiceDescriptor.newBuilder(original.getName())
            .setSchemaDescriptor(original.getSchemaDescriptor());
    for (ServerMethodDefinition<?, ?> method : service.getMethods()) {
      ServerMethodDefinition<?, ?> wrapped = tolerant(method);
      methods.add(wrapped);
      descriptor.addMethod(wrapped.getMethodDescriptor());
    }
    ServerServiceDefinition.Builder out = ServerServiceDefinition.builder(descriptor.build());
    methods.forEach(out::addMethod);
    return out.build();
  }

  private static <ReqT, RespT> ServerMethodDefinition<ReqT, RespT> tolerant(
      ServerMethodDefinition<ReqT, RespT> def) {
    MethodDescriptor<ReqT, RespT> method = def.getMethodDescriptor();
    if (!(method.getRequestMarshaller() instanceof MethodDescriptor.PrototypeMarshaller<ReqT> proto)
        || !(proto.getMessagePrototype() instanceof Message prototype)) {
      return def;
    }
    @SuppressWarnings("unchecked")
    ReqT malformed = (ReqT) prototype.toBuilder().setUnknownFields(MARKER).build();
    MethodDescriptor.Marshaller<ReqT> marshaller =
        new MethodDescriptor.PrototypeMarshaller<>() {
          @Override
          public InputStream stream(ReqT value) {
            return proto.stream(value);
          }

          @Override
          public ReqT parse(InputStream stream) {
            try {
              ReqT parsed = proto.parse(stream);
              return parsed instanceof Message m && hasWrongWireType(m) ? malformed : parsed;
            } catch (RuntimeException e) {
              return malformed;
            }
          }

          @Override
          public ReqT getMessagePrototype() {
            return proto.getMessagePrototype();
          }

          @Override
          public Class<ReqT> getMessageClass() {
            return proto.getMessageClass();
          }
        };
    return ServerMethodDefinition.create(
        method.toBuilder().setRequestMarshaller(marshaller).build(), def.getServerCallHandler());
  }

  /**
   * Whether a field of {@code message} (or of a message inside it) arrived with the wrong wire
   * type, e.g. {@code period_months} (an int32) sent as a string. Protobuf keeps such a field as an
   * unknown field with a declared field's number, and the declared field reads as its default (0):
   * the client has a bug, and running the call with the default would do something it did not ask
   * for. Unknown field numbers that are not declared stay allowed (a newer client's fields).
   */
  static boolean hasWrongWireType(Message message) {
    Descriptors.Descriptor type = message.getDescriptorForType();
    for (int number : message.getUnknownFields().asMap().keySet()) {
      if (type.findFieldByNumber(number) != null) {
        return true;
      }
    }
    for (Map.Entry<Descriptors.FieldDescriptor, Object> field : message.getAllFields().entrySet()) {
      if (field.getKey().getJavaType() != Descriptors.FieldDescriptor.JavaType.MESSAGE) {
        continue;
      }
      if (field.getValue() instanceof List<?> values) {
        for (Object value : values) {
          if (hasWrongWireType((Message) value)) {
            return true;
          }
        }
      } else if (hasWrongWireType((Message) field.getValue())) {
        return true;
      }
    }
    return false;
  }

  static boolean isMalformed(Object request) {
    if (!(request instanceof Message m)) {
      return false;
    }
    UnknownFieldSet.Field f = m.getUnknownFields().getField(MARKER_FIELD);
    return f != null && f.getFixed64List().contains(MARKER_VALUE);
  }

  @Override
  public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(
      ServerCall<ReqT, RespT> call, Metadata headers, ServerCallHandler<ReqT, RespT> next) {
    boolean oneRequest = call.getMethodDescriptor().getType().clientSendsOneMessage();
    return new SimpleForwardingServerCallListener<>(next.startCall(call, headers)) {
      private boolean rejected;
      private boolean received;

      private void reject(String message) {
        rejected = true;
        ErrorMapper.closeCall(
            call, ApiException.of(ErrorReason.MALFORMED_REQUEST, message).build());
      }

      @Override
      public void onMessage(ReqT message) {
        if (rejected) {
          return;
        }
        if (isMalformed(message)) {
          reject(
              "the request is not a valid "
                  + call.getMethodDescriptor().getFullMethodName()
                  + " request message");
          return;
        }
        received = true;
        super.onMessage(message);
      }

      @Override
      public void onHalfClose() {
        if (rejected) {
          return;
        }
        // grpc-java's stub answers this with INTERNAL ("Half-closed without a request"): the client
        // sent it, so it is the client's error. (A second message never gets here: grpc-java resets
        // the stream itself, see DESIGN "The transport edge".)
        if (oneRequest && !received) {
          reject(
              "no request message on "
                  + call.getMethodDescriptor().getFullMethodName()
                  + ", which takes exactly one (an empty message is 5 bytes: 0 and a zero length)");
          return;
        }
        super.onHalfClose();
      }

      @Override
      public void onReady() {
        if (!rejected) {
          super.onReady();
        }
      }
    };
  }
}
