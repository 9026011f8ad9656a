package com.cvmbilling.renewal.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.cvmbilling.renewal.server.config.RateLimitSettings;
import com.cvmbilling.renewal.server.grpc.CallObserver;
import com.cvmbilling.renewal.server.grpc.ErrorMapper;
import com.cvmbilling.renewal.server.testing.TcpTestServer;
import com.cvmbilling.renewal.server.testing.TestDatabases;
import com.cvmbilling.renewal.server.testing.TestServer;
import com.cvmbilling.renewal.server.testing.TestServer.TestAccount;
import com.cvmbilling.renewal.server.testing.Tier;
import com.cvmbilling.renewal.v1.DescribeAccountRequest;
import com.cvmbilling.renewal.v1.DescribeBillingRecordsRequest;
import com.cvmbilling.renewal.v1.DescribeInstancesRequest;
import com.cvmbilling.renewal.v1.Instance;
import com.cvmbilling.renewal.v1.RenewInstancesRequest;
import com.cvmbilling.renewal.v1.RenewInstancesResponse;
import com.google.rpc.ErrorInfo;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.slf4j.LoggerFactory;

/**
 * Errors over HTTP: the HTTP status of the gRPC code and, as the body, the same google.rpc.Status
 * (code, message, ErrorInfo reason and domain, BadRequest, RequestInfo with the x-request-id);
 * requests that cannot be read are a clear 400 and change nothing; client_token and the
 * Idempotency-Key header replay instead of charging twice.
 */
@Tier.H2
@Tier.Network
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HttpErrorsTest {
  private TestDatabases.TestDatabase db;
  private TcpTestServer server;
  private Http http;
  private int metricsPort;
  private TestAccount rich;
  private TestAccount poor;
  private List<String> ids;
  private String poorInstance;

  @BeforeAll
  void start() {
    db = TestDatabases.h2();
    metricsPort = TcpTestServer.freePort();
    server =
        new TcpTestServer(
            db.settings(),
            b -> b.port(0).httpPort(0).metricsPort(metricsPort).metricsHost("127.0.0.1"));
    http = new Http(server.server().httpPort());
    rich = server.createAccount(10_000_000);
    poor = server.createAccount(100);
    Instant expiry = Instant.now().plusSeconds(20 * 86400);
    ids = server.createPrepaid(rich, 3, expiry).stream().map(Instance::getInstanceId).toList();
    poorInstance = server.createPrepaid(poor, 1, expiry).get(0).getInstanceId();
  }

  @AfterAll
  void stop() {
    server.close();
    db.close();
  }

  record Bad(
      String name,
      Function<HttpErrorsTest, Http.Reply> call,
      int httpStatus,
      int grpcCode,
      String reason,
      String badField) {
    @Override
    public String toString() {
      return name;
    }
  }

  private String renew(String... instanceIds) {
    return "{\"instanceIds\": [\""
        + String.join("\", \"", instanceIds)
        + "\"], \"periodMonths\": 1}";
  }

  static Stream<Bad> errors() {
    return Stream.of(
        new Bad(
            "no key", t -> t.http.get("/v1/account", null), 401, 16, "MISSING_CREDENTIALS", null),
        new Bad(
            "wrong key",
            t -> t.http.get("/v1/account", "no-such-key-0123456789"),
            401,
            16,
            "INVALID_CREDENTIALS",
            null),
        new Bad(
            "tenant key on the admin API",
            t -> t.http.post("/v1/accounts", t.rich.apiKey(), "{\"displayName\": \"x\"}"),
            403,
            7,
            "ADMIN_REQUIRED",
            null),
        new Bad(
            "admin key on the tenant API",
            t -> t.http.get("/v1/prices", TestServer.ADMIN_KEY),
            403,
            7,
            "TENANT_KEY_REQUIRED",
            null),
        new Bad(
            "unknown API key id",
            t ->
                t.http.post(
                    "/v1/apiKeys/key-0123456789abcdef0123:revoke", TestServer.ADMIN_KEY, "{}"),
            404,
            5,
            "API_KEY_NOT_FOUND",
            "key_id"),
        new Bad(
            "API key expiry in the past",
            t ->
                t.http.post(
                    "/v1/accounts/" + t.rich.accountId() + "/apiKeys",
                    TestServer.ADMIN_KEY,
                    "{\"expireTime\": \"2001-01-01T00:00:00Z\"}"),
            400,
            3,
            "INVALID_EXPIRE_TIME",
            "expire_time"),
        new Bad(
            "unknown instance",
            t -> t.http.post("/v1/instances:renew", t.rich.apiKey(), t.renew("ins-zzzzzzzz")),
            404,
            5,
            "INSTANCE_NOT_FOUND",
            null),
        new Bad(
            "unknown account",
            t ->
                t.http.post(
                    "/v1/accounts/acc-zzzzzzzz:topUp",
                    TestServer.ADMIN_KEY,
                    "{\"amount\": {\"currencyCode\": \"CNY\", \"units\": \"1\"}}"),
            404,
            5,
            "ACCOUNT_NOT_FOUND",
            null),
        new Bad(
            "invalid period",
            t ->
                t.http.post(
                    "/v1/instances:renew",
                    t.rich.apiKey(),
                    "{\"instanceIds\": [\"" + t.ids.get(0) + "\"], \"periodMonths\": 13}"),
            400,
            3,
            "INVALID_PERIOD",
            "period_months"),
        new Bad(
            "invalid forecast horizon in the query",
            t -> t.http.get("/v1/renewalForecast?horizonDays=401", t.rich.apiKey()),
            400,
            3,
            "INVALID_HORIZON",
            "horizon_days"),
        new Bad(
            "invalid page token in the query",
            t -> t.http.get("/v1/instances?page_token=garbage", t.rich.apiKey()),
            400,
            3,
            "INVALID_PAGE_TOKEN",
            "page_token"),
        new Bad(
            "insufficient balance",
            t -> t.http.post("/v1/instances:renew", t.poor.apiKey(), t.renew(t.poorInstance)),
            400,
            9,
            "INSUFFICIENT_BALANCE",
            null),
        new Bad(
            "prepaid not terminable",
            t ->
                t.http.post(
                    "/v1/instances:terminate",
                    t.rich.apiKey(),
                    "{\"instanceIds\": [\"" + t.ids.get(0) + "\"]}"),
            400,
            9,
            "PREPAID_NOT_TERMINABLE",
            null));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("errors")
  void errorsCarryTheHttpStatusOfTheirCodeAndTheGrpcStatusAsJson(Bad bad) {
    Http.Reply reply = bad.call().apply(this);
    assertThat(reply.status()).as(reply.body()).isEqualTo(bad.httpStatus());
    assertThat(reply.header("content-type")).startsWith("application/json");
    com.google.rpc.Status status = reply.error();
    assertThat(status.getCode()).isEqualTo(bad.grpcCode());
    assertThat(status.getMessage()).isNotBlank().doesNotContain("Exception");
    ErrorInfo info = reply.errorInfo();
    assertThat(info.getReason()).isEqualTo(bad.reason());
    assertThat(info.getDomain()).isEqualTo(ErrorMapper.ERROR_DOMAIN);
    if (bad.badField() != null) {
      assertThat(reply.badRequest().orElseThrow().getFieldViolationsList())
          .anySatisfy(v -> assertThat(v.getField()).isEqualTo(bad.badField()));
    }
    String requestId = reply.header("x-request-id");
    assertThat(requestId).isNotBlank();
    assertThat(reply.requestInfo().orElseThrow().getRequestId()).isEqualTo(requestId);
    // The body is JSON with @type'd details, as google.rpc.Status in the proto3 JSON mapping.
    assertThat(reply.body())
        .contains("\"@type\": \"type.googleapis.com/google.rpc.ErrorInfo\"", "\"reason\"");
  }

  /** Balance, ledger and instances of the rich account: what a refused request must not change. */
  private String snapshot() {
    var tenant = server.tenant(rich.apiKey());
    return tenant.describeAccount(DescribeAccountRequest.getDefaultInstance()).toString()
        + tenant.describeBillingRecords(
            DescribeBillingRecordsRequest.newBuilder().setPageSize(100).build())
        + tenant.describeInstances(DescribeInstancesRequest.newBuilder().setPageSize(100).build());
  }

  static Stream<Object[]> unreadable() {
    String big = "{\"instanceIds\": [\"" + "x".repeat(2 * 1024 * 1024) + "\"]}";
    return Stream.of(
        new Object[] {"not JSON", "{\"instanceIds\": [", "application/json", "is not JSON"},
        new Object[] {
          "unknown field",
          "{\"instanceIds\": [\"%s\"], \"periodMonths\": 1, \"colour\": \"red\"}",
          "application/json",
          "colour"
        },
        new Object[] {
          "wrong type",
          "{\"instanceIds\": [\"%s\"], \"periodMonths\": \"twelve\"}",
          "application/json",
          "twelve"
        },
        new Object[] {
          "a string for a list",
          "{\"instanceIds\": \"%s\", \"periodMonths\": 1}",
          "application/json",
          "RenewInstancesRequest"
        },
        new Object[] {"an array for the body", "[1, 2]", "application/json", "Unexpected JSON"},
        new Object[] {"oversized body", big, "application/json", "larger than"},
        new Object[] {
          "form content type (curl -d without -H)",
          "{\"instanceIds\": [\"%s\"], \"periodMonths\": 1}",
          "application/x-www-form-urlencoded",
          "Content-Type: application/json"
        });
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("unreadable")
  void anUnreadableRequestIsA400WithMalformedRequestAndChangesNothing(
      String name, String body, String contentType, String messagePart) {
    String before = snapshot();
    Http.Reply reply =
        http.send(
            HttpRequest.newBuilder(
                    URI.create(
                        "http://127.0.0.1:" + server.server().httpPort() + "/v1/instances:renew"))
                .header("content-type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(body.replace("%s", ids.get(0)))),
            rich.apiKey());
    assertThat(reply.status()).as(reply.body()).isEqualTo(400);
    assertThat(reply.error().getCode()).isEqualTo(3);
    assertThat(reply.errorInfo().getReason()).isEqualTo("MALFORMED_REQUEST");
    assertThat(reply.error().getMessage()).contains(messagePart);
    assertThat(snapshot()).isEqualTo(before);
  }

  @Test
  void aQueryParameterOfTheWrongTypeIsA400() {
    Http.Reply reply = http.get("/v1/instances?pageSize=abc", rich.apiKey());
    assertThat(reply.status()).as(reply.body()).isEqualTo(400);
    assertThat(reply.errorInfo().getReason()).isEqualTo("MALFORMED_REQUEST");
  }

  @Test
  void aPassedGrpcTimeoutIsDeadlineExceeded() {
    Http.Reply reply =
        http.send(
            HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + server.server().httpPort() + "/v1/account"))
                .header("grpc-timeout", "1n"),
            rich.apiKey());
    assertThat(reply.status()).as(reply.body()).isEqualTo(504);
    assertThat(reply.error().getCode()).isEqualTo(4);
    Http.Reply roomy =
        http.send(
            HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + server.server().httpPort() + "/v1/account"))
                .header("grpc-timeout", "20S"),
            rich.apiKey());
    assertThat(roomy.status()).isEqualTo(200);
  }

  /**
   * Headers over --max-metadata-size (8 KiB here): the gRPC port's code and reason, under HTTP's
   * own status for it (431, not the 429 of RESOURCE_EXHAUSTED, which HTTP clients retry).
   */
  @Test
  void oversizedHeadersAre431WithTheGrpcPortsReason() {
    Http.Reply reply =
        http.send(
            HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + server.server().httpPort() + "/v1/account"))
                .header("x-padding", "p".repeat(12_000)),
            rich.apiKey());
    assertThat(reply.status()).as(reply.body()).isEqualTo(431);
    assertThat(reply.header("retry-after")).isNull();
    assertThat(reply.error().getCode()).isEqualTo(8); // RESOURCE_EXHAUSTED
    assertThat(reply.errorInfo().getReason()).isEqualTo("METADATA_TOO_LARGE");
    assertThat(reply.errorInfo().getDomain()).isEqualTo(ErrorMapper.ERROR_DOMAIN);
    assertThat(reply.errorInfo().getMetadataMap()).containsEntry("limitBytes", "8192");
    // Under the limit the same call goes through.
    Http.Reply padded =
        http.send(
            HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + server.server().httpPort() + "/v1/account"))
                .header("x-padding", "p".repeat(6_000)),
            rich.apiKey());
    assertThat(padded.status()).as(padded.body()).isEqualTo(200);
  }

  @Test
  void credentialsAreCheckedBeforeTheBodyIsRefused() {
    Http.Reply reply =
        http.post(
            "/v1/instances:renew",
            null,
            "{\"instanceIds\": [\"" + ids.get(0) + "\"], \"colour\": \"red\"}");
    assertThat(reply.status()).isEqualTo(401);
    assertThat(reply.errorInfo().getReason()).isEqualTo("MISSING_CREDENTIALS");
  }

  @Test
  void unknownRoutesAndMethodsAreJsonErrorsToo() {
    Http.Reply missing = http.get("/v1/nothing-here", rich.apiKey());
    assertThat(missing.status()).isEqualTo(404);
    assertThat(missing.error().getCode()).isEqualTo(5);
    Http.Reply grpcOnHttpPort =
        http.post(
            "/cvm.renewal.v1.RenewalService/DescribeAccount",
            rich.apiKey(),
            "",
            "content-type",
            "application/grpc");
    assertThat(grpcOnHttpPort.status()).isIn(404, 415, 400);
  }

  @Test
  void theSameClientTokenTwiceChargesOnceAndAnswersTheSame() {
    String before = snapshot();
    String body =
        "{\"instanceIds\": [\""
            + ids.get(1)
            + "\"], \"periodMonths\": 2, \"clientToken\": \"http-idem-1\"}";
    Http.Reply first = http.post("/v1/instances:renew", rich.apiKey(), body);
    Http.Reply second = http.post("/v1/instances:renew", rich.apiKey(), body);
    assertThat(first.status()).isEqualTo(200);
    assertThat(second.body()).isEqualTo(first.body());
    assertThat(snapshot()).isNotEqualTo(before);
    assertThat(
            server
                .tenant(rich.apiKey())
                .describeBillingRecords(DescribeBillingRecordsRequest.getDefaultInstance())
                .getRecordsList())
        .filteredOn(
            r ->
                r.getOrderId()
                    .equals(first.as(RenewInstancesResponse.getDefaultInstance()).getOrderId()))
        .hasSize(1);
  }

  @Test
  void theIdempotencyKeyHeaderIsTheClientToken() {
    String body = "{\"instanceIds\": [\"" + ids.get(2) + "\"], \"periodMonths\": 1}";
    Http.Reply first =
        http.post("/v1/instances:renew", rich.apiKey(), body, "Idempotency-Key", "http-idem-2");
    String afterFirst = snapshot();
    Http.Reply second =
        http.post("/v1/instances:renew", rich.apiKey(), body, "Idempotency-Key", "http-idem-2");
    assertThat(first.status()).as(first.body()).isEqualTo(200);
    assertThat(second.body()).isEqualTo(first.body());
    assertThat(snapshot()).isEqualTo(afterFirst);
    // The same token over gRPC, in the body: the stored response.
    RenewInstancesResponse overGrpc =
        server
            .tenant(rich.apiKey())
            .renewInstances(
                RenewInstancesRequest.newBuilder()
                    .addInstanceIds(ids.get(2))
                    .setPeriodMonths(1)
                    .setClientToken("http-idem-2")
                    .build());
    assertThat(overGrpc).isEqualTo(first.as(RenewInstancesResponse.getDefaultInstance()));
    // Header and body naming the same token: fine (a replay).
    String withToken =
        "{\"instanceIds\": [\""
            + ids.get(2)
            + "\"], \"periodMonths\": 1, \"clientToken\": \"http-idem-2\"}";
    assertThat(
            http.post(
                    "/v1/instances:renew",
                    rich.apiKey(),
                    withToken,
                    "Idempotency-Key",
                    "http-idem-2")
                .body())
        .isEqualTo(first.body());
    // Different ones: refused, nothing changed.
    Http.Reply conflict =
        http.post("/v1/instances:renew", rich.apiKey(), withToken, "Idempotency-Key", "other");
    assertThat(conflict.status()).isEqualTo(400);
    assertThat(conflict.errorInfo().getReason()).isEqualTo("INVALID_CLIENT_TOKEN");
    assertThat(conflict.badRequest().orElseThrow().getFieldViolations(0).getField())
        .isEqualTo("client_token");
    // A header the service refuses as a client_token.
    Http.Reply invalid =
        http.post("/v1/instances:renew", rich.apiKey(), body, "Idempotency-Key", "x".repeat(65));
    assertThat(invalid.status()).isEqualTo(400);
    assertThat(invalid.errorInfo().getReason()).isEqualTo("INVALID_CLIENT_TOKEN");
    assertThat(snapshot()).isEqualTo(afterFirst);
  }

  @Test
  void httpCallsAreLoggedAndCountedLikeGrpcCallsWithTheirRequestId() throws Exception {
    Logger access = (Logger) LoggerFactory.getLogger(CallObserver.ACCESS_LOGGER);
    ListAppender<ILoggingEvent> appender = new ListAppender<>();
    appender.start();
    access.addAppender(appender);
    try {
      Http.Reply ok =
          http.send(
              HttpRequest.newBuilder(
                      URI.create("http://127.0.0.1:" + server.server().httpPort() + "/v1/prices"))
                  .header("x-request-id", "req-http-0001"),
              rich.apiKey());
      assertThat(ok.status()).isEqualTo(200);
      assertThat(ok.header("x-request-id")).isEqualTo("req-http-0001");
      String line = awaitLine(appender, "req-http-0001");
      assertThat(line)
          .startsWith("call method=cvm.renewal.v1.RenewalService/DescribePrices status=OK")
          .contains("account=" + rich.accountId(), "peer=127.0.0.1:");
      Http.Reply failed =
          http.send(
              HttpRequest.newBuilder(
                      URI.create(
                          "http://127.0.0.1:" + server.server().httpPort() + "/v1/instances:renew"))
                  .header("x-request-id", "req-http-0002")
                  .header("content-type", "application/json")
                  .POST(HttpRequest.BodyPublishers.ofString("{\"instanceIds\": [\"bad\"]}")),
              rich.apiKey());
      assertThat(failed.status()).isEqualTo(400);
      assertThat(failed.requestInfo().orElseThrow().getRequestId()).isEqualTo("req-http-0002");
      assertThat(awaitLine(appender, "req-http-0002"))
          .contains("status=INVALID_ARGUMENT", "reason=INVALID_INSTANCE_ID");
      String metrics = new Http(metricsPort).get("/metrics", null).body();
      assertThat(metrics)
          .containsPattern(
              "grpc_server_handled_total\\{[^}]*grpc_code=\"OK\"[^}]*grpc_method=\"DescribePrices\"");
    } finally {
      access.detachAppender(appender);
    }
  }

  private static String awaitLine(ListAppender<ILoggingEvent> appender, String requestId)
      throws InterruptedException {
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (System.nanoTime() < until) {
      for (ILoggingEvent e : List.copyOf(appender.list)) {
        if (e.getFormattedMessage().contains("request_id=" + requestId)) {
          return e.getFormattedMessage();
        }
      }
      Thread.sleep(20);
    }
    throw new AssertionError("no access log line with request_id=" + requestId);
  }

  @Test
  void theRateLimitIsSharedWithTheGrpcPortAndAnswers429WithRetryAfter() {
    try (TestDatabases.TestDatabase db2 = TestDatabases.h2();
        TcpTestServer limited =
            new TcpTestServer(
                db2.settings(),
                b -> b.port(0).httpPort(0).rateLimit(new RateLimitSettings(1, 2)))) {
      TestAccount a = limited.createAccount(0);
      Http h = new Http(limited.server().httpPort());
      limited.tenant(a.apiKey()).describeAccount(DescribeAccountRequest.getDefaultInstance());
      limited.tenant(a.apiKey()).describeAccount(DescribeAccountRequest.getDefaultInstance());
      Http.Reply reply = h.get("/v1/account", a.apiKey());
      assertThat(reply.status()).as(reply.body()).isEqualTo(429);
      assertThat(reply.errorInfo().getReason()).isEqualTo("RATE_LIMITED");
      assertThat(reply.header("retry-after")).matches("[1-9][0-9]*");
    }
  }
}
