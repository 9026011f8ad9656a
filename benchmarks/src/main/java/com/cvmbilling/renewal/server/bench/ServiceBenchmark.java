package com.cvmbilling.renewal.server.bench;

import com.cvmbilling.renewal.server.domain.BillingCalendar;
import com.cvmbilling.renewal.server.testing.ServerProcess;
import com.cvmbilling.renewal.server.testing.TestDatabases;
import com.cvmbilling.renewal.v1.DescribeInstancesRequest;
import com.cvmbilling.renewal.v1.DescribeInstancesResponse;
import com.cvmbilling.renewal.v1.RenewFlag;
import com.cvmbilling.renewal.v1.RenewInstancesRequest;
import com.cvmbilling.renewal.v1.RenewalServiceGrpc;
import com.cvmbilling.renewal.v1.RenewalServiceGrpc.RenewalServiceBlockingStub;
import com.cvmbilling.renewal.v1.SetAutoRenewRequest;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.HdrHistogram.Histogram;

/**
 * The service benchmark (issue: "Benchmarks against the database ceiling"). Not a test: a harness
 * that prints figures. For each data size it
 *
 * <ol>
 *   <li>creates a fresh MariaDB database (RENEWAL_TEST_MARIADB_URL, default 127.0.0.1:3306 root);
 *   <li>starts the real server as a separate process ({@code java -Xmx256m -jar
 *       server/target/renewal-server.jar --no-lifecycle ...}, or {@code Main} from the class path
 *       when the jar is missing or {@code -Dbench.useJar=false});
 *   <li>bulk-loads N prepaid instances with JDBC batches (the columns the mapper writes): accounts
 *       of 100 instances each, plus one "big" account holding N/10 for the deep-page scenario;
 *   <li>runs each scenario with C concurrent callers over TCP (plain generated stubs) for a warm-up
 *       and a measured period, recording every successful call's latency in an HdrHistogram and
 *       counting failures by status code;
 *   <li>prints a table and the ratios against the targets.
 * </ol>
 *
 * Ceilings in the same run: {@code jdbc-renew-1}, exactly the SQL of one renewal transaction
 * ({@link RawJdbcRenewal}) at the same concurrency with a pool of the server's size, and {@code
 * grpc-health}, a bare unary call ({@code grpc.health.v1.Health/Check}) against the same server
 * process. Then the lifecycle job of a fresh server process drains M due instances (the data and
 * the exactly-once check of {@link LifecycleDrainBenchmark}).
 *
 * <pre>
 * mvn -B -ntp -pl benchmarks -am -DskipTests package exec:java@service-bench   # 10,000 instances, C=32
 * mvn -B -ntp -pl benchmarks -am -DskipTests package exec:java@service-bench -Dbench.instances=10000,1000000
 * </pre>
 *
 * Properties: bench.instances (comma list, default 10000; the lifecycle drain runs with the first),
 * bench.concurrency (32), bench.serverWarmupSeconds (20, before all scenarios), bench.minProbes (12
 * renew-1 warm-up probes of 5 s at least), bench.warmupSeconds (5, before each), bench.seconds
 * (20), bench.lifecycleInstances (100000; 0 = skip), bench.scenarios (comma list, default all),
 * bench.pageSize (100), bench.poolSize (16, the server's default), bench.xmx (256m), bench.jar,
 * bench.useJar (true), bench.jfr (false: record the server with JFR into target/bench-results/),
 * bench.out (also write the report there).
 */
public final class ServiceBenchmark {
  static final String ADMIN_KEY = "bench-admin-key";
  static final ZoneId ZONE = ZoneId.of("Asia/Shanghai");
  static final int PER_ACCOUNT = 100;
  static final Instant LIFECYCLE_DUE = Instant.parse("2027-03-01T00:00:00Z");

  /** Every scenario, in the order they run. */
  static final List<String> ALL_SCENARIOS =
      List.of(
          "grpc-health",
          "jdbc-renew-1",
          "renew-1",
          "jdbc-renew-1-token",
          "renew-1-token",
          "jdbc-renew-100",
          "renew-100",
          "set-auto-renew",
          "describe-first-page",
          "describe-deep-page");

  /** What warms the server up before the measured scenarios. */
  static final List<String> WARMUP_SCENARIOS =
      List.of(
          "renew-1",
          "renew-1-token",
          "renew-100",
          "set-auto-renew",
          "describe-first-page",
          "describe-deep-page");

  /** How a run is set up. */
  public record Options(
      List<Integer> sizes,
      int concurrency,
      Duration warmup,
      Duration measure,
      int lifecycleInstances,
      Set<String> scenarios,
      int pageSize,
      int poolSize,
      String xmx,
      boolean useJar,
      Path jar,
      boolean jfr,
      Duration serverWarmup) {

    /** Calls of the same kind for {@code length}, without warm-up, lifecycle or recording. */
    Options unmeasured(Duration length) {
      return new Options(
          sizes,
          concurrency,
          Duration.ZERO,
          length,
          0,
          Set.of(),
          pageSize,
          poolSize,
          xmx,
          useJar,
          jar,
          false,
          Duration.ZERO);
    }

    static Options fromSystemProperties() {
      List<Integer> sizes =
          Arrays.stream(System.getProperty("bench.instances", "10000").split(","))
              .map(String::strip)
              .map(Integer::parseInt)
              .toList();
      String scenarios = System.getProperty("bench.scenarios", "");
      return new Options(
          sizes,
          Integer.getInteger("bench.concurrency", 32),
          Duration.ofMillis(
              (long) (Double.parseDouble(System.getProperty("bench.warmupSeconds", "5")) * 1000)),
          Duration.ofMillis(
              (long) (Double.parseDouble(System.getProperty("bench.seconds", "20")) * 1000)),
          Integer.getInteger("bench.lifecycleInstances", 100_000),
          scenarios.isBlank()
              ? new LinkedHashSet<>(ALL_SCENARIOS)
              : new LinkedHashSet<>(
                  Arrays.stream(scenarios.split(",")).map(String::strip).toList()),
          Integer.getInteger("bench.pageSize", 100),
          Integer.getInteger("bench.poolSize", 16),
          System.getProperty("bench.xmx", "256m"),
          Boolean.parseBoolean(System.getProperty("bench.useJar", "true")),
          System.getProperty("bench.jar") == null ? null : Path.of(System.getProperty("bench.jar")),
          Boolean.getBoolean("bench.jfr"),
          Duration.ofMillis(
              (long)
                  (Double.parseDouble(System.getProperty("bench.serverWarmupSeconds", "20"))
                      * 1000)));
    }

    /** A few seconds in all: what the CI smoke test runs. */
    public static Options smoke() {
      return new Options(
          List.of(1_000),
          4,
          Duration.ofMillis(300),
          Duration.ofMillis(1_200),
          2_000,
          new LinkedHashSet<>(ALL_SCENARIOS),
          100,
          16,
          "256m",
          false,
          null,
          false,
          Duration.ofMillis(500));
    }
  }

  /**
   * One scenario's figures. Latency in microseconds, of successful calls. {@code errors}: failed
   * calls of the measured period by status code; {@code warmupErrors}: those of the warm-up; {@code
   * errorSamples}: the first description seen of each code.
   */
  public record Result(
      String name,
      int instancesPerCall,
      long calls,
      Map<String, Long> errors,
      double seconds,
      Histogram latency,
      Cpu cpu,
      Map<String, Long> warmupErrors,
      Map<String, String> errorSamples) {
    public long errorCount() {
      return errors.values().stream().mapToLong(Long::longValue).sum();
    }

    public double callsPerSecond() {
      return calls / seconds;
    }

    public double instancesPerSecond() {
      return calls * (double) instancesPerCall / seconds;
    }

    public double p50Ms() {
      return latency.getValueAtPercentile(50) / 1000.0;
    }

    public double p99Ms() {
      return latency.getValueAtPercentile(99) / 1000.0;
    }

    public double p999Ms() {
      return latency.getValueAtPercentile(99.9) / 1000.0;
    }
  }

  /**
   * CPU time used during the measured period by this JVM (the callers, and the raw-JDBC baseline),
   * the server process, the MariaDB server, and the whole machine (from /proc/stat; other
   * engineers' builds included), in seconds; -1 where unknown.
   */
  public record Cpu(
      double client, double server, double database, double machineBusy, double machineCapacity) {
    String perCall(long calls) {
      if (calls == 0) {
        return "";
      }
      return String.format(
          Locale.ROOT,
          "cpu ms/call: bench JVM %.2f, server %.2f, mariadbd %.2f; machine busy %.0f%%"
              + " of %d cores (bench+server+mariadbd %.0f%%)",
          client * 1000 / calls,
          server * 1000 / calls,
          database * 1000 / calls,
          100 * machineBusy / machineCapacity,
          Runtime.getRuntime().availableProcessors(),
          100 * (client + Math.max(0, server) + Math.max(0, database)) / machineCapacity);
    }
  }

  /** CPU seconds of a process so far, or -1. */
  static double cpuSeconds(long pid) {
    if (pid <= 0) {
      return -1;
    }
    return ProcessHandle.of(pid)
        .flatMap(p -> p.info().totalCpuDuration())
        .map(d -> d.toNanos() / 1e9)
        .orElse(-1.0);
  }

  /** The summed CPU seconds of these processes so far, or -1 if one of them is unknown. */
  static double cpuSeconds(List<Long> pids) {
    double sum = 0;
    for (long pid : pids) {
      double s = cpuSeconds(pid);
      if (s < 0) {
        return -1;
      }
      sum += s;
    }
    return sum;
  }

  /** The pid of the MariaDB server of the test databases ({@link #databasePid(String)}), or -1. */
  static long databasePid() {
    long pid = databasePid(TestDatabases.mariaDbBaseUrl());
    return pid > 0 ? pid : anySystemDatabasePid();
  }

  /**
   * The pid of the MariaDB server at this JDBC URL, from the pid file it names
   * ({@code @@pid_file}), or -1. Asking the server is exact where a process search is not: the
   * Galera nodes of other engineers' clusters are mariadbd processes without {@code --datadir} as
   * well.
   */
  static long databasePid(String jdbcUrl) {
    try (Connection c =
            DriverManager.getConnection(
                jdbcUrl, TestDatabases.mariaDbUser(), TestDatabases.mariaDbPassword());
        Statement s = c.createStatement();
        java.sql.ResultSet rs = s.executeQuery("SELECT @@pid_file")) {
      if (rs.next()) {
        Path file = Path.of(rs.getString(1));
        if (!file.isAbsolute()) {
          return -1; // relative to a data directory we do not know
        }
        return Long.parseLong(Files.readString(file).strip());
      }
    } catch (java.sql.SQLException | IOException | RuntimeException e) {
      // not readable by this user, or not MariaDB: no CPU figure
    }
    return -1;
  }

  /** A mariadbd without --datadir (the system one), or -1: when the pid file cannot be read. */
  private static long anySystemDatabasePid() {
    return ProcessHandle.allProcesses()
        .filter(
            p ->
                p.info()
                    .command()
                    .map(c -> c.endsWith("/mariadbd") || c.endsWith("/mysqld"))
                    .orElse(false))
        .filter(
            p ->
                p.info()
                    .arguments()
                    .map(a -> Arrays.stream(a).noneMatch(x -> x.startsWith("--datadir")))
                    .orElse(true))
        .mapToLong(ProcessHandle::pid)
        .findFirst()
        .orElse(-1);
  }

  /** Busy and total CPU seconds of the machine so far (/proc/stat), or {-1, -1}. */
  static double[] machineCpu() {
    try {
      String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
      long total = 0;
      for (int i = 1; i < Math.min(f.length, 9); i++) {
        total += Long.parseLong(f[i]);
      }
      long idle = Long.parseLong(f[4]) + Long.parseLong(f[5]);
      return new double[] {(total - idle) / 100.0, total / 100.0};
    } catch (IOException | RuntimeException e) {
      return new double[] {-1, -1};
    }
  }

  /** The lifecycle drain of one fresh server process. */
  public record LifecycleResult(
      int instances, double seconds, Map<String, Long> counts, boolean exactlyOnce) {
    public double instancesPerSecond() {
      return instances / seconds;
    }
  }

  /** Everything measured at one data size. */
  public record SizeReport(
      int instances,
      int accounts,
      double loadSeconds,
      Map<String, Result> results,
      LifecycleResult lifecycle,
      long serverPeakRssKb,
      boolean serverOutOfMemory) {}

  public static void main(String[] args) throws Exception {
    Options options = Options.fromSystemProperties();
    Path out = reportFile("service-bench");
    int exit = 0;
    try (PrintStream file =
        new PrintStream(Files.newOutputStream(out), true, StandardCharsets.UTF_8)) {
      PrintStream tee = tee(file);
      List<SizeReport> reports = run(options, tee);
      printSummary(options, reports, tee);
      tee.println("report written to " + out.toAbsolutePath());
      for (SizeReport r : reports) {
        if (r.lifecycle() != null && !r.lifecycle().exactlyOnce()) {
          exit = 1;
        }
      }
    }
    System.exit(exit);
  }

  /** {@code target/bench-results/<prefix>-<UTC time>.txt}, the directory created. */
  static Path reportFile(String prefix) throws IOException {
    Path outDir = Files.createDirectories(Path.of("target", "bench-results"));
    return outDir.resolve(
        prefix
            + "-"
            + DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")
                .format(LocalDateTime.now(ZoneOffset.UTC))
            + ".txt");
  }

  /** Standard output and the report file at once. */
  static PrintStream tee(PrintStream file) {
    return new PrintStream(new TeeStream(System.out, file), true, StandardCharsets.UTF_8);
  }

  public static List<SizeReport> run(Options options, PrintStream out) throws Exception {
    out.printf(
        Locale.ROOT,
        "service benchmark: sizes %s, C=%d, warm-up %s, measured %s per scenario, server -Xmx%s,"
            + " pool %d, %d cores, %s%n",
        options.sizes(),
        options.concurrency(),
        options.warmup(),
        options.measure(),
        options.xmx(),
        options.poolSize(),
        Runtime.getRuntime().availableProcessors(),
        Instant.now());
    List<SizeReport> reports = new ArrayList<>();
    for (int size : options.sizes()) {
      reports.add(runSize(options, size, out));
    }
    return reports;
  }

  // ---------------------------------------------------------------------------------------------
  // One data size

  private static SizeReport runSize(Options o, int size, PrintStream out) throws Exception {
    if (size < 1_000 || size % 1_000 != 0) {
      throw new IllegalArgumentException("bench.instances must be a multiple of 1000, got " + size);
    }
    Map<String, Result> results = new LinkedHashMap<>();
    long peakRss;
    boolean oom;
    Data data;
    double loadSeconds;
    try (TestDatabases.TestDatabase db = benchDatabase()) {
      out.printf(Locale.ROOT, "%n== %,d instances (database %s)%n", size, db.settings().url());
      try (ServerProcess server =
          startServer(o, "bench-api-" + size, db, List.of("--no-lifecycle"))) {
        long t0 = System.nanoTime();
        String loadUrl = db.settings().url() + "?rewriteBatchedStatements=true";
        data = load(loadUrl, size);
        loadSeconds = (System.nanoTime() - t0) / 1e9;
        out.printf(
            Locale.ROOT,
            "loaded %,d instances (%,d accounts of %d, one account of %,d) in %.1f s%n",
            size,
            data.accounts.size(),
            PER_ACCOUNT,
            data.bigIds.size(),
            loadSeconds);

        List<ManagedChannel> channels = new ArrayList<>();
        int channelCount = Math.max(1, o.concurrency() / 8);
        for (int i = 0; i < channelCount; i++) {
          channels.add(
              NettyChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build());
        }
        try (RawJdbcRenewal raw =
            new RawJdbcRenewal(
                db.settings().url(),
                TestDatabases.mariaDbUser(),
                TestDatabases.mariaDbPassword(),
                o.poolSize())) {
          String deepToken =
              o.scenarios().contains("describe-deep-page")
                  ? deepPageToken(channels.get(0), data, o)
                  : "";
          // Warm the server's JIT on every kind of call first (not measured), so that the first
          // measured scenario does not pay for compilation the later ones get for free.
          Options warm = o.unmeasured(o.serverWarmup().dividedBy(WARMUP_SCENARIOS.size()));
          for (String scenario : WARMUP_SCENARIOS) {
            if (!o.serverWarmup().isZero()) {
              runScenario(warm, scenario, data, channels, raw, deepToken, server.pid());
            }
          }
          out.printf(Locale.ROOT, "server warmed up for %s (not measured)%n", o.serverWarmup());
          warmUntilSteady(o, data, channels, raw, deepToken, server.pid(), out);
          for (String scenario : o.scenarios()) {
            Result r = runScenario(o, scenario, data, channels, raw, deepToken, server.pid());
            results.put(scenario, r);
            out.println(format(r));
            out.println("    " + r.cpu().perCall(r.calls()));
          }
        } finally {
          channels.forEach(ManagedChannel::shutdownNow);
        }
        peakRss = peakRssKb(server.pid());
        oom = server.output().contains("OutOfMemoryError");
      }
    }
    LifecycleResult lifecycle = null;
    if (o.lifecycleInstances() > 0
        && size == o.sizes().get(0)) { // once per run: it does not depend on N
      lifecycle = lifecycleDrain(o, out);
    }
    return new SizeReport(
        size, data.accounts.size(), loadSeconds, results, lifecycle, peakRss, oom);
  }

  /**
   * A fixed warm-up is not enough on a small, busy machine: the JIT was still compiling the renewal
   * path when the first renewal scenario was measured (measured 2026-12-05: the same scenario cost
   * the server 3.9 ms of CPU per call measured first and 1.3 ms measured second). So after the
   * fixed warm-up, {@code renew-1} runs in 5 s probes (not measured) for at least {@code
   * bench.minProbes} probes (12, one minute: in the quiet run of 2026-12-05 21:49 the stopping rule
   * alone ended after three probes at 2.5 to 2.7 ms while the measured scenario then cost 1.25 ms,
   * so C2 was still compiling) and then until the server's CPU per call has stopped falling (at
   * most twice the minimum).
   */
  private static void warmUntilSteady(
      Options o,
      Data data,
      List<ManagedChannel> channels,
      RawJdbcRenewal raw,
      String deepToken,
      long serverPid,
      PrintStream out)
      throws Exception {
    if (o.serverWarmup().isZero()) {
      return;
    }
    Options probe = o.unmeasured(Duration.ofSeconds(5));
    // Compilation comes in plateaus (two probes can agree while the JIT is still busy), so: at
    // least the minimum, and stop once the last two are both within 10% of the cheapest so far.
    int minProbes = Math.max(3, Integer.getInteger("bench.minProbes", 12));
    double best = Double.MAX_VALUE;
    int nearBest = 0;
    for (int i = 1; i <= 2 * minProbes; i++) {
      Result r = runScenario(probe, "renew-1", data, channels, raw, deepToken, serverPid);
      double serverMsPerCall =
          r.calls() == 0 ? Double.MAX_VALUE : r.cpu().server() * 1000 / r.calls();
      out.printf(
          Locale.ROOT,
          "warm-up probe %d: renew-1 %.0f calls/s, server %.2f ms CPU/call%n",
          i,
          r.calls() / r.seconds(),
          serverMsPerCall);
      best = Math.min(best, serverMsPerCall);
      nearBest = serverMsPerCall <= 1.1 * best ? nearBest + 1 : 0;
      if (i >= minProbes && nearBest >= 2) {
        return;
      }
    }
  }

  /**
   * A fresh database named {@code renewal_bench_*}, dropped at the end. Not {@code renewal_test_*}:
   * {@code .ci/run} drops those at its start, and another CI run on the same machine must not pull
   * the database from under a benchmark.
   */
  static TestDatabases.TestDatabase benchDatabase() throws java.sql.SQLException {
    return benchDatabase(TestDatabases.mariaDbBaseUrl());
  }

  /** The same on the server at {@code base} (a URL ending in "/"), e.g. a Galera node. */
  static TestDatabases.TestDatabase benchDatabase(String base) throws java.sql.SQLException {
    String name = "renewal_bench_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    try (Connection c =
            DriverManager.getConnection(
                base, TestDatabases.mariaDbUser(), TestDatabases.mariaDbPassword());
        Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + name + " CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci");
    }
    com.cvmbilling.renewal.server.persistence.DatabaseSettings settings =
        new com.cvmbilling.renewal.server.persistence.DatabaseSettings(
            base + name,
            TestDatabases.mariaDbUser(),
            TestDatabases.mariaDbPassword(),
            Path.of("target"),
            16);
    return new TestDatabases.TestDatabase() {
      @Override
      public com.cvmbilling.renewal.server.persistence.DatabaseSettings settings() {
        return settings;
      }

      @Override
      public String kind() {
        return "MARIADB";
      }

      @Override
      public void close() {
        try (Connection c =
                DriverManager.getConnection(
                    base, TestDatabases.mariaDbUser(), TestDatabases.mariaDbPassword());
            Statement s = c.createStatement()) {
          s.execute("DROP DATABASE IF EXISTS " + name);
        } catch (java.sql.SQLException e) {
          throw new IllegalStateException("could not drop " + name, e);
        }
      }
    };
  }

  static ServerProcess startServer(
      Options o, String name, TestDatabases.TestDatabase db, List<String> extra)
      throws IOException {
    return startServer(o, name, db.settings().url(), extra);
  }

  /** The server process on the database at {@code dbUrl} (a replica names its own node). */
  static ServerProcess startServer(Options o, String name, String dbUrl, List<String> extra)
      throws IOException {
    List<String> jvm = new ArrayList<>(List.of("-Xmx" + o.xmx()));
    if (o.jfr()) {
      Path jfr =
          Files.createDirectories(Path.of("target", "bench-results"))
              .toAbsolutePath()
              .resolve(name + ".jfr");
      jvm.add("-XX:StartFlightRecording=filename=" + jfr + ",settings=profile,dumponexit=true");
    }
    List<String> args =
        new ArrayList<>(
            List.of(
                "--port",
                "0",
                "--db-url",
                dbUrl,
                "--db-pool-size",
                Integer.toString(o.poolSize()),
                "--admin-key",
                ADMIN_KEY,
                // The per-account rate limit would measure the limiter, not the service.
                "--rate-limit",
                "0"));
    args.addAll(extra);
    Map<String, String> env =
        Map.of(
            "RENEWAL_DB_USER",
            TestDatabases.mariaDbUser(),
            "RENEWAL_DB_PASSWORD",
            TestDatabases.mariaDbPassword());
    Path jar = o.jar() != null ? o.jar() : findJar();
    if (o.useJar() && jar != null && Files.exists(jar)) {
      return ServerProcess.startJar(name, jar, jvm, args, env);
    }
    return ServerProcess.start(name, jvm, args, env);
  }

  private static Path findJar() {
    for (String candidate :
        List.of("server/target/renewal-server.jar", "target/renewal-server.jar")) {
      Path p = Path.of(candidate);
      if (Files.exists(p)) {
        return p;
      }
    }
    return null;
  }

  /** Peak resident set of a process, from /proc (Linux), or -1. */
  static long peakRssKb(long pid) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
        if (line.startsWith("VmHWM:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux, or gone
    }
    return -1;
  }

  // ---------------------------------------------------------------------------------------------
  // Data

  /**
   * What was loaded: accounts of exactly 100 instances (with their tenant keys), and the big one.
   */
  static final class Data {
    final List<String> accounts = new ArrayList<>();
    final List<String> keys = new ArrayList<>();
    String bigAccount;
    String bigKey;
    final List<String> bigIds = new ArrayList<>();

    String instanceId(int account, int k) {
      return id(account * PER_ACCOUNT + k);
    }

    int instanceCount() {
      return accounts.size() * PER_ACCOUNT;
    }
  }

  static String id(int n) {
    String digits = Integer.toString(n, 36);
    return "ins-" + "0".repeat(8 - digits.length()) + digits;
  }

  /**
   * JDBC batch inserts with the columns {@code InstanceMapper.insert} writes (and {@code api_key}
   * rows as {@code ApiKeyService} stores them: the SHA-256 of the key). Prepaid, RUNNING, S5.SMALL2
   * with 1 Mbps (60.00 CNY a month), expiring between 1 and 12 months from now at 00:00 in
   * Asia/Shanghai, manual renewal; every balance far above what a run can spend.
   */
  static Data load(String url, int size) throws Exception {
    Data data = new Data();
    int big = size / 10;
    int accounts = (size - big) / PER_ACCOUNT;
    long now = System.currentTimeMillis();
    LocalDateTime firstExpiry = LocalDateTime.now(ZONE).toLocalDate().plusMonths(1).atStartOfDay();
    try (Connection c =
        DriverManager.getConnection(
            url, TestDatabases.mariaDbUser(), TestDatabases.mariaDbPassword())) {
      c.setAutoCommit(false);
      try (PreparedStatement a =
              c.prepareStatement(
                  "INSERT INTO account (account_id, display_name, balance_fen, billing_time_zone, created_time_ms)"
                      + " VALUES (?,?,?,?,?)");
          PreparedStatement k =
              c.prepareStatement(
                  "INSERT INTO api_key (key_hash, key_prefix, account_id, is_admin, created_time_ms) VALUES (?,?,?,?,?)")) {
        for (int i = 0; i <= accounts; i++) {
          boolean isBig = i == accounts;
          String accountId = String.format("acc-%08d", i);
          String key = "bench-" + accountId + "-" + UUID.randomUUID();
          a.setString(1, accountId);
          a.setString(2, isBig ? "bench big" : "bench " + i);
          a.setLong(3, 1_000_000_000_000_000L);
          a.setString(4, ZONE.getId());
          a.setLong(5, now);
          a.addBatch();
          k.setString(1, RawJdbcRenewal.sha256(key));
          k.setString(2, key.substring(0, 6));
          k.setString(3, accountId);
          k.setBoolean(4, false);
          k.setLong(5, now);
          k.addBatch();
          if (isBig) {
            data.bigAccount = accountId;
            data.bigKey = key;
          } else {
            data.accounts.add(accountId);
            data.keys.add(key);
          }
        }
        a.executeBatch();
        k.executeBatch();
      }
      c.commit();
      try (PreparedStatement p =
          c.prepareStatement(
              "INSERT INTO instance (instance_id, account_id, instance_type, charge_type, state, created_time_ms,"
                  + " expired_time_ms, expiry_anchor_day, isolated_time_ms, released_time_ms, renew_flag,"
                  + " auto_renew_period_months, bandwidth_mbps, version, next_due_ms)"
                  + " VALUES (?,?,'S5.SMALL2','PREPAID','RUNNING',?,?,?,NULL,NULL,'NOTIFY_AND_MANUAL_RENEW',1,1,1,?)")) {
        for (int n = 0; n < size; n++) {
          boolean isBig = n >= accounts * PER_ACCOUNT;
          String accountId = isBig ? data.bigAccount : data.accounts.get(n / PER_ACCOUNT);
          Instant expiry = firstExpiry.plusDays(n % 330).atZone(ZONE).toInstant();
          p.setString(1, id(n));
          p.setString(2, accountId);
          p.setLong(3, now);
          p.setLong(4, expiry.toEpochMilli());
          p.setInt(5, BillingCalendar.anchorDayOf(expiry, ZONE));
          p.setLong(6, expiry.minus(Duration.ofDays(7)).toEpochMilli());
          p.addBatch();
          if (isBig) {
            data.bigIds.add(id(n));
          }
          if (n % 10_000 == 9_999) {
            p.executeBatch();
            c.commit();
          }
        }
        p.executeBatch();
      }
      c.commit();
      try (Statement s = c.createStatement()) {
        s.execute("ANALYZE TABLE instance, account, api_key");
      }
    }
    return data;
  }

  /**
   * Follows page tokens through the big account to its last full page; returns that page's token.
   */
  static String deepPageToken(ManagedChannel channel, Data data, Options o) {
    RenewalServiceBlockingStub tenant = tenant(channel, data.bigKey);
    int pages = data.bigIds.size() / o.pageSize();
    String token = "";
    for (int p = 1; p < pages; p++) {
      DescribeInstancesResponse page =
          tenant.describeInstances(
              DescribeInstancesRequest.newBuilder()
                  .setPageSize(o.pageSize())
                  .setPageToken(token)
                  .build());
      token = page.getNextPageToken();
    }
    return token;
  }

  static RenewalServiceBlockingStub tenant(ManagedChannel channel, String key) {
    Metadata md = new Metadata();
    md.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + key);
    return RenewalServiceGrpc.newBlockingStub(channel)
        .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(md));
  }

  // ---------------------------------------------------------------------------------------------
  // Scenarios

  @FunctionalInterface
  interface Call {
    void run() throws Exception;
  }

  private static Result runScenario(
      Options o,
      String scenario,
      Data data,
      List<ManagedChannel> channels,
      RawJdbcRenewal raw,
      String deepToken,
      long serverPid)
      throws Exception {
    int accounts = data.accounts.size();
    List<List<RenewalServiceBlockingStub>> stubs = new ArrayList<>();
    for (ManagedChannel ch : channels) {
      stubs.add(tenantStubs(ch, data));
    }
    AtomicIntegerArray flips = new AtomicIntegerArray(data.instanceCount());
    int perCall =
        switch (scenario) {
          case "renew-100", "jdbc-renew-100" -> PER_ACCOUNT;
          case "describe-first-page", "describe-deep-page", "grpc-health" -> 1;
          default -> 1;
        };
    return measure(
        o,
        scenario,
        perCall,
        serverPid,
        worker -> {
          ManagedChannel ch = channels.get(worker % channels.size());
          List<RenewalServiceBlockingStub> mine = stubs.get(worker % channels.size());
          RenewalServiceBlockingStub big = tenant(ch, data.bigKey);
          HealthGrpc.HealthBlockingStub health = HealthGrpc.newBlockingStub(ch);
          ThreadLocalRandom r = ThreadLocalRandom.current();
          return switch (scenario) {
            case "grpc-health" -> () -> health.check(HealthCheckRequest.getDefaultInstance());
            case "jdbc-renew-1" ->
                () -> {
                  int a = r.nextInt(accounts);
                  raw.renew(
                      data.accounts.get(a),
                      List.of(data.instanceId(a, r.nextInt(PER_ACCOUNT))),
                      1,
                      null);
                };
            case "jdbc-renew-1-token" ->
                () -> {
                  int a = r.nextInt(accounts);
                  raw.renew(
                      data.accounts.get(a),
                      List.of(data.instanceId(a, r.nextInt(PER_ACCOUNT))),
                      1,
                      UUID.randomUUID().toString());
                };
            case "jdbc-renew-100" ->
                () -> {
                  int a = r.nextInt(accounts);
                  raw.renew(data.accounts.get(a), allOf(data, a), 1, null);
                };
            case "renew-1" -> renewOne(mine, data);
            case "renew-1-token" ->
                () -> {
                  int a = r.nextInt(accounts);
                  mine.get(a)
                      .renewInstances(
                          RenewInstancesRequest.newBuilder()
                              .addInstanceIds(data.instanceId(a, r.nextInt(PER_ACCOUNT)))
                              .setPeriodMonths(1)
                              .setClientToken(UUID.randomUUID().toString())
                              .build());
                };
            case "renew-100" ->
                () -> {
                  int a = r.nextInt(accounts);
                  mine.get(a)
                      .renewInstances(
                          RenewInstancesRequest.newBuilder()
                              .addAllInstanceIds(allOf(data, a))
                              .setPeriodMonths(1)
                              .build());
                };
            case "set-auto-renew" ->
                () -> {
                  int a = r.nextInt(accounts);
                  int k = r.nextInt(PER_ACCOUNT);
                  // Alternate each instance's flag so that every call changes a row and writes an
                  // event.
                  boolean on = flips.getAndIncrement(a * PER_ACCOUNT + k) % 2 == 0;
                  mine.get(a)
                      .setAutoRenew(
                          SetAutoRenewRequest.newBuilder()
                              .addInstanceIds(data.instanceId(a, k))
                              .setRenewFlag(
                                  on
                                      ? RenewFlag.NOTIFY_AND_AUTO_RENEW
                                      : RenewFlag.NOTIFY_AND_MANUAL_RENEW)
                              .build());
                };
            case "describe-first-page" ->
                () ->
                    big.describeInstances(
                        DescribeInstancesRequest.newBuilder().setPageSize(o.pageSize()).build());
            case "describe-deep-page" ->
                () ->
                    big.describeInstances(
                        DescribeInstancesRequest.newBuilder()
                            .setPageSize(o.pageSize())
                            .setPageToken(deepToken)
                            .build());
            default ->
                throw new IllegalArgumentException(
                    "unknown scenario " + scenario + "; known: " + ALL_SCENARIOS);
          };
        });
  }

  /** Per account of {@code data}, one stub with its key (cheap, immutable and thread-safe). */
  static List<RenewalServiceBlockingStub> tenantStubs(ManagedChannel channel, Data data) {
    List<RenewalServiceBlockingStub> perAccount = new ArrayList<>(data.keys.size());
    for (String key : data.keys) {
      perAccount.add(tenant(channel, key));
    }
    return perAccount;
  }

  /**
   * The {@code renew-1} call: {@code RenewInstances} of 1 random instance of a random account, 1
   * month, no client token.
   */
  static Call renewOne(List<RenewalServiceBlockingStub> perAccount, Data data) {
    return () -> {
      ThreadLocalRandom r = ThreadLocalRandom.current();
      int a = r.nextInt(perAccount.size());
      perAccount
          .get(a)
          .renewInstances(
              RenewInstancesRequest.newBuilder()
                  .addInstanceIds(data.instanceId(a, r.nextInt(PER_ACCOUNT)))
                  .setPeriodMonths(1)
                  .build());
    };
  }

  private static List<String> allOf(Data data, int account) {
    List<String> ids = new ArrayList<>(PER_ACCOUNT);
    for (int k = 0; k < PER_ACCOUNT; k++) {
      ids.add(data.instanceId(account, k));
    }
    return ids;
  }

  /** C threads call {@code factory.apply(worker)} in a loop: warm-up, then the measured period. */
  static Result measure(
      Options o,
      String name,
      int perCall,
      long serverPid,
      java.util.function.IntFunction<Call> factory)
      throws InterruptedException {
    return measure(
        o, name, perCall, List.of(serverPid), List.of(databasePid()), Window.NONE, factory);
  }

  /**
   * Called as the measured period opens and as it closes (e.g. to read counters of the servers or
   * the database at the same instants as the CPU figures).
   */
  interface Window {
    Window NONE = new Window() {};

    default void opened() {}

    default void closed() {}
  }

  /**
   * The same over several server and database processes (replicas, cluster nodes): their CPU is
   * summed. Failures during the warm-up are not measured but kept apart ({@link
   * Result#warmupErrors}): an error that reaches a client counts wherever it happens.
   */
  static Result measure(
      Options o,
      String name,
      int perCall,
      List<Long> serverPids,
      List<Long> databasePids,
      Window window,
      java.util.function.IntFunction<Call> factory)
      throws InterruptedException {
    int threads = o.concurrency();
    long start = System.nanoTime();
    long measureFrom = start + o.warmup().toNanos();
    long end = measureFrom + o.measure().toNanos();
    Histogram[] histograms = new Histogram[threads];
    Map<String, AtomicLong> errors = new ConcurrentHashMap<>();
    Map<String, AtomicLong> warmupErrors = new ConcurrentHashMap<>();
    Map<String, String> samples = new ConcurrentHashMap<>();
    AtomicLong calls = new AtomicLong();
    List<Thread> workers = new ArrayList<>();
    for (int w = 0; w < threads; w++) {
      int worker = w;
      histograms[w] = new Histogram(TimeUnit.MINUTES.toMicros(10), 3);
      Thread t =
          new Thread(
              () -> {
                Call call = factory.apply(worker);
                Histogram h = histograms[worker];
                while (true) {
                  long t0 = System.nanoTime();
                  if (t0 >= end) {
                    return;
                  }
                  String failure = null;
                  String detail = null;
                  try {
                    call.run();
                  } catch (StatusRuntimeException e) {
                    failure = e.getStatus().getCode().name();
                    detail = e.getStatus().getDescription();
                  } catch (Exception e) {
                    failure = e.getClass().getSimpleName();
                    detail = e.getMessage();
                  }
                  long t1 = System.nanoTime();
                  if (failure != null) {
                    samples.putIfAbsent(failure, String.valueOf(detail));
                  }
                  if (t0 >= measureFrom && t1 <= end) {
                    if (failure == null) {
                      h.recordValue(Math.min((t1 - t0) / 1000, h.getHighestTrackableValue()));
                      calls.incrementAndGet();
                    } else {
                      errors.computeIfAbsent(failure, x -> new AtomicLong()).incrementAndGet();
                    }
                  } else if (failure != null) {
                    warmupErrors.computeIfAbsent(failure, x -> new AtomicLong()).incrementAndGet();
                  }
                }
              },
              "bench-" + name + "-" + w);
      t.start();
      workers.add(t);
    }
    long self = ProcessHandle.current().pid();
    sleepUntil(measureFrom);
    double[] c0 = {cpuSeconds(self), cpuSeconds(serverPids), cpuSeconds(databasePids)};
    double[] m0 = machineCpu();
    // After the CPU sample: what the window reads may take a moment on a busy machine.
    window.opened();
    sleepUntil(end);
    double[] c1 = {cpuSeconds(self), cpuSeconds(serverPids), cpuSeconds(databasePids)};
    double[] m1 = machineCpu();
    window.closed();
    Cpu cpu =
        new Cpu(
            c1[0] - c0[0],
            c0[1] < 0 || c1[1] < 0 ? -1 : c1[1] - c0[1],
            c0[2] < 0 || c1[2] < 0 ? -1 : c1[2] - c0[2],
            m1[0] - m0[0],
            m1[1] - m0[1]);
    for (Thread t : workers) {
      t.join();
    }
    Histogram all = new Histogram(TimeUnit.MINUTES.toMicros(10), 3);
    for (Histogram h : histograms) {
      all.add(h);
    }
    return new Result(
        name,
        perCall,
        calls.get(),
        snapshot(errors),
        o.measure().toNanos() / 1e9,
        all,
        cpu,
        snapshot(warmupErrors),
        new TreeMap<>(samples));
  }

  private static Map<String, Long> snapshot(Map<String, AtomicLong> counters) {
    Map<String, Long> counts = new TreeMap<>();
    counters.forEach((k, v) -> counts.put(k, v.get()));
    return counts;
  }

  private static void sleepUntil(long nanoTime) throws InterruptedException {
    long wait = nanoTime - System.nanoTime();
    if (wait > 0) {
      TimeUnit.NANOSECONDS.sleep(wait);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Lifecycle drain: a fresh server process (its job on, at a test clock frozen at the due instant)

  private static final Pattern STEPS = Pattern.compile("lifecycle job: (\\d+) steps");

  static LifecycleResult lifecycleDrain(Options o, PrintStream out) throws Exception {
    int n = o.lifecycleInstances();
    try (TestDatabases.TestDatabase db = benchDatabase()) {
      // Create the schema with a server that does not run the job, then load, then start the
      // runner.
      startServer(o, "bench-migrate", db, List.of("--no-lifecycle")).close();
      String url = db.settings().url() + "?rewriteBatchedStatements=true";
      long t0 = System.nanoTime();
      LifecycleDrainBenchmark.load(url, n, 100, LIFECYCLE_DUE);
      out.printf(
          Locale.ROOT,
          "lifecycle: loaded %,d due instances over 100 accounts in %.1f s%n",
          n,
          (System.nanoTime() - t0) / 1e9);
      double seconds;
      try (ServerProcess runner =
          startServer(
              o,
              "bench-lifecycle",
              db,
              List.of("--test-clock=" + LIFECYCLE_DUE, "--lifecycle-interval", "1s"))) {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
        String log = "";
        Matcher m = null;
        while (System.nanoTime() < deadline) {
          log = runner.output();
          m = STEPS.matcher(log);
          if (m.find()) {
            break;
          }
          m = null;
          Thread.sleep(20);
        }
        if (m == null) {
          throw new IllegalStateException("the lifecycle job did not finish within 10 minutes");
        }
        // The job's first run starts as the server starts listening and drains everything due, then
        // logs its steps: the time between those two log lines.
        seconds =
            Duration.between(logTime(log, "renewal server listening"), logTime(log, m.group()))
                    .toMillis()
                / 1000.0;
      }
      Map<String, Long> counts = LifecycleDrainBenchmark.counts(url);
      boolean exact = LifecycleDrainBenchmark.exactlyOnce(counts, n);
      LifecycleResult r = new LifecycleResult(n, seconds, counts, exact);
      out.printf(
          Locale.ROOT,
          "lifecycle drain: %,d due instances in %.2f s (from the server's 'listening' log"
              + " line to the job's 'steps' line) = %,.0f instances/s; %s; exactly once: %s%n",
          n,
          seconds,
          r.instancesPerSecond(),
          counts,
          exact ? "OK" : "VIOLATED");
      return r;
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Output

  static String header() {
    return String.format(
        Locale.ROOT,
        "%-20s %9s %7s %10s %11s %8s %8s %8s  %s",
        "scenario",
        "calls",
        "errors",
        "calls/s",
        "instances/s",
        "p50 ms",
        "p99 ms",
        "p999 ms",
        "error codes");
  }

  static String format(Result r) {
    return String.format(
        Locale.ROOT,
        "%-20s %9d %7d %10.1f %11.1f %8.2f %8.2f %8.2f  %s",
        r.name(),
        r.calls(),
        r.errorCount(),
        r.callsPerSecond(),
        r.instancesPerSecond(),
        r.p50Ms(),
        r.p99Ms(),
        r.p999Ms(),
        r.errors().isEmpty() ? "" : r.errors());
  }

  static void printSummary(Options o, List<SizeReport> reports, PrintStream out) {
    out.println();
    out.println("== summary (" + Instant.now() + ")");
    for (SizeReport s : reports) {
      out.printf(
          Locale.ROOT,
          "%n%,d instances, %,d accounts (+1 big), C=%d, load %.1f s, server peak RSS %,d kB"
              + " with -Xmx%s, OutOfMemoryError: %s%n",
          s.instances(),
          s.accounts(),
          o.concurrency(),
          s.loadSeconds(),
          s.serverPeakRssKb(),
          o.xmx(),
          s.serverOutOfMemory() ? "YES" : "none");
      out.println(header());
      s.results().values().forEach(r -> out.println(format(r)));
      out.println("CPU during each measured period:");
      s.results()
          .values()
          .forEach(
              r -> out.printf(Locale.ROOT, "  %-20s %s%n", r.name(), r.cpu().perCall(r.calls())));
      Map<String, Result> r = s.results();
      out.println("targets (issue #13):");
      ratio(
          out,
          "RenewInstances 1/call vs raw-JDBC baseline (calls/s)",
          r.get("renew-1"),
          r.get("jdbc-renew-1"),
          x -> x.callsPerSecond(),
          ">=",
          0.80);
      ratio(
          out,
          "  same with client_token (idempotency marker)",
          r.get("renew-1-token"),
          r.get("jdbc-renew-1-token"),
          x -> x.callsPerSecond(),
          ">=",
          0.75);
      ratio(
          out,
          "RenewInstances 100/call vs 1/call (instances/s)",
          r.get("renew-100"),
          r.get("renew-1"),
          x -> x.instancesPerSecond(),
          ">=",
          20);
      ratio(
          out,
          "RenewInstances 100/call vs raw-JDBC 100/call (calls/s)",
          r.get("renew-100"),
          r.get("jdbc-renew-100"),
          x -> x.callsPerSecond(),
          ">=",
          0.90);
      ratio(
          out,
          "server CPU per renew-1 call vs per grpc-health call",
          r.get("renew-1"),
          r.get("grpc-health"),
          x -> x.calls() == 0 ? Double.NaN : x.cpu().server() / x.calls(),
          "<=",
          4);
      ratio(
          out,
          "deep page vs first page (p50 latency)",
          r.get("describe-deep-page"),
          r.get("describe-first-page"),
          x -> x.p50Ms(),
          "<=",
          1.5);
      ratio(
          out,
          "  deep page vs first page (p99 latency, informative)",
          r.get("describe-deep-page"),
          r.get("describe-first-page"),
          x -> x.p99Ms(),
          "<=",
          Double.NaN);
      ratio(
          out,
          "RenewInstances 1/call vs bare gRPC health call (calls/s, informative)",
          r.get("renew-1"),
          r.get("grpc-health"),
          x -> x.callsPerSecond(),
          ">=",
          Double.NaN);
      if (s.lifecycle() != null) {
        out.printf(
            Locale.ROOT,
            "lifecycle drain of %,d due instances: %.2f s, %,.0f instances/s (target >= 10,000: %s),"
                + " exactly once: %s%n",
            s.lifecycle().instances(),
            s.lifecycle().seconds(),
            s.lifecycle().instancesPerSecond(),
            s.lifecycle().instancesPerSecond() >= 10_000 ? "MET" : "MISSED",
            s.lifecycle().exactlyOnce() ? "OK" : "VIOLATED");
      }
    }
    if (reports.size() > 1) {
      SizeReport first = reports.get(0);
      SizeReport last = reports.get(reports.size() - 1);
      out.println();
      ratio(
          out,
          String.format(
              Locale.ROOT,
              "RenewInstances 1/call p50 at %,d vs %,d instances",
              last.instances(),
              first.instances()),
          last.results().get("renew-1"),
          first.results().get("renew-1"),
          x -> x.p50Ms(),
          "<=",
          1.3);
    }
  }

  private static void ratio(
      PrintStream out,
      String what,
      Result a,
      Result b,
      java.util.function.ToDoubleFunction<Result> metric,
      String op,
      double target) {
    if (a == null || b == null) {
      return;
    }
    double value = metric.applyAsDouble(a) / metric.applyAsDouble(b);
    String verdict =
        Double.isNaN(target)
            ? ""
            : (op.equals(">=") ? value >= target : value <= target)
                ? "  MET (target " + op + " " + target + ")"
                : "  MISSED (target " + op + " " + target + ")";
    out.printf(Locale.ROOT, "  %-72s %8.3f%s%n", what, value, verdict);
  }

  /** Writes to two streams. */
  static final class TeeStream extends java.io.OutputStream {
    private final java.io.OutputStream a;
    private final java.io.OutputStream b;

    TeeStream(java.io.OutputStream a, java.io.OutputStream b) {
      this.a = a;
      this.b = b;
    }

    @Override
    public void write(int c) throws IOException {
      a.write(c);
      b.write(c);
    }

    @Override
    public void write(byte[] buf, int off, int len) throws IOException {
      a.write(buf, off, len);
      b.write(buf, off, len);
    }

    @Override
    public void flush() throws IOException {
      a.flush();
      b.flush();
    }
  }

  /** The timestamp at the start of the first log line that contains {@code text}. */
  static Instant logTime(String log, String text) {
    for (String line : log.split("\n")) {
      if (line.contains(text)) {
        return Instant.parse(line.substring(0, line.indexOf(' ')));
      }
    }
    throw new IllegalStateException("no log line with '" + text + "'");
  }

  private ServiceBenchmark() {}
}
