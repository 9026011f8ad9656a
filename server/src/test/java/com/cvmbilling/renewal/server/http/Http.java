package com.cvmbilling.renewal.server.http;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import com.google.rpc.BadRequest;
import com.google.rpc.ErrorDetailsProto;
import com.google.rpc.ErrorInfo;
import com.google.rpc.RequestInfo;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;

/** A small HTTP/JSON client for the tests: one request, its status, headers and body. */
final class Http {
  static final JsonFormat.Parser STATUS_PARSER =
      JsonFormat.parser()
          .usingTypeRegistry(
              JsonFormat.TypeRegistry.newBuilder()
                  .add(ErrorDetailsProto.getDescriptor().getMessageTypes())
                  .build());

  private final HttpClient client =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1) // as curl speaks to an http:// URL
          .connectTimeout(Duration.ofSeconds(5))
          .build();
  private final String base;

  Http(int port) {
    this.base = "http://127.0.0.1:" + port;
  }

  record Reply(int status, java.net.http.HttpHeaders headers, String body) {
    <T extends Message> T as(T prototype) {
      Message.Builder b = prototype.newBuilderForType();
      try {
        JsonFormat.parser().merge(body, b);
      } catch (InvalidProtocolBufferException e) {
        throw new AssertionError("not a " + prototype.getDescriptorForType() + ": " + body, e);
      }
      @SuppressWarnings("unchecked")
      T t = (T) b.build();
      return t;
    }

    com.google.rpc.Status error() {
      com.google.rpc.Status.Builder b = com.google.rpc.Status.newBuilder();
      try {
        STATUS_PARSER.merge(body, b);
      } catch (InvalidProtocolBufferException e) {
        throw new AssertionError("not a google.rpc.Status: " + body, e);
      }
      return b.build();
    }

    ErrorInfo errorInfo() {
      return detail(ErrorInfo.class).orElseThrow(() -> new AssertionError("no ErrorInfo: " + body));
    }

    Optional<BadRequest> badRequest() {
      return detail(BadRequest.class);
    }

    Optional<RequestInfo> requestInfo() {
      return detail(RequestInfo.class);
    }

    private <T extends Message> Optional<T> detail(Class<T> type) {
      for (com.google.protobuf.Any any : error().getDetailsList()) {
        if (any.is(type)) {
          try {
            return Optional.of(any.unpack(type));
          } catch (InvalidProtocolBufferException e) {
            throw new AssertionError(e);
          }
        }
      }
      return Optional.empty();
    }

    String header(String name) {
      return headers.firstValue(name).orElse(null);
    }
  }

  Reply get(String path, String apiKey) {
    return send(HttpRequest.newBuilder(URI.create(base + path)).GET(), apiKey);
  }

  Reply post(String path, String apiKey, String json, String... headers) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(base + path))
            .header("content-type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json));
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return send(b, apiKey);
  }

  Reply send(HttpRequest.Builder request, String apiKey) {
    if (apiKey != null) {
      request.header("authorization", "Bearer " + apiKey);
    }
    try {
      HttpResponse<String> r =
          client.send(
              request.timeout(Duration.ofSeconds(30)).build(),
              HttpResponse.BodyHandlers.ofString());
      return new Reply(r.statusCode(), r.headers(), r.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
