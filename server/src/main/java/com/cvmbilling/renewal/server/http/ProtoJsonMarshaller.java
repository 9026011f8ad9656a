package com.cvmbilling.renewal.server.http;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import com.linecorp.armeria.common.grpc.GrpcJsonMarshaller;
import com.linecorp.armeria.server.ServiceRequestContext;
import io.grpc.MethodDescriptor.Marshaller;
import io.grpc.MethodDescriptor.PrototypeMarshaller;
import io.grpc.Status;
import io.netty.util.AttributeKey;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;

/**
 * Messages to and from JSON with protobuf-java-util's {@link JsonFormat}: the proto3 JSON mapping
 * as grpcurl prints it (lowerCamelCase names, enums by name, 64-bit integers as strings, default
 * values left out, laid out by {@link JsonText}). The parser is strict: an unknown field, an
 * unknown enum name or a value of the wrong type is an error (both the proto names and the
 * lowerCamelCase names are accepted).
 *
 * <p>A body that does not parse is not answered here: it is given to the method's own request
 * marshaller as bytes that cannot parse, so it becomes the request that the gRPC port's
 * malformed-request guard refuses with {@code INVALID_ARGUMENT}/{@code MALFORMED_REQUEST}, after
 * authentication and through every interceptor, exactly like a gRPC request that does not parse.
 * The parser's explanation is kept on the request context for the error response ({@link
 * GrpcErrorResponses}).
 */
final class ProtoJsonMarshaller implements GrpcJsonMarshaller {
  static final ProtoJsonMarshaller INSTANCE = new ProtoJsonMarshaller();

  /** Why the request body did not parse, for the error response. */
  static final AttributeKey<String> JSON_PROBLEM =
      AttributeKey.valueOf(ProtoJsonMarshaller.class, "JSON_PROBLEM");

  /** A truncated varint: no protobuf parser accepts it. */
  private static final byte[] UNPARSEABLE = {(byte) 0xff};

  private static final JsonFormat.Printer PRINTER =
      JsonFormat.printer().omittingInsignificantWhitespace();
  private static final JsonFormat.Parser PARSER = JsonFormat.parser();

  private ProtoJsonMarshaller() {}

  @Override
  public <T> void serializeMessage(Marshaller<T> marshaller, T message, OutputStream os)
      throws IOException {
    os.write(JsonText.indent(PRINTER.print((Message) message)).getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public <T> T deserializeMessage(Marshaller<T> marshaller, InputStream is) throws IOException {
    if (!(marshaller instanceof PrototypeMarshaller<T> proto)
        || !(proto.getMessagePrototype() instanceof Message prototype)) {
      throw Status.INTERNAL.withDescription("not a protobuf method").asRuntimeException();
    }
    Message.Builder builder = prototype.newBuilderForType();
    try (Reader reader = new InputStreamReader(is, StandardCharsets.UTF_8)) {
      PARSER.merge(reader, builder);
      @SuppressWarnings("unchecked")
      T parsed = (T) builder.build();
      return parsed;
    } catch (InvalidProtocolBufferException | RuntimeException e) {
      ServiceRequestContext ctx = ServiceRequestContext.currentOrNull();
      if (ctx != null) {
        ctx.setAttr(
            JSON_PROBLEM,
            "the body is not a valid "
                + prototype.getDescriptorForType().getFullName()
                + " in JSON: "
                + e.getMessage());
      }
      return marshaller.parse(new ByteArrayInputStream(UNPARSEABLE));
    }
  }
}
