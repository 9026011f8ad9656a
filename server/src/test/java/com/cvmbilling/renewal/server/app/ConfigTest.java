package com.cvmbilling.renewal.server.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.cvmbilling.renewal.server.config.RateLimitSettings;
import com.cvmbilling.renewal.server.config.ServerConfig;
import com.cvmbilling.renewal.server.config.TransportSettings;
import com.cvmbilling.renewal.server.persistence.DatabaseSettings;
import com.cvmbilling.renewal.server.testing.Tier;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The configuration scheme (flags over environment over file over defaults) and its start-up
 * validation: every bad setting gets a clear line naming the setting, and exit code 2.
 */
@Tier.Process
@Tier.Network
@Tier.H2
class ConfigTest {
  @TempDir static Path dir;

  record Run(int exit, String out, String err) {}

  static Run run(Map<String, String> env, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit = Main.run(args, env, new PrintWriter(out), new PrintWriter(err));
    return new Run(exit, out.toString(), err.toString());
  }

  static Run run(String... args) {
    return run(Map.of(), args);
  }

  static Path file(String name, String content) throws IOException {
    Path f = dir.resolve(name);
    Files.writeString(f, content, StandardCharsets.UTF_8);
    return f;
  }

  /** The value print-config shows for a setting, with its source. */
  static String setting(Run run, String key) {
    return run.out()
        .lines()
        .filter(l -> l.startsWith(key + " = "))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no " + key + " in\n" + run.out()));
  }

  static Stream<Arguments> badSettings() throws IOException {
    Path garbage = file("garbage.pem", "not a certificate\n");
    Path pkcs1 =
        file("pkcs1.key", "-----BEGIN RSA PRIVATE KEY-----\nMIIB\n-----END RSA PRIVATE KEY-----\n");
    return Stream.of(
        Arguments.of(List.of("--port", "70000"), "--port: must be 0..65535, got 70000"),
        Arguments.of(
            List.of("--port", "abc"), "Invalid value for option '--port': 'abc' is not an int"),
        Arguments.of(List.of("--metrics-port", "-1"), "--metrics-port: must be 0..65535"),
        Arguments.of(
            List.of("--port", "9000", "--metrics-port", "9000"),
            "--metrics-port: must differ from --port"),
        Arguments.of(
            List.of("--db-url", "postgres://db/renewal"),
            "--db-url: must be a MySQL/MariaDB JDBC URL"),
        Arguments.of(List.of("--db-pool-size", "0"), "--db-pool-size: must be 1..1000, got 0"),
        Arguments.of(List.of("--db-query-timeout", "0s"), "--db-query-timeout: must be positive"),
        Arguments.of(
            List.of("--retention", "soon"),
            "Invalid value for option '--retention': 'soon' is not a duration"),
        Arguments.of(
            List.of("--lifecycle-interval", "0s"), "--lifecycle-interval: must be positive"),
        Arguments.of(
            List.of("--lifecycle-batch-size", "0"), "--lifecycle-batch-size: must be 1..10000"),
        Arguments.of(
            List.of("--rate-limit", "-5"), "--rate-limit: must be 0 (no limit) or more, got -5"),
        Arguments.of(List.of("--rate-limit-burst", "0"), "--rate-limit-burst: must be at least 1"),
        Arguments.of(
            List.of("--max-message-size", "12"), "--max-message-size: must be 1KiB to 64MiB"),
        Arguments.of(
            List.of("--max-message-size", "lots"),
            "Invalid value for option '--max-message-size': 'lots' is not a size"),
        Arguments.of(
            List.of("--max-metadata-size", "2MiB"), "--max-metadata-size: must be 1KiB to 1MiB"),
        Arguments.of(
            List.of("--max-concurrent-calls-per-connection", "0"),
            "--max-concurrent-calls-per-connection: must be at least 1"),
        Arguments.of(List.of("--keepalive-time", "0s"), "--keepalive-time: must be at least 1s"),
        Arguments.of(List.of("--log-format", "xml"), "Invalid value for option '--log-format'"),
        Arguments.of(List.of("--log-level", "loud"), "Invalid value for option '--log-level'"),
        Arguments.of(List.of("--test-clock=yesterday"), "--test-clock: takes an ISO-8601 instant"),
        Arguments.of(
            List.of("--tls-cert", garbage.toString()),
            "--tls-key: --tls-cert and --tls-key go together"),
        Arguments.of(
            List.of(
                "--tls-cert", dir.resolve("none.pem").toString(), "--tls-key", pkcs1.toString()),
            "--tls-cert: file " + dir.resolve("none.pem") + " does not exist"),
        Arguments.of(
            List.of("--tls-cert", garbage.toString(), "--tls-key", pkcs1.toString()),
            "--tls-cert: " + garbage + " is not a PEM certificate file"),
        Arguments.of(
            List.of("--tls-cert", garbage.toString(), "--tls-key", pkcs1.toString()),
            "--tls-key: " + pkcs1 + " must be an unencrypted PKCS#8 key"),
        Arguments.of(
            List.of("--tls-client-ca", garbage.toString()),
            "--tls-client-ca: mutual TLS needs TLS"),
        Arguments.of(List.of("--idempotency-lease", "0s"), "--idempotency-lease: must be positive"),
        Arguments.of(
            List.of("--idempotency-lease", "2d"),
            "--idempotency-lease: must not exceed --idempotency-retention"),
        Arguments.of(
            List.of("--db-transaction-attempts", "0"),
            "--db-transaction-attempts: must be 1..100, got 0"),
        Arguments.of(List.of("--db-probe-interval", "0s"), "--db-probe-interval: must be positive"),
        Arguments.of(
            List.of("--idempotency-purge-interval", "0s"),
            "--idempotency-purge-interval: must be positive"),
        Arguments.of(
            List.of("--price-refresh-interval", "0s"),
            "--price-refresh-interval: must be positive"),
        Arguments.of(
            List.of("--price-refresh-interval", "1m"),
            "--price-change-lead-time: must be longer than --price-refresh-interval (60s), got 30s"),
        Arguments.of(List.of("--no-such-flag"), "Unknown option: '--no-such-flag'"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badSettings")
  void eachBadSettingIsAClearStartUpError(List<String> args, String expected) {
    Run r = run(args.toArray(String[]::new));
    assertThat(r.exit()).as("exit code; stderr:\n%s", r.err()).isEqualTo(2);
    assertThat(r.err()).contains("renewal-server: " + expected);
    assertThat(r.err()).contains("Run 'renewal-server --help'");
    assertThat(r.err()).doesNotContain("Exception").doesNotContain("\tat ");
  }

  @Test
  void everyBadSettingIsReportedAtOnce() {
    Run r = run("--port", "70000", "--rate-limit", "-1", "--db-pool-size", "0");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err())
        .contains("--port: must be", "--rate-limit: must be", "--db-pool-size: must be");
  }

  @Test
  void anErrorNamesTheEnvironmentVariableOrFileTheValueCameFrom() throws IOException {
    Run env = run(Map.of("RENEWAL_PORT", "abc"));
    assertThat(env.exit()).isEqualTo(2);
    assertThat(env.err())
        .contains("'--port': 'abc' is not an int (from environment variable RENEWAL_PORT)");

    Path f = file("bad-rate.properties", "rate-limit=-3\n");
    Run fromFile = run("--config", f.toString());
    assertThat(fromFile.exit()).isEqualTo(2);
    assertThat(fromFile.err())
        .contains(
            "--rate-limit: must be 0 (no limit) or more, got -3 (from configuration file "
                + f
                + ")");

    // A rule between two settings names where each came from: here the one the user set.
    Run rule = run(Map.of("RENEWAL_PRICE_REFRESH_INTERVAL", "45s"));
    assertThat(rule.exit()).isEqualTo(2);
    assertThat(rule.err())
        .contains(
            "--price-change-lead-time: must be longer than --price-refresh-interval (45s), got 30s",
            "(--price-refresh-interval from environment variable RENEWAL_PRICE_REFRESH_INTERVAL)");
  }

  @Test
  void unknownSettingInTheFileIsAnError() throws IOException {
    Run r = run("--config", file("typo.properties", "prot=50051\nport=50052\n").toString());
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("unknown setting prot");
  }

  @Test
  void missingConfigFileIsAnError() {
    Run r = run(Map.of("RENEWAL_CONFIG", dir.resolve("absent.properties").toString()));
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err())
        .contains(
            "configuration file '"
                + dir.resolve("absent.properties")
                + "' (from environment variable RENEWAL_CONFIG) does not exist");
  }

  @Test
  void flagsWinOverEnvironmentWhichWinsOverTheFileWhichWinsOverDefaults() throws IOException {
    Path f =
        file(
            "layers.properties",
            String.join(
                "\n",
                "port=6000",
                "metrics-port=9100",
                "rate-limit=7",
                "rate-limit-burst=70",
                "db-query-timeout=5s",
                ""));
    Map<String, String> env = new HashMap<>();
    env.put("RENEWAL_CONFIG", f.toString());
    env.put("RENEWAL_PORT", "7000");
    env.put("RENEWAL_RATE_LIMIT", "8");
    Run r = run(env, "--rate-limit", "9", "--print-config");
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(setting(r, "rate-limit")).isEqualTo("rate-limit = 9    # flag --rate-limit");
    assertThat(setting(r, "port")).isEqualTo("port = 7000    # environment variable RENEWAL_PORT");
    assertThat(setting(r, "metrics-port"))
        .isEqualTo("metrics-port = 9100    # configuration file " + f);
    assertThat(setting(r, "db-query-timeout"))
        .isEqualTo("db-query-timeout = 5s    # configuration file " + f);
    assertThat(setting(r, "log-level")).isEqualTo("log-level = info    # default");
  }

  @Test
  void secretsAreMaskedWhenTheConfigurationIsPrinted() {
    Run r =
        run(
            Map.of(
                "RENEWAL_DB_PASSWORD",
                "hunter2-db",
                "RENEWAL_ADMIN_KEY",
                "admin-secret-0123456789"),
            "--print-config");
    assertThat(r.exit()).isZero();
    assertThat(setting(r, "db-password"))
        .isEqualTo("db-password = ***    # environment variable RENEWAL_DB_PASSWORD");
    assertThat(r.out()).doesNotContain("hunter2-db").doesNotContain("admin-secret-0123456789");
  }

  @Test
  void helpListsEverySettingWithItsDefaultAndTheScheme() {
    Run r = run("--help");
    assertThat(r.exit()).isZero();
    for (String flag :
        List.of(
            "--port",
            "--host",
            "--tls-cert",
            "--tls-key",
            "--tls-client-ca",
            "--max-message-size",
            "--max-metadata-size",
            "--max-concurrent-calls-per-connection",
            "--keepalive-time",
            "--keepalive-timeout",
            "--permit-keepalive-time",
            "--max-connection-idle",
            "--rate-limit",
            "--rate-limit-burst",
            "--db-url",
            "--db-user",
            "--db-password",
            "--db-pool-size",
            "--db-query-timeout",
            "--data-dir",
            "--admin-key",
            "--demo",
            "--metrics-port",
            "--metrics-host",
            "--log-format",
            "--log-level",
            "--test-clock",
            "--lifecycle-interval",
            "--auto-renew-lead",
            "--auto-renew-retry-interval",
            "--retention",
            "--lifecycle-batch-size",
            "--no-lifecycle",
            "--events-poll-interval",
            "--lifecycle-stop-wait",
            "--idempotency-retention",
            "--idempotency-lease",
            "--idempotency-purge-interval",
            "--price-refresh-interval",
            "--price-change-lead-time",
            "--db-transaction-attempts",
            "--db-start-timeout",
            "--db-probe-interval",
            "--drain-time",
            "--drain-cancel-wait",
            "--config",
            "--print-config")) {
      assertThat(r.out()).contains(flag);
    }
    assertThat(r.out())
        .contains(
            "Default: 50051", "Default: 1MiB", "Default: 50", "Default: 30s", "Default: text");
    assertThat(r.out())
        .contains("RENEWAL_SOME_NAME", "Precedence: command-line flag, then environment variable");
  }

  /** The demo's keys are public: unless told otherwise it listens on loopback only. */
  @Test
  void theDemoBindsLoopbackUnlessAHostIsGiven() {
    assertThat(setting(run("--print-config"), "host")).isEqualTo("host = 0.0.0.0    # default");
    assertThat(setting(run("--demo", "--print-config"), "host"))
        .isEqualTo("host = 127.0.0.1    # default");
    assertThat(setting(run("--demo", "--host", "0.0.0.0", "--print-config"), "host"))
        .startsWith("host = 0.0.0.0    # ");
  }

  /** Settings that used to be constants (or a JVM property) are flags like every other. */
  @Test
  void formerlyHardCodedTimesAreSettingsWithTheirOldValuesAsDefaults() {
    Run defaults = run("--print-config");
    assertThat(defaults.exit()).as(defaults.err()).isZero();
    assertThat(defaults.out())
        .contains(
            "idempotency-lease = 120s    # default",
            "idempotency-retention = 1d    # default",
            "idempotency-purge-interval = 10m    # default",
            "db-start-timeout = 30s    # default",
            "db-probe-interval = 2s    # default",
            "db-transaction-attempts = 10    # default",
            "drain-time = 20s    # default",
            "drain-cancel-wait = 5s    # default",
            "lifecycle-stop-wait = 30s    # default");

    Run lease = run(Map.of("RENEWAL_IDEMPOTENCY_LEASE", "15s"), "--print-config");
    assertThat(setting(lease, "idempotency-lease"))
        .isEqualTo("idempotency-lease = 15s    # environment variable RENEWAL_IDEMPOTENCY_LEASE");
  }

  /** In-process servers start from the same defaults as the command line (rate limit aside). */
  @Test
  void theInProcessBuilderStartsFromTheFlagDefaults() {
    ServerConfig built =
        ServerConfig.builder(DatabaseSettings.embedded(dir.resolve("defaults"))).build();
    assertThat(built.transport()).isEqualTo(TransportSettings.defaults());
    assertThat(built.transport().port()).isEqualTo(50051);
    assertThat(built.idempotency().inProgressLease()).isEqualTo(Duration.ofMinutes(2));
    assertThat(built.transactions().maxAttempts()).isEqualTo(10);
    assertThat(built.transactions().queryTimeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(built.lifecycle().batchSize()).isEqualTo(500);
    assertThat(built.lifecycle().schedule().retryInterval()).isEqualTo(Duration.ofSeconds(60));
    assertThat(built.rateLimit()).isEqualTo(RateLimitSettings.OFF);
    // The auto-renew retry interval keeps following the lifecycle interval when that changes.
    ServerConfig faster = built.toBuilder().lifecycleInterval(Duration.ofSeconds(5)).build();
    assertThat(faster.lifecycle().schedule().retryInterval()).isEqualTo(Duration.ofSeconds(5));
  }

  /** The documented example file (docs/deploy) names only real settings and passes validation. */
  @Test
  void theDocumentedExampleConfigurationIsValid() throws IOException {
    Path example = Path.of("..", "docs", "deploy", "renewal-server.properties");
    assertThat(example).exists();
    // Its TLS files exist only on a real host: drop those lines here.
    List<String> lines =
        Files.readAllLines(example).stream().filter(l -> !l.startsWith("tls-")).toList();
    Path copy = file("example.properties", String.join("\n", lines) + "\n");
    Run r = run("--config", copy.toString(), "--print-config");
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(setting(r, "log-format"))
        .isEqualTo("log-format = json    # configuration file " + copy);
    assertThat(setting(r, "metrics-port"))
        .isEqualTo("metrics-port = 9464    # configuration file " + copy);
  }

  // ---- as a process: the real exit codes ----

  static Run process(List<String> args) throws Exception {
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m",
                "-cp",
                System.getProperty("java.class.path"),
                Main.class.getName()));
    command.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile());
    pb.environment().keySet().removeIf(k -> k.startsWith("RENEWAL_"));
    Process p = pb.start();
    p.getOutputStream().close();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("server process did not exit");
    }
    return new Run(
        p.exitValue(),
        new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8),
        new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
  }

  @Test
  void badConfigurationExitsTheProcessWithCode2() throws Exception {
    Run r = process(List.of("--port", "abc", "--data-dir", dir.resolve("data-bad").toString()));
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err())
        .contains("renewal-server: Invalid value for option '--port': 'abc' is not an int");
  }

  @Test
  void aStartUpFailureExitsTheProcessWithCode1AndSaysWhy() throws Exception {
    try (ServerSocket busy = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Run r =
          process(
              List.of(
                  "--host",
                  "127.0.0.1",
                  "--port",
                  Integer.toString(busy.getLocalPort()),
                  "--data-dir",
                  dir.resolve("data-busy").toString(),
                  "--no-lifecycle"));
      assertThat(r.exit()).as("stderr:\n%s", r.err()).isEqualTo(1);
      assertThat(r.err())
          .contains(
              "renewal-server: failed to start: --port "
                  + busy.getLocalPort()
                  + " on 127.0.0.1: address already in use");
    }
  }
}
