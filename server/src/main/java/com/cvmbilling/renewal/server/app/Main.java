package com.cvmbilling.renewal.server.app;

import com.cvmbilling.renewal.server.config.ConfigSources;
import com.cvmbilling.renewal.server.config.DurationConverter;
import com.cvmbilling.renewal.server.config.RateLimitSettings;
import com.cvmbilling.renewal.server.config.ServerConfig;
import com.cvmbilling.renewal.server.config.SizeConverter;
import com.cvmbilling.renewal.server.config.TransportSettings;
import com.cvmbilling.renewal.server.persistence.DatabaseSettings;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;

/**
 * Command line entry point. Every setting is a flag; see {@link ConfigSources} for the scheme
 * (flags over environment variables over the {@code --config} file over defaults). All settings are
 * checked before anything starts; each bad one gets its own line, and the exit code is 2.
 */
@Command(
    name = "renewal-server",
    mixinStandardHelpOptions = true,
    version = "renewal-server 0.1.0",
    sortOptions = false,
    usageHelpWidth = 100,
    description =
        "Billing back end for prepaid VM instances: renewals, auto-renew, unified expiry.",
    footerHeading = "%nConfiguration%n",
    footer = {
      "Every flag --some-name can also be set by the environment variable RENEWAL_SOME_NAME, or by a",
      "line some-name=VALUE in the file named by --config (or RENEWAL_CONFIG; Java properties format).",
      "Precedence: command-line flag, then environment variable, then configuration file, then default.",
      "Secrets (--db-password, --admin-key) are best given by environment or file, not on the command line.",
      "Durations: 500ms, 60s, 15m, 24h, 7d or ISO-8601 (PT1H). Sizes: bytes, or with KiB / MiB.",
      "Exit codes: 0 stopped normally, 1 failed to start, 2 invalid configuration."
    })
public final class Main implements Callable<Integer> {
  private static final Logger log = LoggerFactory.getLogger(Main.class);
  private static final Set<String> SECRETS = Set.of("--db-password", "--admin-key");

  private final ConfigSources sources;
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  Main(ConfigSources sources) {
    this.sources = sources;
  }

  // ---- configuration ----

  @Option(
      names = "--config",
      paramLabel = "FILE",
      description =
          "Configuration file (Java properties: db-url=..., port=...). Env RENEWAL_CONFIG.")
  Path configFile;

  @Option(
      names = "--print-config",
      description =
          "Check the configuration, print every setting with its source (secrets masked), and exit.")
  boolean printConfig;

  // ---- network ----

  @Option(
      names = "--port",
      defaultValue = "50051",
      paramLabel = "PORT",
      description = "gRPC port (0 = any free port). Default: ${DEFAULT-VALUE}.")
  int port;

  @Option(
      names = "--host",
      defaultValue = "0.0.0.0",
      paramLabel = "ADDRESS",
      description =
          "Address the gRPC port binds (127.0.0.1 = loopback only). Default: ${DEFAULT-VALUE}.")
  String host;

  @Option(
      names = "--tls-cert",
      paramLabel = "PEM",
      description = "Server certificate chain (PEM). With --tls-key: the port speaks TLS only.")
  Path tlsCert;

  @Option(
      names = "--tls-key",
      paramLabel = "PEM",
      description = "Private key of --tls-cert (PKCS#8 PEM, unencrypted).")
  Path tlsKey;

  @Option(
      names = "--tls-client-ca",
      paramLabel = "PEM",
      description =
          "CA certificates (PEM) for mutual TLS: every client must present a certificate they issued.")
  Path tlsClientCa;

  @Option(
      names = "--max-message-size",
      defaultValue = "1MiB",
      converter = SizeConverter.class,
      paramLabel = "SIZE",
      description =
          "Largest request message; larger is refused with RESOURCE_EXHAUSTED. Default: ${DEFAULT-VALUE}.")
  long maxMessageSize;

  @Option(
      names = "--max-metadata-size",
      defaultValue = "8KiB",
      converter = SizeConverter.class,
      paramLabel = "SIZE",
      description =
          "Largest request header block (HTTP/2 max header list size). Default: ${DEFAULT-VALUE}.")
  long maxMetadataSize;

  @Option(
      names = "--max-concurrent-calls-per-connection",
      defaultValue = "100",
      paramLabel = "N",
      description =
          "Calls (HTTP/2 streams) one connection may have open at once. Default: ${DEFAULT-VALUE}.")
  int maxConcurrentCalls;

  @Option(
      names = "--keepalive-time",
      defaultValue = "60s",
      converter = DurationConverter.class,
      paramLabel = "DURATION",
      description =
          "Ping a client after this long without traffic (drops dead peers). Default: ${DEFAULT-VALUE}.")
  Duration keepaliveTime;

  @Option(
      names = "--keepalive-timeout",
      defaultValue = "20s",
      converter = DurationConverter.class,
      paramLabel = "DURATION",
      description =
          "Close the connection if a ping is not answered within this. Default: ${DEFAULT-VALUE}.")
  Duration keepaliveTimeout;

  @Option(
      names = "--permit-keepalive-time",
      defaultValue = "10s",
      converter = DurationConverter.class,
      paramLabel = "DURATION",
      description =
          "Most frequent client keepalive ping allowed; faster pingers are disconnected. Default: ${DEFAULT-VALUE}.")
  Duration permitKeepaliveTime;

  @Option(
      names = "--max-connection-idle",
      defaultValue = "0s",
      converter = DurationConverter.class,
      paramLabel = "DURATION",
      description =
          "Close a connection without calls for this long (0s = never). Default: ${DEFAULT-VALUE}.")
  Duration maxConnectionIdle;

  @Option(
      names = "--rate-limit",
      defaultValue = "50",
      paramLabel = "PER_SECOND",
      description =
          "Calls per second per account (per admin key), in this replica; 0 = no limit. Default: ${DEFAULT-VALUE}.")
  long rateLimit;

  @Option(
      names = "--rate-limit-burst",
      defaultValue = "100",
      paramLabel = "N",
      description =
          "Calls an idle account may make at once before --rate-limit applies. Default: ${DEFAULT-VALUE}.")
  long rateLimitBurst;

  // ---- database ----

  @Option(
      names = "--db-url",
      paramLabel = "JDBC_URL",
      description =
          "JDBC URL of MySQL/MariaDB, e.g. jdbc:mysql://127.0.0.1:3306/renewal. Unset: embedded H2 under --data-dir.")
  String dbUrl;

  @Option(names = "--db-user", paramLabel = "USER", description = "Database user.")
  String dbUser;

  @Option(
      names = "--db-password",
      paramLabel = "PASSWORD",
      description = "Database password (prefer RENEWAL_DB_PASSWORD or the file).")
  String dbPassword;

  @Option(
      names = "--db-pool-size",
      defaultValue = "16",
      paramLabel = "N",
      description = "Maximum database connections. Default: ${DEFAULT-VALUE}.")
  int dbPoolSize;

  @Option(
      names = "--db-query-timeout",
      defaultValue = "30s",
      converter = DurationConverter.class,
      paramLabel = "DURATION",
      description =
          "Longest one SQL statement may run; a call's deadline shortens it. Default: ${DEFAULT-VALUE}.")
  Duration dbQueryTimeout;

  @Option(
      names = "--data-dir",
      defaultValue = "./data",
      paramLabel = "DIR",
      description = "Directory of the embedded database. Default: ${DEFAULT-VALUE}.")
  Path dataDir;

  // ---- access ----

  @Option(
      names = "--admin-key",
      paramLabel = "KEY",
      description =
          "An admin API key accepted from start-up, to create the first accounts (prefer RENEWAL_ADMIN_KEY).")
  String adminKey;

  @Option(
      names = "--demo",
      description = "Seed a demo tenant with fixed, public keys (see README). Not for production.")
  boolean demo;

  // ---- observability ----

  @Option(
      names = "--metrics-port",
      defaultValue = "0",
      paramLabel = "PORT",
      description =
          "Port of the Prometheus endpoint (GET /metrics); 0 = off. Default: ${DEFAULT-VALUE}.")
  int metricsPort;

  @Option(
      names = "--metrics-host",
      defaultValue = "0.0.0.0",
      paramLabel = "ADDRESS",
      description = "Address the metrics endpoint binds. Default: ${DEFAULT-VALUE}.")
  String metricsHost;

  @Option(
      names = "--log-format",
      defaultValue = "text",
      paramLabel = "text|json",
      description = "Log lines as text or as one JSON object per line. Default: ${DEFAULT-VALUE}.")
  Logging.Format logFormat;

  @Option(
      names = "--log-level",
      defaultValue = "info",
      paramLabel = "LEVEL",
      description = "trace, debug, info, warn or error. Default: ${DEFAULT-VALUE}.")
  Logging.LogLevel logLevel;

  // ---- lifecycle job ----

  @Option(
      names = "--test-clock",
      arity = "0..1",
      fallbackValue = "now",
      paramLabel = "INSTANT",
      description =
          "Run on a test clock that only TestClockService.AdvanceTime moves, starting at INSTANT "
              + "(ISO-8601, default: now). Never in production.")
  String testClock;

  @Option(
      names = "--lifecycle-interval",
      defaultValue = "60s",
      converter = DurationConverter.class,
      paramLabel = "DURATION",
      description = "How often the lifecycle job runs. Default: ${DEFAULT-VALUE}.")
  Duration lifecycleInterval;

  @Option(
      names = "--auto-renew-lead",
      defaultValue = "24h",
      converter = DurationConverter.class,
      paramLabel = "DURATION",
      description = "First auto-renew attempt this long before expiry. Default: ${DEFAULT-VALUE}.")
  Duration autoRenewLead;

  @Option(
      names = "--retention",
      defaultValue = "7d",
      converter = DurationConverter.class,
      paramLabel = "DURATION",
      description = "Isolated instances are released after this. Default: ${DEFAULT-VALUE}.")
  Duration retention;

  @Option(
      names = "--auto-renew-retry-interval",
      converter = DurationConverter.class,
      paramLabel = "DURATION",
      description =
          "How soon a failed auto-renew attempt is retried before expiry. Default: every lifecycle run "
              + "(--lifecycle-interval).")
  Duration autoRenewRetryInterval;

  @Option(
      names = "--lifecycle-batch-size",
      defaultValue = "200",
      paramLabel = "N",
      description =
          "Due instances claimed and processed per transaction. Default: ${DEFAULT-VALUE}.")
  int lifecycleBatchSize;

  @Option(
      names = "--no-lifecycle",
      description = "Do not run the lifecycle job in this process (another replica runs it).")
  boolean noLifecycle;

  @Option(
      names = "--events-poll-interval",
      defaultValue = "250ms",
      converter = DurationConverter.class,
      paramLabel = "DURATION",
      description = "How often WatchEvents streams look for new events. Default: ${DEFAULT-VALUE}.")
  Duration eventsPollInterval;

  public static void main(String[] args) {
    int exit =
        run(
            args,
            System.getenv(),
            new PrintWriter(System.out, true, StandardCharsets.UTF_8),
            new PrintWriter(System.err, true, StandardCharsets.UTF_8));
    if (exit != 0) {
      System.exit(exit);
    }
  }

  /** Parses, validates and (unless only asked for help or the configuration) runs the server. */
  static int run(String[] args, Map<String, String> env, PrintWriter out, PrintWriter err) {
    ConfigSources sources;
    try {
      sources = ConfigSources.load(args, env);
    } catch (ConfigSources.ConfigFileException e) {
      return usageError(err, List.of(e.getMessage()));
    }
    CommandLine cmd = new CommandLine(new Main(sources));
    cmd.setOut(out);
    cmd.setErr(err);
    cmd.setCaseInsensitiveEnumValuesAllowed(true);
    cmd.setDefaultValueProvider(sources);
    try {
      sources.checkFileKeys(cmd.getCommandSpec());
    } catch (ConfigSources.ConfigFileException e) {
      return usageError(err, List.of(e.getMessage()));
    }
    cmd.setParameterExceptionHandler(
        (ex, a) -> {
          String message = ex.getMessage();
          if (ex.getArgSpec() instanceof OptionSpec option) {
            String origin =
                sources.originForError(option.longestName(), ex.getCommandLine().getParseResult());
            if (origin != null) {
              message += " (from " + origin + ")";
            }
          }
          for (String line : message.split("\n")) {
            err.println("renewal-server: " + line);
          }
          CommandLine.UnmatchedArgumentException.printSuggestions(ex, err);
          err.print("Usage: " + ex.getCommandLine().getHelp().synopsis(0));
          err.println("Run 'renewal-server --help' for every setting and its default.");
          err.flush();
          return 2;
        });
    cmd.setExecutionExceptionHandler(
        (ex, c, parsed) -> {
          err.println("renewal-server: failed to start: " + describe(ex));
          err.flush();
          log.debug("start-up failure", ex);
          return 1;
        });
    return cmd.execute(args);
  }

  private static int usageError(PrintWriter err, List<String> lines) {
    for (String line : lines) {
      err.println("renewal-server: " + line);
    }
    err.println("Run 'renewal-server --help' for every setting and its default.");
    err.flush();
    return 2;
  }

  /**
   * The distinct messages of a failure and its causes, e.g. "Failed to bind: Address already in
   * use".
   */
  static String describe(Throwable e) {
    Set<String> parts = new LinkedHashSet<>();
    for (Throwable t = e; t != null && parts.size() < 4; t = t.getCause()) {
      String m = t.getMessage();
      parts.add(m == null || m.isBlank() ? t.getClass().getSimpleName() : m.strip());
    }
    return String.join(": ", parts);
  }

  // ---- validation ----

  private final List<String> problems = new ArrayList<>();

  private void problem(String flag, String message) {
    String origin =
        sources.originForError(flag, spec == null ? null : spec.commandLine().getParseResult());
    problems.add(flag + ": " + message + (origin == null ? "" : " (from " + origin + ")"));
  }

  ServerConfig toConfig() {
    problems.clear();
    checkPort("--port", port);
    checkPort("--metrics-port", metricsPort);
    if (metricsPort != 0 && metricsPort == port) {
      problem("--metrics-port", "must differ from --port (" + port + ")");
    }
    checkHost("--host", host);
    checkHost("--metrics-host", metricsHost);
    TransportSettings.Tls tls = tls();
    if (maxMessageSize < 1024 || maxMessageSize > 64L * 1024 * 1024) {
      problem("--max-message-size", "must be 1KiB to 64MiB, got " + maxMessageSize + " bytes");
    }
    if (maxMetadataSize < 1024 || maxMetadataSize > 1024 * 1024) {
      problem("--max-metadata-size", "must be 1KiB to 1MiB, got " + maxMetadataSize + " bytes");
    }
    if (maxConcurrentCalls < 1) {
      problem(
          "--max-concurrent-calls-per-connection", "must be at least 1, got " + maxConcurrentCalls);
    }
    atLeast("--keepalive-time", keepaliveTime, Duration.ofSeconds(1));
    atLeast("--keepalive-timeout", keepaliveTimeout, Duration.ofSeconds(1));
    atLeast("--permit-keepalive-time", permitKeepaliveTime, Duration.ZERO);
    atLeast("--max-connection-idle", maxConnectionIdle, Duration.ZERO);
    if (rateLimit < 0) {
      problem("--rate-limit", "must be 0 (no limit) or more, got " + rateLimit);
    }
    if (rateLimitBurst < 1) {
      problem("--rate-limit-burst", "must be at least 1, got " + rateLimitBurst);
    }
    if (dbUrl != null
        && !dbUrl.isBlank()
        && !dbUrl.startsWith("jdbc:mysql:")
        && !dbUrl.startsWith("jdbc:h2:")) {
      problem(
          "--db-url",
          "must be a MySQL/MariaDB JDBC URL such as jdbc:mysql://127.0.0.1:3306/renewal "
              + "(or jdbc:h2:...), got '"
              + shorten(dbUrl)
              + "'");
    }
    if (dbPoolSize < 1 || dbPoolSize > 1000) {
      problem("--db-pool-size", "must be 1..1000, got " + dbPoolSize);
    }
    positive("--db-query-timeout", dbQueryTimeout);
    Instant clockStart = null;
    if (testClock != null && !"now".equals(testClock)) {
      try {
        clockStart = Instant.parse(testClock);
      } catch (RuntimeException e) {
        problem(
            "--test-clock",
            "takes an ISO-8601 instant such as 2027-01-31T00:00:00Z, got '"
                + shorten(testClock)
                + "'");
      }
    }
    positive("--lifecycle-interval", lifecycleInterval);
    positive("--events-poll-interval", eventsPollInterval);
    atLeast("--retention", retention, Duration.ZERO);
    atLeast("--auto-renew-lead", autoRenewLead, Duration.ZERO);
    if (autoRenewLead.compareTo(Duration.ofDays(27)) > 0) {
      // A lead longer than the shortest month could renew a monthly instance twice in one sweep.
      problem(
          "--auto-renew-lead",
          "must be at most 27d, got " + DurationConverter.format(autoRenewLead));
    }
    Duration retryInterval =
        autoRenewRetryInterval == null ? lifecycleInterval : autoRenewRetryInterval;
    positive("--auto-renew-retry-interval", retryInterval);
    if (lifecycleBatchSize < 1 || lifecycleBatchSize > 10_000) {
      problem("--lifecycle-batch-size", "must be 1..10000, got " + lifecycleBatchSize);
    }
    if (!problems.isEmpty()) {
      throw new CommandLine.ParameterException(spec.commandLine(), String.join("\n", problems));
    }

    List<String> adminKeys = new ArrayList<>();
    if (adminKey != null && !adminKey.isBlank()) {
      adminKeys.add(adminKey.strip());
    }
    if (demo) {
      adminKeys.add(DemoData.ADMIN_KEY);
    }
    DatabaseSettings db = new DatabaseSettings(dbUrl, dbUser, dbPassword, dataDir, dbPoolSize);
    TransportSettings transport =
        new TransportSettings(
            host,
            tls,
            (int) maxMessageSize,
            (int) maxMetadataSize,
            maxConcurrentCalls,
            keepaliveTime,
            keepaliveTimeout,
            permitKeepaliveTime,
            maxConnectionIdle);
    return ServerConfig.builder(db)
        .port(port)
        .adminKeys(adminKeys)
        .demo(demo)
        .testClock(testClock != null, clockStart)
        .runLifecycle(!noLifecycle)
        .lifecycleInterval(lifecycleInterval)
        .lifecycleBatchSize(lifecycleBatchSize)
        .autoRenewLead(autoRenewLead)
        .autoRenewRetryInterval(retryInterval)
        .retention(retention)
        .eventsPollInterval(eventsPollInterval)
        .metricsPort(metricsPort)
        .metricsHost(metricsHost)
        .transport(transport)
        .rateLimit(
            rateLimit == 0
                ? RateLimitSettings.OFF
                : new RateLimitSettings(rateLimit, rateLimitBurst))
        .dbQueryTimeout(dbQueryTimeout)
        .build();
  }

  private TransportSettings.Tls tls() {
    if (tlsCert == null && tlsKey == null) {
      if (tlsClientCa != null) {
        problem("--tls-client-ca", "mutual TLS needs TLS: give --tls-cert and --tls-key too");
      }
      return null;
    }
    if (tlsCert == null || tlsKey == null) {
      problem(
          tlsCert == null ? "--tls-cert" : "--tls-key",
          "--tls-cert and --tls-key go together: give both");
      return null;
    }
    boolean ok = checkCertificates("--tls-cert", tlsCert);
    ok &= checkPrivateKey("--tls-key", tlsKey);
    if (tlsClientCa != null) {
      ok &= checkCertificates("--tls-client-ca", tlsClientCa);
    }
    return ok ? new TransportSettings.Tls(tlsCert, tlsKey, tlsClientCa) : null;
  }

  private boolean checkCertificates(String flag, Path file) {
    if (!readable(flag, file)) {
      return false;
    }
    try (InputStream in = Files.newInputStream(file)) {
      if (CertificateFactory.getInstance("X.509").generateCertificates(in).isEmpty()) {
        problem(flag, "no certificate in " + file + " (expected PEM: -----BEGIN CERTIFICATE-----)");
        return false;
      }
      return true;
    } catch (IOException | CertificateException e) {
      problem(flag, file + " is not a PEM certificate file: " + e.getMessage());
      return false;
    }
  }

  private boolean checkPrivateKey(String flag, Path file) {
    if (!readable(flag, file)) {
      return false;
    }
    String pem;
    try {
      pem = Files.readString(file, StandardCharsets.US_ASCII);
    } catch (IOException | RuntimeException e) {
      problem(flag, file + " cannot be read: " + e.getMessage());
      return false;
    }
    if (pem.contains("-----BEGIN PRIVATE KEY-----")) {
      return true;
    }
    if (pem.contains("-----BEGIN RSA PRIVATE KEY-----")
        || pem.contains("-----BEGIN EC PRIVATE KEY-----")
        || pem.contains("-----BEGIN ENCRYPTED PRIVATE KEY-----")) {
      problem(
          flag,
          file
              + " must be an unencrypted PKCS#8 key (-----BEGIN PRIVATE KEY-----); convert with "
              + "'openssl pkcs8 -topk8 -nocrypt -in KEY -out KEY.pkcs8.pem'");
    } else {
      problem(flag, file + " is not a PEM private key (expected -----BEGIN PRIVATE KEY-----)");
    }
    return false;
  }

  private boolean readable(String flag, Path file) {
    if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
      problem(flag, "file " + file + " does not exist or is not readable");
      return false;
    }
    return true;
  }

  private void checkPort(String flag, int value) {
    if (value < 0 || value > 65535) {
      problem(flag, "must be 0..65535, got " + value);
    }
  }

  private void checkHost(String flag, String value) {
    if (value == null || value.isBlank()) {
      problem(flag, "must be an address such as 0.0.0.0 or 127.0.0.1");
      return;
    }
    try {
      InetAddress.getByName(value);
    } catch (UnknownHostException | RuntimeException e) {
      problem(
          flag,
          "'"
              + shorten(value)
              + "' is not an address of this machine's resolver (use an IP such as 127.0.0.1)");
    }
  }

  private void positive(String flag, Duration d) {
    if (d.isZero() || d.isNegative()) {
      problem(flag, "must be positive, got " + d);
    }
  }

  private void atLeast(String flag, Duration d, Duration min) {
    if (d.compareTo(min) < 0) {
      problem(
          flag,
          (min.isZero() ? "must be zero or positive" : "must be at least " + min.toSeconds() + "s")
              + ", got "
              + d);
    }
  }

  private static String shorten(String s) {
    return s.length() <= 80 ? s : s.substring(0, 77) + "...";
  }

  /** One line per setting: name, value (secrets masked) and where it came from. */
  private void printConfig(PrintWriter out) {
    CommandLine.ParseResult parsed = spec.commandLine().getParseResult();
    for (OptionSpec o : spec.options()) {
      String name = o.longestName();
      if (o.usageHelp()
          || o.versionHelp()
          || name.equals("--print-config")
          || name.equals("--config")) {
        continue;
      }
      Object value = o.getValue();
      String shown = value == null ? "" : SECRETS.contains(name) ? "***" : String.valueOf(value);
      if (value instanceof Enum<?> e) {
        shown = Logging.lower(e);
      } else if (value instanceof Duration d) {
        shown = DurationConverter.format(d);
      }
      out.println(ConfigSources.key(o) + " = " + shown + "    # " + sources.origin(name, parsed));
    }
    out.flush();
  }

  @Override
  public Integer call() throws Exception {
    ServerConfig config = toConfig();
    if (printConfig) {
      printConfig(spec.commandLine().getOut());
      return 0;
    }
    Logging.configure(logFormat, logLevel);
    if (adminKey != null && !adminKey.isBlank() && adminKey.strip().length() < 16) {
      log.warn(
          "--admin-key is shorter than 16 characters: use a long random key, e.g. openssl rand -hex 24");
    }
    if (config.testClock()) {
      log.warn(
          "TEST CLOCK: time stands still until TestClockService.AdvanceTime moves it. Never use in production.");
    }
    RenewalServer server;
    try {
      server = RenewalServer.create(config);
    } catch (com.cvmbilling.renewal.server.persistence.DataSources.StartupFailure e) {
      System.err.println("renewal-server: " + e.getMessage());
      return 1;
    }
    if (config.demo()) {
      DemoData.seed(server.injector());
      // The demo keys are fixed, public and documented (README); no real key is ever logged.
      log.info(
          "demo mode: tenant key '{}' (account {}), admin key '{}'",
          DemoData.TENANT_KEY,
          DemoData.ACCOUNT_ID,
          DemoData.ADMIN_KEY);
    }
    try {
      server.start();
    } catch (IOException | RuntimeException e) {
      server.close();
      throw e;
    }
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  log.info("shutting down");
                  server.close();
                },
                "shutdown"));
    System.out.println("renewal-server ready on port " + server.port());
    server.awaitTermination();
    return 0;
  }
}
