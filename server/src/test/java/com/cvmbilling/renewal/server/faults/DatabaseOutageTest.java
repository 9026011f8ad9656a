package com.cvmbilling.renewal.server.faults;

import static org.assertj.core.api.Assertions.assertThat;

import com.cvmbilling.renewal.server.testing.ServerProcess;
import com.cvmbilling.renewal.server.testing.Tier;
import com.cvmbilling.renewal.v1.DescribeAccountRequest;
import com.cvmbilling.renewal.v1.RenewalServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A MariaDB server owned by the test (its own port and data directory) is stopped for 10 s in the
 * middle of the load, then started again on the same data directory. Meanwhile calls fail with
 * UNAVAILABLE (nothing else, and nothing succeeds); the server serves again within 5 s of the
 * database's return (a probe calls DescribeAccount every 50 ms); and every logical call still
 * completes exactly once, with the invariants intact. The long profile adds a second outage that is
 * a crash (SIGKILL of mariadbd, InnoDB recovery on restart).
 */
@Tier.Fault
@Tier.Process
@Tier.Network
@Tier.MariaDb
class DatabaseOutageTest {
  private static final Logger log = LoggerFactory.getLogger(DatabaseOutageTest.class);
  static final Duration OUTAGE = Duration.ofSeconds(10);
  static final Duration RECOVERY_TARGET = Duration.ofSeconds(5);

  /** When one outage began and ended (System.nanoTime), and what the probe saw. */
  static final class Outage {
    final boolean crash;
    volatile long down;
    volatile long up;
    volatile long firstServed = -1;
    volatile long firstServing = -1;
    volatile boolean sawNotServing;
    volatile boolean sawReadinessDown;
    volatile String livenessFailure;

    Outage(boolean crash) {
      this.crash = crash;
    }

    double recoverySeconds() {
      return (firstServed - up) / 1e9;
    }
  }

  @Test
  @Timeout(value = 25, unit = TimeUnit.MINUTES)
  void callsFailUnavailableDuringTheOutageAndTheServerServesWithinFiveSecondsOfTheDatabasesReturn()
      throws Exception {
    try (OwnMariaDb mariaDb = OwnMariaDb.start()) {
      String url = mariaDb.createDatabase("renewal_faults");
      int probePort = ServerProcess.freePort();
      List<String> args = new ArrayList<>(FaultProfile.serverArgs(url));
      args.addAll(
          List.of("--metrics-host", "127.0.0.1", "--metrics-port", Integer.toString(probePort)));
      try (ServerProcess server =
          ServerProcess.start(
              "faults-outage",
              FaultProfile.serverJvmArgs(),
              args,
              Map.of("RENEWAL_DB_USER", "root", "RENEWAL_DB_PASSWORD", ""))) {
        FaultWorkload workload = new FaultWorkload(FaultProfile.ADMIN_KEY, FaultProfile.shape());
        List<Outage> outages = new ArrayList<>();
        outages.add(new Outage(false));
        if (FaultProfile.LONG) {
          outages.add(new Outage(true));
        }
        FaultClient client =
            new FaultClient(
                List.of(server.port()), Duration.ofSeconds(10), FaultProfile.giveUpAfter());
        ManagedChannel probeChannel =
            NettyChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
        try (client) {
          workload.setUp(client.channel(0), 3);
          String probeKey = workload.accounts.get(0).apiKey();
          List<FaultWorkload.Trigger> triggers = new ArrayList<>();
          for (int i = 0; i < outages.size(); i++) {
            Outage outage = outages.get(i);
            triggers.add(
                new FaultWorkload.Trigger(
                    0.25 + 0.4 * i,
                    () -> outage(mariaDb, outage, probeChannel, probeKey, probePort)));
          }
          workload.run(
              client,
              triggers,
              FaultProfile.loadTimeout().plus(OUTAGE.multipliedBy(outages.size())));
        } finally {
          probeChannel.shutdownNow();
        }

        List<FaultClient.Attempt> attempts = client.attempts();
        for (Outage o : outages) {
          // Attempts that began once the database was gone and ended before it was back.
          Map<String, Long> during = new TreeMap<>();
          attempts.stream()
              .filter(a -> a.startNanos() >= o.down && a.endNanos() <= o.up)
              .forEach(a -> during.merge(a.outcome(), 1L, Long::sum));
          log.info(
              "{} for {} s: attempts during it {}; health NOT_SERVING seen: {}; served again {} s after the"
                  + " database answered (health SERVING after {} s)",
              o.crash ? "crash (SIGKILL)" : "stop (SIGTERM)",
              String.format("%.1f", (o.up - o.down) / 1e9),
              during,
              o.sawNotServing,
              String.format("%.2f", o.recoverySeconds()),
              String.format("%.2f", (o.firstServing - o.up) / 1e9));
          assertThat(during).as("attempts during the outage").isNotEmpty();
          assertThat(during.keySet())
              .as("every call during the outage failed UNAVAILABLE")
              .allMatch(outcome -> outcome.startsWith("UNAVAILABLE"));
          assertThat(o.sawNotServing).as("health said NOT_SERVING during the outage").isTrue();
          // Readiness follows the database; liveness does not (restarting every replica during
          // a database outage would only make it worse).
          assertThat(o.sawReadinessDown)
              .as("gRPC 'readiness' NOT_SERVING and HTTP /readyz 503 during the outage")
              .isTrue();
          assertThat(o.livenessFailure).as("liveness during the outage").isNull();
          assertThat(o.firstServed).as("served again").isPositive();
          assertThat(o.recoverySeconds())
              .as("seconds from the database's return to the first served call")
              .isLessThanOrEqualTo(RECOVERY_TARGET.toSeconds());
        }
        log.info("retries {}", client.retries());
        // Calls cut off by the outage left no idempotency record: their retries ran at once.
        assertThat(client.retries()).doesNotContainKey("ABORTED/REQUEST_IN_PROGRESS");

        InvariantChecker checker = new InvariantChecker(url, "root", "");
        InvariantChecker.Summary summary = checker.check(workload);
        log.info("invariants: {}", summary);
        assertThat(checker.problems()).as("invariant violations").isEmpty();
        assertThat(summary.succeeded() + summary.insufficient()).isEqualTo(workload.calls.size());
        assertThat(mariaDb.starts()).isEqualTo(1 + outages.size());
      }
    }
  }

  private static int httpStatus(int port, String path) {
    try {
      return java.net.http.HttpClient.newHttpClient()
          .send(
              java.net.http.HttpRequest.newBuilder(
                      java.net.URI.create("http://127.0.0.1:" + port + path))
                  .timeout(Duration.ofSeconds(2))
                  .build(),
              java.net.http.HttpResponse.BodyHandlers.discarding())
          .statusCode();
    } catch (java.io.IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  /** Stops (or kills) the database for 10 s, restarts it, and probes until a call is served. */
  private static void outage(
      OwnMariaDb mariaDb, Outage o, ManagedChannel channel, String tenantKey, int probePort) {
    if (o.crash) {
      mariaDb.kill();
    } else {
      mariaDb.stop();
    }
    o.down = System.nanoTime();
    log.info("database {} at {}", o.crash ? "killed" : "stopped", o.down);
    HealthGrpc.HealthBlockingStub health = HealthGrpc.newBlockingStub(channel);
    long until = o.down + OUTAGE.toNanos();
    while (System.nanoTime() < until) {
      try {
        if (health
                .withDeadlineAfter(1, TimeUnit.SECONDS)
                .check(HealthCheckRequest.getDefaultInstance())
                .getStatus()
            == ServingStatus.NOT_SERVING) {
          o.sawNotServing = true;
        }
        ServingStatus readiness =
            health
                .withDeadlineAfter(1, TimeUnit.SECONDS)
                .check(HealthCheckRequest.newBuilder().setService("readiness").build())
                .getStatus();
        ServingStatus liveness =
            health
                .withDeadlineAfter(1, TimeUnit.SECONDS)
                .check(HealthCheckRequest.newBuilder().setService("liveness").build())
                .getStatus();
        int readyz = httpStatus(probePort, "/readyz");
        int livez = httpStatus(probePort, "/livez");
        if (readiness == ServingStatus.NOT_SERVING && readyz == 503) {
          o.sawReadinessDown = true;
        }
        if (liveness != ServingStatus.SERVING || livez != 200) {
          o.livenessFailure = "gRPC liveness " + liveness + ", /livez " + livez;
        }
      } catch (StatusRuntimeException ignored) {
        // the server is up; only its database is not
      }
      sleep(100);
    }
    mariaDb.launch();
    o.up = System.nanoTime();
    log.info(
        "database back at {} ({} s after it went down)",
        o.up,
        String.format("%.1f", (o.up - o.down) / 1e9));
    RenewalServiceGrpc.RenewalServiceBlockingStub tenant =
        RenewalServiceGrpc.newBlockingStub(channel)
            .withInterceptors(
                MetadataUtils.newAttachHeadersInterceptor(FaultWorkload.bearer(tenantKey)));
    long giveUp = o.up + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < giveUp && (o.firstServed < 0 || o.firstServing < 0)) {
      if (o.firstServed < 0) {
        try {
          tenant
              .withDeadlineAfter(2, TimeUnit.SECONDS)
              .describeAccount(DescribeAccountRequest.getDefaultInstance());
          o.firstServed = System.nanoTime();
        } catch (StatusRuntimeException e) {
          // not yet
        }
      }
      if (o.firstServing < 0) {
        try {
          if (health
                  .withDeadlineAfter(1, TimeUnit.SECONDS)
                  .check(HealthCheckRequest.getDefaultInstance())
                  .getStatus()
              == ServingStatus.SERVING) {
            o.firstServing = System.nanoTime();
          }
        } catch (StatusRuntimeException ignored) {
          // retry
        }
      }
      sleep(50);
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
