package com.cvmbilling.renewal.client;

import static org.assertj.core.api.Assertions.assertThat;

import com.cvmbilling.renewal.client.model.Amount;
import com.cvmbilling.renewal.server.testing.ServerProcess;
import com.cvmbilling.renewal.server.testing.Tier;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Round robin over two server processes: calls are spread over both, and when one is stopped the
 * client fails over to the other without the caller seeing an error.
 */
@Tier.Process
@Tier.Network
@Tier.H2
class RoundRobinTest {
  private static final String DEMO_KEY = "demo-tenant-key";

  @Test
  void spreadsCallsOverTwoServersAndFailsOverWhenOneStops(@TempDir Path dir) throws Exception {
    try (ServerProcess a = ServerProcess.startDemo(dir.resolve("a"));
        ServerProcess b = ServerProcess.startDemo(dir.resolve("b"))) {
      a.awaitReady(Duration.ofSeconds(60));
      b.awaitReady(Duration.ofSeconds(60));

      // Tell the servers apart: each has its own database; renew once on A only, so A's demo
      // balance is 9,900.00 and B's stays 10,000.00.
      try (RenewalClient onlyA =
          RenewalClient.newBuilder().target(a.target()).plaintext().apiKey(DEMO_KEY).build()) {
        assertThat(onlyA.renewInstances(List.of("ins-demo0001"), 1).balance())
            .isEqualTo(Amount.cny("9900.00"));
      }
      Amount onA = Amount.cny("9900.00");
      Amount onB = Amount.cny("10000.00");

      try (RenewalClient client =
          RenewalClient.newBuilder()
              .targets(a.target(), b.target())
              .plaintext()
              .apiKey(DEMO_KEY)
              .build()) {
        // Until both connections are up, round robin uses the one that is.
        boolean sawA = false;
        boolean sawB = false;
        for (int i = 0; i < 200 && !(sawA && sawB); i++) {
          Amount balance = client.describeAccount().balance();
          sawA |= balance.equals(onA);
          sawB |= balance.equals(onB);
        }
        assertThat(sawA && sawB).as("both servers answered").isTrue();

        int fromA = 0;
        int fromB = 0;
        for (int i = 0; i < 20; i++) {
          Amount balance = client.describeAccount().balance();
          if (balance.equals(onA)) {
            fromA++;
          } else if (balance.equals(onB)) {
            fromB++;
          }
        }
        assertThat(fromA + fromB).isEqualTo(20);
        assertThat(fromA).as("calls answered by A").isBetween(8, 12);
        assertThat(fromB).as("calls answered by B").isBetween(8, 12);

        // B goes away; every call still succeeds, now all on A.
        b.stop();
        assertThat(b.isAlive()).isFalse();
        for (int i = 0; i < 20; i++) {
          assertThat(client.describeAccount().balance()).isEqualTo(onA);
        }
      }
    }
  }
}
