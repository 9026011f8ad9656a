package com.cvmbilling.renewal.server.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.cvmbilling.renewal.server.testing.ServerProcess;
import com.cvmbilling.renewal.server.testing.TestDatabases;
import com.cvmbilling.renewal.server.testing.Tier;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A database the server cannot use at start: the real cause (SQLState, vendor code and message,
 * never the password) at once; exit status 2 for what waiting cannot fix, and waiting (then exit
 * status 1) only for a database that is not reachable yet.
 */
@Tier.MariaDb
@Tier.H2
@Tier.Process
@Tier.Network
class StartupDiagnosticsTest {
  @TempDir Path dir;

  private record Run(int exit, String err, Duration took) {}

  private static Run start(String... flags) {
    List<String> args = new ArrayList<>(List.of(flags));
    args.addAll(List.of("--port", "0", "--no-lifecycle", "--db-start-timeout", "3s"));
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    long t0 = System.nanoTime();
    int exit =
        Main.run(args.toArray(String[]::new), Map.of(), new PrintWriter(out), new PrintWriter(err));
    return new Run(exit, err.toString(), Duration.ofNanos(System.nanoTime() - t0));
  }

  @Test
  void wrongCredentialsFailAtOnceWithStatus2AndNeverShowThePassword() {
    try (TestDatabases.TestDatabase db = TestDatabases.mariaDb()) {
      Run r =
          start(
              "--db-url",
              db.settings().url(),
              "--db-user",
              "no_such_user",
              "--db-password",
              "s3cret-pass-word");

      assertThat(r.exit()).as(r.err()).isEqualTo(2);
      assertThat(r.err()).contains("refused: SQLState 28000, error 1045: Access denied");
      assertThat(r.err()).doesNotContain("s3cret-pass-word");
      assertThat(r.took()).as("no waiting").isLessThan(Duration.ofSeconds(3));
    }
  }

  @Test
  void anUnknownDatabaseFailsAtOnceWithStatus2() {
    Run r =
        start(
            "--db-url",
            TestDatabases.mariaDbBaseUrl() + "renewal_no_such_database",
            "--db-user",
            TestDatabases.mariaDbUser(),
            "--db-password",
            TestDatabases.mariaDbPassword());

    if (r.err().contains("Connection refused") && !TestDatabases.isCi()) {
      org.junit.jupiter.api.Assumptions.abort("MariaDB is not running here");
    }
    assertThat(r.exit()).as(r.err()).isEqualTo(2);
    assertThat(r.err()).contains("error 1049: Unknown database 'renewal_no_such_database'");
    assertThat(r.took()).as("no waiting").isLessThan(Duration.ofSeconds(3));
  }

  @Test
  void aRefusedPortIsWaitedForThenFailsWithStatus1AndTheNetworkError() {
    int closed = ServerProcess.freePort();
    Run r = start("--db-url", "jdbc:mysql://127.0.0.1:" + closed + "/renewal", "--db-user", "x");

    assertThat(r.exit()).as(r.err()).isEqualTo(1);
    assertThat(r.err())
        .contains("cannot reach the database at jdbc:mysql://127.0.0.1:" + closed)
        .contains("SQLState 08")
        .contains("Connection refused");
    assertThat(r.took()).as("waited for --db-start-timeout").isGreaterThan(Duration.ofSeconds(3));
  }

  @Test
  void anH2FileHeldByAnotherServerNamesTheLock() throws Exception {
    Path data = dir.resolve("data");
    try (ServerProcess holder = ServerProcess.startDemo(data)) {
      Run r = start("--data-dir", data.toString());

      assertThat(r.exit()).as(r.err()).isEqualTo(1);
      assertThat(r.err()).contains("SQLState 90020").contains("already in use");
    }
  }

  @Test
  void anHttpPortInUseNamesTheSettingAndThePort() throws Exception {
    try (java.net.ServerSocket busy =
        new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      Run r =
          start(
              "--data-dir",
              dir.resolve("http-busy").toString(),
              "--host",
              "127.0.0.1",
              "--http-port",
              Integer.toString(busy.getLocalPort()));

      assertThat(r.exit()).as(r.err()).isEqualTo(1);
      assertThat(r.err())
          .contains(
              "failed to start: --http-port "
                  + busy.getLocalPort()
                  + " on 127.0.0.1: address already in use")
          .doesNotContain("NativeIoException");
    }
  }

  @Test
  void aMetricsPortInUseNamesTheSettingAndThePort() throws Exception {
    try (java.net.ServerSocket busy =
        new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      Run r =
          start(
              "--data-dir",
              dir.resolve("metrics-busy").toString(),
              "--metrics-host",
              "127.0.0.1",
              "--metrics-port",
              Integer.toString(busy.getLocalPort()));

      assertThat(r.exit()).as(r.err()).isEqualTo(1);
      assertThat(r.err())
          .contains("--metrics-port " + busy.getLocalPort() + " on 127.0.0.1")
          .contains("already in use");
    }
  }
}
