package com.cvmbilling.renewal.server.production;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.spi.ILoggingEvent;
import com.cvmbilling.renewal.server.app.Main;
import com.cvmbilling.renewal.server.grpc.CallInfo;
import com.cvmbilling.renewal.server.grpc.CallObserver;
import com.cvmbilling.renewal.server.testing.TcpTestServer;
import com.cvmbilling.renewal.server.testing.TestDatabases;
import com.cvmbilling.renewal.server.testing.TestServer;
import com.cvmbilling.renewal.server.testing.TestServer.TestAccount;
import com.cvmbilling.renewal.server.testing.Tier;
import com.cvmbilling.renewal.v1.DescribeAccountRequest;
import com.cvmbilling.renewal.v1.RenewInstancesRequest;
import com.cvmbilling.renewal.v1.RenewalServiceGrpc;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.Any;
import com.google.rpc.RequestInfo;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.protobuf.StatusProto;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Metrics over HTTP, the access log line with its request id, request ids in responses and errors,
 * JSON logs.
 */
@Tier.H2
@Tier.Network
class ObservabilityTest {
  @TempDir Path dir;

  private static Metadata requestId(String key, String id) {
    Metadata md = TestServer.bearer(key);
    if (id != null) {
      md.put(CallInfo.REQUEST_ID_HEADER, id);
    }
    return md;
  }

  private static String scrape(int port) throws Exception {
    HttpResponse<String> r =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    return r.body();
  }

  /** A sample line of this metric whose labels include all of these. */
  private static Optional<String> sample(String metrics, String name, String... labels) {
    return metrics
        .lines()
        .filter(l -> l.startsWith(name + "{") || l.startsWith(name + " "))
        .filter(l -> List.of(labels).stream().allMatch(l::contains))
        .findFirst();
  }

  @Test
  void theMetricsEndpointExposesTheNamedSeriesAfterTraffic() throws Exception {
    int metricsPort = TcpTestServer.freePort();
    try (TestDatabases.TestDatabase db = TestDatabases.h2();
        TcpTestServer server =
            new TcpTestServer(
                db.settings(),
                b ->
                    b.metricsPort(metricsPort)
                        .metricsHost("127.0.0.1")
                        .runLifecycle(true)
                        .lifecycleInterval(Duration.ofMillis(200)))) {
      TestAccount a = server.createAccount(1_000_000);
      // Expiring in 2 days: a reminder is due at once, so the lifecycle job has a step to count.
      server.createPrepaid(a, 1, Instant.now().plus(Duration.ofDays(2)));
      server.tenant(a.apiKey()).describeAccount(DescribeAccountRequest.getDefaultInstance());
      RawCalls.call(
          server.channel(),
          RenewalServiceGrpc.getRenewInstancesMethod(),
          RenewInstancesRequest.newBuilder().addInstanceIds("bad").build().toByteArray(),
          TestServer.bearer(a.apiKey()));
      RawCalls.start(
              server.channel(),
              RawCalls.raw(
                  "cvm.renewal.v1.RenewalService/NoSuchMethod", MethodDescriptor.MethodType.UNARY),
              new byte[0],
              new Metadata(),
              5_000)
          .join();
      HealthGrpc.newBlockingStub(server.channel()).check(HealthCheckRequest.getDefaultInstance());

      String metrics = "";
      long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (System.nanoTime() < until) {
        metrics = scrape(metricsPort);
        if (sample(metrics, "renewal_lifecycle_steps_total", "step=\"reminder\"").isPresent()
            && sample(metrics, "grpc_server_handled_total", "grpc_method=\"Check\"").isPresent()) {
          break;
        }
        Thread.sleep(200);
      }
      String rs = "grpc_service=\"cvm.renewal.v1.RenewalService\"";
      assertThat(
              sample(
                  metrics,
                  "grpc_server_started_total",
                  rs,
                  "grpc_method=\"DescribeAccount\"",
                  "grpc_type=\"unary\""))
          .isPresent();
      assertThat(
              sample(
                  metrics,
                  "grpc_server_handled_total",
                  rs,
                  "grpc_method=\"DescribeAccount\"",
                  "grpc_code=\"OK\""))
          .isPresent();
      assertThat(
              sample(
                  metrics,
                  "grpc_server_handled_total",
                  rs,
                  "grpc_method=\"RenewInstances\"",
                  "grpc_code=\"INVALID_ARGUMENT\""))
          .isPresent();
      assertThat(
              sample(
                  metrics,
                  "grpc_server_handled_total",
                  "grpc_method=\"CreateAccount\"",
                  "grpc_service=\"cvm.renewal.v1.AdminService\"",
                  "grpc_code=\"OK\""))
          .isPresent();
      assertThat(
              sample(
                  metrics,
                  "grpc_server_handled_total",
                  "grpc_method=\"Check\"",
                  "grpc_code=\"OK\""))
          .isPresent();
      // An unknown method is counted, but its name never becomes a label.
      assertThat(
              sample(
                  metrics,
                  "grpc_server_handled_total",
                  "grpc_method=\"unknown\"",
                  "grpc_code=\"UNIMPLEMENTED\""))
          .isPresent();
      assertThat(metrics).doesNotContain("NoSuchMethod");
      assertThat(
              sample(
                  metrics,
                  "grpc_server_handling_seconds_bucket",
                  rs,
                  "grpc_method=\"DescribeAccount\"",
                  "le=\"0.005\""))
          .isPresent();
      assertThat(
              sample(
                  metrics,
                  "grpc_server_handling_seconds_count",
                  rs,
                  "grpc_method=\"DescribeAccount\""))
          .isPresent();
      for (String state : List.of("active", "idle", "total")) {
        assertThat(sample(metrics, "renewal_db_pool_connections", "state=\"" + state + "\""))
            .isPresent();
      }
      assertThat(sample(metrics, "renewal_db_pool_max_connections")).isPresent();
      assertThat(sample(metrics, "renewal_db_pool_pending_threads")).isPresent();
      assertThat(sample(metrics, "renewal_db_pool_acquire_seconds_count")).isPresent();
      assertThat(sample(metrics, "renewal_db_pool_connection_timeouts_total")).isPresent();
      assertThat(sample(metrics, "renewal_db_conflict_reruns_total")).isPresent();
      assertThat(sample(metrics, "renewal_lifecycle_runs_total", "result=\"ok\"")).isPresent();
      assertThat(sample(metrics, "renewal_lifecycle_steps_total", "step=\"reminder\"")).isPresent();
      assertThat(sample(metrics, "renewal_lifecycle_lag_seconds")).isPresent();
      assertThat(sample(metrics, "renewal_lifecycle_last_success_timestamp_seconds")).isPresent();
      assertThat(sample(metrics, "renewal_lifecycle_run_duration_seconds_count")).isPresent();
      assertThat(sample(metrics, "jvm_memory_used_bytes")).isPresent();
      assertThat(sample(metrics, "process_cpu_seconds_total")).isPresent();
    }
  }

  private static ILoggingEvent awaitAccessLine(LogCapture logs, String requestId)
      throws InterruptedException {
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (System.nanoTime() < until) {
      for (ILoggingEvent e : logs.events()) {
        if (e.getFormattedMessage().contains("request_id=" + requestId)) {
          return e;
        }
      }
      Thread.sleep(20);
    }
    throw new AssertionError(
        "no access log line with request_id=" + requestId + " in " + logs.lines());
  }

  @Test
  void eachCallLogsOneLineWithItsRequestIdWhichComesBackInTheResponseAndErrors() throws Exception {
    try (TestDatabases.TestDatabase db = TestDatabases.h2();
        TcpTestServer server = new TcpTestServer(db.settings(), b -> b);
        LogCapture logs = new LogCapture(CallObserver.ACCESS_LOGGER)) {
      TestAccount a = server.createAccount(0);

      // A request id from the caller: in the response headers and in the one log line.
      RawCalls.Result ok =
          RawCalls.call(
              server.channel(),
              RenewalServiceGrpc.getDescribeAccountMethod(),
              new byte[0],
              requestId(a.apiKey(), "req-obs-0001"));
      assertThat(ok.code()).isEqualTo(Status.Code.OK);
      assertThat(ok.headers().get(CallInfo.REQUEST_ID_HEADER)).isEqualTo("req-obs-0001");
      String line = awaitAccessLine(logs, "req-obs-0001").getFormattedMessage();
      assertThat(line)
          .startsWith(
              "call method=cvm.renewal.v1.RenewalService/DescribeAccount status=OK latency_ms=");
      assertThat(line)
          .contains("account=" + a.accountId(), "request_id=req-obs-0001", "peer=127.0.0.1:");
      assertThat(
              logs.events().stream().filter(e -> e.getFormattedMessage().contains("req-obs-0001")))
          .hasSize(1);

      // A failed call: the id in the trailers, in RequestInfo, and the reason in the log line.
      RawCalls.Result failed =
          RawCalls.call(
              server.channel(),
              RenewalServiceGrpc.getRenewInstancesMethod(),
              RenewInstancesRequest.newBuilder().addInstanceIds("bad").build().toByteArray(),
              requestId(a.apiKey(), "req-obs-0002"));
      assertThat(failed.code()).isEqualTo(Status.Code.INVALID_ARGUMENT);
      assertThat(failed.trailers().get(CallInfo.REQUEST_ID_HEADER)).isEqualTo("req-obs-0002");
      assertThat(requestInfo(failed)).isEqualTo("req-obs-0002");
      assertThat(awaitAccessLine(logs, "req-obs-0002").getFormattedMessage())
          .contains(
              "status=INVALID_ARGUMENT", "reason=INVALID_INSTANCE_ID", "account=" + a.accountId());

      // Refused before authentication: still an id, and the line says who (nobody).
      RawCalls.Result anonymous =
          RawCalls.call(
              server.channel(),
              RenewalServiceGrpc.getDescribeAccountMethod(),
              new byte[0],
              requestId("rk_wrong", "req-obs-0003"));
      assertThat(anonymous.code()).isEqualTo(Status.Code.UNAUTHENTICATED);
      assertThat(requestInfo(anonymous)).isEqualTo("req-obs-0003");
      assertThat(awaitAccessLine(logs, "req-obs-0003").getFormattedMessage())
          .contains("status=UNAUTHENTICATED", "reason=INVALID_CREDENTIALS", "account=-");

      // No id, or one unfit for a log line: the server makes one.
      for (String given : new String[] {null, "has spaces and\nnewline", "x".repeat(200)}) {
        RawCalls.Result r =
            RawCalls.call(
                server.channel(),
                RenewalServiceGrpc.getDescribeAccountMethod(),
                new byte[0],
                requestId(a.apiKey(), given == null ? null : given.replace('\n', ' ')));
        String generated = r.headers().get(CallInfo.REQUEST_ID_HEADER);
        assertThat(generated).matches("[0-9a-f-]{36}");
        awaitAccessLine(logs, generated);
      }
    }
  }

  /** Tools' reflection lookups stay out of the INFO access log; admin calls say who they were. */
  @Test
  void reflectionLogsAtDebugAndAdminCallsLogAsAdmin() throws Exception {
    try (TestDatabases.TestDatabase db = TestDatabases.h2();
        TcpTestServer server = new TcpTestServer(db.settings(), b -> b);
        LogCapture logs = new LogCapture(CallObserver.ACCESS_LOGGER)) {
      TestAccount a = server.createAccount(0);
      var reflection =
          io.grpc.reflection.v1.ServerReflectionGrpc.newStub(server.channel())
              .withDeadlineAfter(10, java.util.concurrent.TimeUnit.SECONDS);
      java.util.concurrent.CountDownLatch answered = new java.util.concurrent.CountDownLatch(1);
      var requests =
          reflection.serverReflectionInfo(
              new io.grpc.stub.StreamObserver<io.grpc.reflection.v1.ServerReflectionResponse>() {
                @Override
                public void onNext(io.grpc.reflection.v1.ServerReflectionResponse value) {
                  answered.countDown();
                }

                @Override
                public void onError(Throwable t) {
                  answered.countDown();
                }

                @Override
                public void onCompleted() {}
              });
      requests.onNext(
          io.grpc.reflection.v1.ServerReflectionRequest.newBuilder().setListServices("").build());
      assertThat(answered.await(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
      requests.onCompleted();

      RawCalls.Result admin =
          RawCalls.call(
              server.channel(),
              com.cvmbilling.renewal.v1.AdminServiceGrpc.getCreateApiKeyMethod(),
              com.cvmbilling.renewal.v1.CreateApiKeyRequest.newBuilder()
                  .setAccountId(a.accountId())
                  .build()
                  .toByteArray(),
              requestId(TcpTestServer.ADMIN_KEY, "req-obs-admin"));
      assertThat(admin.code()).isEqualTo(Status.Code.OK);
      assertThat(awaitAccessLine(logs, "req-obs-admin").getFormattedMessage())
          .contains("account=admin");
      assertThat(logs.events()).noneMatch(e -> e.getFormattedMessage().contains("grpc.reflection"));
    }
  }

  private static String requestInfo(RawCalls.Result r) throws Exception {
    com.google.rpc.Status details = StatusProto.fromStatusAndTrailers(r.status(), r.trailers());
    for (Any d : details.getDetailsList()) {
      if (d.is(RequestInfo.class)) {
        return d.unpack(RequestInfo.class).getRequestId();
      }
    }
    return null;
  }

  /** --log-format json: every line a JSON object; the access line has its fields as keys. */
  @Test
  void jsonLogsCarryTheAccessLineFieldsAsKeys() throws Exception {
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m",
                "-cp",
                System.getProperty("java.class.path"),
                Main.class.getName(),
                "--port",
                "0",
                "--host",
                "127.0.0.1",
                "--data-dir",
                dir.resolve("data").toString(),
                "--no-lifecycle",
                "--log-format",
                "json"));
    ProcessBuilder pb =
        new ProcessBuilder(command).redirectError(dir.resolve("stderr.log").toFile());
    pb.environment().keySet().removeIf(k -> k.startsWith("RENEWAL_"));
    Process process = pb.start();
    try {
      BufferedReader stdout =
          new BufferedReader(
              new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
      String ready = stdout.readLine();
      assertThat(ready)
          .as("stderr: %s", Files.readString(dir.resolve("stderr.log")))
          .startsWith("renewal-server ready on port ");
      Matcher m = Pattern.compile("port (\\d+)").matcher(ready);
      assertThat(m.find()).isTrue();
      int port = Integer.parseInt(m.group(1));
      io.grpc.ManagedChannel channel =
          io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder.forAddress("127.0.0.1", port)
              .usePlaintext()
              .build();
      try {
        RawCalls.call(
            channel,
            RenewalServiceGrpc.getDescribePricesMethod(),
            new byte[0],
            requestId("rk_nobody", "req-json-1"));
      } finally {
        channel.shutdownNow();
      }
      ObjectMapper json = new ObjectMapper();
      JsonNode access = null;
      long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (access == null && System.nanoTime() < until) {
        for (String l : Files.readAllLines(dir.resolve("stderr.log"))) {
          JsonNode node = json.readTree(l); // every line is JSON
          if ("req-json-1".equals(node.path("request_id").asText())) {
            access = node;
          }
        }
        Thread.sleep(100);
      }
      assertThat(access)
          .as("access line in %s", Files.readString(dir.resolve("stderr.log")))
          .isNotNull();
      assertThat(access.path("logger_name").asText()).isEqualTo(CallObserver.ACCESS_LOGGER);
      assertThat(access.path("method").asText())
          .isEqualTo("cvm.renewal.v1.RenewalService/DescribePrices");
      assertThat(access.path("status").asText()).isEqualTo("UNAUTHENTICATED");
      assertThat(access.path("account").asText()).isEqualTo("-");
      assertThat(access.path("latency_ms").isNumber()).isTrue();
      assertThat(access.path("level").asText()).isEqualTo("INFO");
    } finally {
      process.destroy();
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    }
    assertThat(Files.readString(dir.resolve("stderr.log"))).doesNotContain("rk_nobody");
  }
}
