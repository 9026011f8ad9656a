package com.cvmbilling.renewal.server.bench;

import com.cvmbilling.renewal.server.bench.ServiceBenchmark.Cpu;
import com.cvmbilling.renewal.server.bench.ServiceBenchmark.Data;
import com.cvmbilling.renewal.server.bench.ServiceBenchmark.LifecycleResult;
import com.cvmbilling.renewal.server.bench.ServiceBenchmark.Options;
import com.cvmbilling.renewal.server.bench.ServiceBenchmark.Result;
import com.cvmbilling.renewal.server.testing.ServerProcess;
import com.cvmbilling.renewal.server.testing.TestDatabases;
import com.cvmbilling.renewal.v1.RenewalServiceGrpc.RenewalServiceBlockingStub;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Issue #9 point 7: the service on a 3-node MariaDB Galera cluster against the single MariaDB
 * server, in one run on this machine. Not a test: a harness that prints figures.
 *
 * <ol>
 *   <li><b>single</b>: a fresh database on the MariaDB at 127.0.0.1:3306
 *       (RENEWAL_TEST_MARIADB_URL), three server replicas on it; {@code RenewInstances} of 1 random
 *       instance, C callers spread over the replicas, warm-up then the measured period: calls/s,
 *       p50/p99, every error status, the servers' conflict re-runs; then (unless {@code
 *       bench.singleDrain=false}) the lifecycle drain below on the same server, for the drain's
 *       ratio;
 *   <li><b>cluster</b>: a Galera cluster of the benchmark's own ({@code deploy/galera/cluster.sh},
 *       own directory and ports), one replica per node, started together; the same load and
 *       figures, plus Galera's counters (certification failures, brute-force aborts, flow control)
 *       over the measured period;
 *   <li>the lifecycle drain on the cluster: M instances ({@link LifecycleDrainBenchmark}'s mix)
 *       queued for later, three replicas with the job on (test clock frozen at the due instant, one
 *       per node), then one commit makes all M due at once; from that commit to the last replica's
 *       "lifecycle job: N steps" log line once nothing is due, and the drain benchmark's
 *       exactly-once check;
 *   <li>a table with the ratios cluster/single; the cluster destroyed, the databases dropped and
 *       the servers stopped at the end, also on failure or Ctrl-C.
 * </ol>
 *
 * <pre>
 * mvn -B -ntp -pl benchmarks -am -DskipTests package exec:java@cluster-bench
 * mvn -B -ntp -pl benchmarks -am -DskipTests package exec:java@cluster-bench -Dbench.seconds=5 -Dbench.warmupSeconds=10 -Dbench.clusterDrainInstances=2000
 * </pre>
 *
 * Properties (defaults): bench.callers (48, i.e. 16 per replica), bench.warmupSeconds (60),
 * bench.seconds (60), bench.instances (10000: 90 accounts of 100 instances, the service benchmark's
 * data), bench.clusterDrainInstances (100000; 0 = no drain), bench.singleDrain (true),
 * bench.targets (single,cluster), bench.replicas (3, also the number of nodes), bench.galeraDir
 * (/tmp/renewal-bench-galera: the mysql user must be able to write it), bench.galeraBasePort (3361:
 * SQL 3361-3363, gmcast 4621-4623, IST 4631-4633, SST 4641-4643, clear of the clusters of base 3311
 * to 3330 whose derived ports reach 4612), bench.galeraScript (deploy/galera/cluster.sh),
 * bench.lifecycleInterval (500ms), bench.poolSize (16), bench.xmx (256m), bench.jar, bench.useJar
 * (true), bench.jfr (false).
 */
public final class ClusterBenchmark {
  private static final Pattern LOAD_AVERAGE = Pattern.compile("^(\\S+ \\S+ \\S+)");
  private static final Pattern STEPS = Pattern.compile("^(\\S+) .*lifecycle job: (\\d+) steps");

  /** How a run is set up. */
  record Settings(
      Options server,
      int instances,
      int drainInstances,
      boolean singleDrain,
      Set<String> targets,
      int replicas,
      Path galeraDir,
      int galeraBasePort,
      Path galeraScript,
      Duration lifecycleInterval) {

    static Settings fromSystemProperties() {
      int instances = Integer.getInteger("bench.instances", 10_000);
      int drain = Integer.getInteger("bench.clusterDrainInstances", 100_000);
      Options server =
          new Options(
              List.of(instances),
              Integer.getInteger("bench.callers", 48),
              // Three cold JVMs share 2 cores: with 20 s their per-call CPU was still 3x the warm
              // figure (JIT), with 60 s it is within 20% of a single warm server's.
              seconds("bench.warmupSeconds", "60"),
              seconds("bench.seconds", "60"),
              drain,
              Set.of("renew-1"),
              100,
              Integer.getInteger("bench.poolSize", 16),
              System.getProperty("bench.xmx", "256m"),
              Boolean.parseBoolean(System.getProperty("bench.useJar", "true")),
              System.getProperty("bench.jar") == null
                  ? null
                  : Path.of(System.getProperty("bench.jar")),
              Boolean.getBoolean("bench.jfr"),
              Duration.ZERO);
      return new Settings(
          server,
          instances,
          drain,
          Boolean.parseBoolean(System.getProperty("bench.singleDrain", "true")),
          Set.copyOf(
              Arrays.stream(System.getProperty("bench.targets", "single,cluster").split(","))
                  .map(String::strip)
                  .toList()),
          Integer.getInteger("bench.replicas", 3),
          Path.of(System.getProperty("bench.galeraDir", "/tmp/renewal-bench-galera")),
          Integer.getInteger("bench.galeraBasePort", 3361),
          script(),
          Duration.ofMillis(
              Long.parseLong(
                  System.getProperty("bench.lifecycleInterval", "500ms").replace("ms", ""))));
    }

    private static Duration seconds(String property, String defaultValue) {
      return Duration.ofMillis(
          (long) (Double.parseDouble(System.getProperty(property, defaultValue)) * 1000));
    }

    /** The script in this tree, seen from the root (mvn -pl) or from the module. */
    private static Path script() {
      String configured = System.getProperty("bench.galeraScript");
      if (configured != null) {
        return Path.of(configured).toAbsolutePath();
      }
      for (String candidate : List.of("deploy/galera/cluster.sh", "../deploy/galera/cluster.sh")) {
        if (Files.isExecutable(Path.of(candidate))) {
          return Path.of(candidate).toAbsolutePath();
        }
      }
      return Path.of("deploy/galera/cluster.sh").toAbsolutePath();
    }
  }

  /**
   * Where the replicas run: one base URL per replica ("jdbc:mysql://host:port/"), the database
   * processes (for CPU), the database's own counters, and what the harness's reads append to a URL
   * (causal reads on a cluster, so that a count sees what every node committed).
   */
  record Target(
      String name,
      List<String> baseUrls,
      List<Long> databasePids,
      Supplier<Map<String, Long>> counters,
      String readOptions) {}

  /** The RenewInstances load on one target. */
  record LoadReport(
      Result result,
      long conflictReruns,
      Map<String, Long> counters,
      String loadBefore,
      String loadAfter) {}

  /** The lifecycle drain on one target. */
  record DrainReport(
      LifecycleResult result,
      List<Long> stepsPerReplica,
      long batchFailures,
      long conflictReruns,
      Map<String, Long> counters,
      Cpu cpu,
      String loadBefore,
      String loadAfter) {}

  record TargetReport(String name, LoadReport load, DrainReport drain) {}

  /** What to undo if the run is cut short (Ctrl-C): closed last-opened first. */
  private static final Deque<AutoCloseable> OPEN = new ArrayDeque<>();

  public static void main(String[] args) throws Exception {
    Settings s = Settings.fromSystemProperties();
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  closeAll();
                  // Replicas still starting when the run was stopped are not registered yet.
                  ProcessHandle.current().descendants().forEach(ProcessHandle::destroyForcibly);
                },
                "bench-cleanup"));
    Path out = ServiceBenchmark.reportFile("cluster-bench");
    int exit;
    try (PrintStream file =
        new PrintStream(Files.newOutputStream(out), true, StandardCharsets.UTF_8)) {
      PrintStream tee = ServiceBenchmark.tee(file);
      try {
        List<TargetReport> reports = run(s, tee);
        exit = printSummary(s, reports, tee);
      } finally {
        closeAll();
      }
      tee.println("report written to " + out.toAbsolutePath());
    }
    System.exit(exit);
  }

  static List<TargetReport> run(Settings s, PrintStream out) throws Exception {
    Options o = s.server();
    out.printf(
        Locale.ROOT,
        "cluster benchmark: %d replicas, C=%d, warm-up %s, measured %s, %,d instances, drain %,d,"
            + " server -Xmx%s, pool %d per replica, %d cores, load average %s, %s%n",
        s.replicas(),
        o.concurrency(),
        o.warmup(),
        o.measure(),
        s.instances(),
        s.drainInstances(),
        o.xmx(),
        o.poolSize(),
        Runtime.getRuntime().availableProcessors(),
        loadAverage(),
        Instant.now());
    List<TargetReport> reports = new ArrayList<>();
    if (s.targets().contains("single")) {
      String base = TestDatabases.mariaDbBaseUrl();
      Target single =
          new Target(
              "single",
              java.util.Collections.nCopies(s.replicas(), base),
              List.of(ServiceBenchmark.databasePid(base)),
              Map::of,
              "");
      reports.add(runTarget(s, single, s.singleDrain(), out));
    }
    if (s.targets().contains("cluster")) {
      GaleraCluster cluster =
          opened(
              GaleraCluster.start(
                  s.galeraScript(), s.galeraDir(), s.galeraBasePort(), s.replicas(), out));
      try {
        Target target =
            new Target(
                "cluster",
                cluster.baseUrls(),
                cluster.pids(),
                cluster::counters,
                "?sessionVariables=wsrep_sync_wait=1");
        reports.add(runTarget(s, target, true, out));
      } finally {
        closed(cluster);
      }
    }
    return reports;
  }

  private static TargetReport runTarget(Settings s, Target t, boolean drain, PrintStream out)
      throws Exception {
    out.printf(Locale.ROOT, "%n== %s: replicas on %s%n", t.name(), t.baseUrls());
    LoadReport load = renewLoad(s, t, out);
    DrainReport d = drain && s.drainInstances() > 0 ? drain(s, t, out) : null;
    return new TargetReport(t.name(), load, d);
  }

  // ---------------------------------------------------------------------------------------------
  // RenewInstances, 1 instance per call

  private static LoadReport renewLoad(Settings s, Target t, PrintStream out) throws Exception {
    Options o = s.server();
    TestDatabases.TestDatabase db = opened(ServiceBenchmark.benchDatabase(t.baseUrls().get(0)));
    try {
      List<String> urls = urlsOf(t, db);
      Replicas replicas = opened(Replicas.start(o, t.name() + "-api", urls, noLifecycle()));
      try {
        long t0 = System.nanoTime();
        Data data =
            ServiceBenchmark.load(urls.get(0) + "?rewriteBatchedStatements=true", s.instances());
        out.printf(
            Locale.ROOT,
            "loaded %,d instances (%,d accounts of %d) in %.1f s%n",
            s.instances(),
            data.accounts.size(),
            ServiceBenchmark.PER_ACCOUNT,
            (System.nanoTime() - t0) / 1e9);
        // Caller w calls replica w mod n, over a few channels per replica (as ServiceBenchmark: one
        // channel per 8 callers).
        int n = replicas.servers().size();
        int perReplica = Math.max(1, o.concurrency() / (8 * n));
        List<ManagedChannel> channels = new ArrayList<>();
        List<List<RenewalServiceBlockingStub>> stubs = new ArrayList<>();
        for (int c = 0; c < perReplica; c++) {
          for (ServerProcess server : replicas.servers()) {
            ManagedChannel ch =
                NettyChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
            channels.add(ch);
            stubs.add(ServiceBenchmark.tenantStubs(ch, data));
          }
        }
        String loadBefore = loadAverage();
        long[] reruns = new long[2];
        List<Map<String, Long>> counters = new ArrayList<>();
        ServiceBenchmark.Window window =
            new ServiceBenchmark.Window() {
              @Override
              public void opened() {
                reruns[0] = replicas.conflictReruns();
                counters.add(t.counters().get());
              }

              @Override
              public void closed() {
                reruns[1] = replicas.conflictReruns();
                counters.add(t.counters().get());
              }
            };
        Result r;
        try {
          r =
              ServiceBenchmark.measure(
                  o,
                  "renew-1",
                  1,
                  replicas.pids(),
                  t.databasePids(),
                  window,
                  worker -> ServiceBenchmark.renewOne(stubs.get(worker % stubs.size()), data));
        } finally {
          channels.forEach(ManagedChannel::shutdownNow);
        }
        LoadReport report =
            new LoadReport(
                r,
                reruns[0] < 0 || reruns[1] < 0 ? -1 : reruns[1] - reruns[0],
                difference(counters.get(0), counters.get(1)),
                loadBefore,
                loadAverage());
        out.println(ServiceBenchmark.header());
        out.println(ServiceBenchmark.format(r));
        out.println("    " + r.cpu().perCall(r.calls()));
        out.printf(
            Locale.ROOT,
            "    errors in the warm-up: %s; first description of each error: %s%n"
                + "    conflict re-runs in the servers: %d; database counters: %s%n",
            r.warmupErrors(),
            r.errorSamples(),
            report.conflictReruns(),
            report.counters());
        return report;
      } finally {
        closed(replicas);
      }
    } finally {
      closed(db);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Lifecycle drain with the job on every replica

  private static DrainReport drain(Settings s, Target t, PrintStream out) throws Exception {
    Options o = s.server();
    int n = s.drainInstances();
    Instant due = ServiceBenchmark.LIFECYCLE_DUE;
    // Loaded as due a year later, so that the running jobs see nothing until the one commit that
    // makes everything due at `due`.
    Instant parked = due.plus(Duration.ofDays(365));
    TestDatabases.TestDatabase db = opened(ServiceBenchmark.benchDatabase(t.baseUrls().get(0)));
    try {
      List<String> urls = urlsOf(t, db);
      List<String> jobOn =
          List.of(
              "--test-clock=" + due,
              "--lifecycle-interval",
              s.lifecycleInterval().toMillis() + "ms");
      Replicas replicas = opened(Replicas.start(o, t.name() + "-lifecycle", urls, jobOn));
      try {
        long t0 = System.nanoTime();
        LifecycleDrainBenchmark.load(
            urls.get(0) + "?rewriteBatchedStatements=true", n, 100, due, parked);
        out.printf(
            Locale.ROOT,
            "lifecycle: loaded %,d instances over 100 accounts (due at %s, queued for %s) in %.1f"
                + " s; the job runs every %s on %d replicas%n",
            n,
            due,
            parked,
            (System.nanoTime() - t0) / 1e9,
            s.lifecycleInterval(),
            replicas.servers().size());
        String loadBefore = loadAverage();
        String readUrl = urls.get(0) + t.readOptions();
        long reruns0 = replicas.conflictReruns();
        Map<String, Long> counters0 = t.counters().get();
        double[] cpu0 = cpu(replicas, t);
        int moved = LifecycleDrainBenchmark.makeDue(urls.get(0), parked, due);
        Instant start = Instant.now();
        if (moved != n) {
          throw new IllegalStateException("made " + moved + " instances due, expected " + n);
        }
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(20);
        try (Connection c =
            DriverManager.getConnection(
                readUrl, TestDatabases.mariaDbUser(), TestDatabases.mariaDbPassword())) {
          while (LifecycleDrainBenchmark.stillDue(c, due) > 0) {
            if (System.nanoTime() > deadline) {
              throw new IllegalStateException("the drain did not finish within 20 minutes");
            }
            Thread.sleep(250);
          }
        }
        Instant drained = Instant.now();
        double[] cpu1 = cpu(replicas, t);
        // Let each job's run end and log its steps (a run ends when it claims nothing more).
        Thread.sleep(s.lifecycleInterval().toMillis() * 4 + 1000);
        long reruns1 = replicas.conflictReruns();
        Map<String, Long> counters1 = t.counters().get();
        Instant end = start;
        List<Long> steps = new ArrayList<>();
        long batchFailures = 0;
        for (ServerProcess server : replicas.servers()) {
          long sum = 0;
          String log = server.output();
          for (String line : log.lines().toList()) {
            Matcher m = STEPS.matcher(line);
            if (m.find()) {
              sum += Long.parseLong(m.group(2));
              Instant at = Instant.parse(m.group(1));
              end = at.isAfter(end) ? at : end;
            }
          }
          steps.add(sum);
          batchFailures += occurrences(log, "lifecycle batch failed");
        }
        if (end.equals(start)) {
          end = drained; // no steps line seen: the poll's instant, to within 250 ms
        }
        double seconds = Duration.between(start, end).toMillis() / 1000.0;
        Map<String, Long> counts = LifecycleDrainBenchmark.counts(readUrl);
        boolean exact = LifecycleDrainBenchmark.exactlyOnce(counts, n);
        LifecycleResult result = new LifecycleResult(n, seconds, counts, exact);
        DrainReport report =
            new DrainReport(
                result,
                steps,
                batchFailures,
                reruns0 < 0 || reruns1 < 0 ? -1 : reruns1 - reruns0,
                difference(counters0, counters1),
                new Cpu(
                    -1,
                    cpu1[0] < 0 || cpu0[0] < 0 ? -1 : cpu1[0] - cpu0[0],
                    cpu1[1] < 0 || cpu0[1] < 0 ? -1 : cpu1[1] - cpu0[1],
                    cpu1[2] - cpu0[2],
                    cpu1[3] - cpu0[3]),
                loadBefore,
                loadAverage());
        out.printf(
            Locale.ROOT,
            "lifecycle drain: %,d due instances in %.2f s (from the commit that made them due to the"
                + " last 'lifecycle job: N steps' line) = %,.0f instances/s; steps per replica %s;"
                + " batches that failed and went one by one: %d; conflict re-runs %d;%n    %s;"
                + " exactly once: %s; database counters %s%n",
            n,
            seconds,
            result.instancesPerSecond(),
            steps,
            batchFailures,
            report.conflictReruns(),
            counts,
            exact ? "OK" : "VIOLATED",
            report.counters());
        return report;
      } finally {
        closed(replicas);
      }
    } finally {
      closed(db);
    }
  }

  /** CPU seconds so far: servers, databases, machine busy, machine total. */
  private static double[] cpu(Replicas replicas, Target t) {
    double[] m = ServiceBenchmark.machineCpu();
    return new double[] {
      ServiceBenchmark.cpuSeconds(replicas.pids()),
      ServiceBenchmark.cpuSeconds(t.databasePids()),
      m[0],
      m[1]
    };
  }

  // ---------------------------------------------------------------------------------------------
  // Output

  /**
   * Prints the comparison; returns the exit status (1 if a client saw an error or a step ran
   * twice).
   */
  static int printSummary(Settings s, List<TargetReport> reports, PrintStream out) {
    Options o = s.server();
    out.println();
    out.printf(
        Locale.ROOT,
        "== summary (%s): RenewInstances 1 instance/call, C=%d over %d replicas, %s warm-up, %s"
            + " measured, %,d instances%n",
        Instant.now(),
        o.concurrency(),
        s.replicas(),
        o.warmup(),
        o.measure(),
        s.instances());
    out.printf(
        Locale.ROOT,
        "%-16s %10s %8s %8s %8s %9s %-28s %9s  %s%n",
        "target",
        "calls/s",
        "p50 ms",
        "p99 ms",
        "p999 ms",
        "calls",
        "errors (measured / warm-up)",
        "re-runs",
        "load average before -> after");
    int exit = 0;
    Map<String, TargetReport> byName = new LinkedHashMap<>();
    for (TargetReport t : reports) {
      byName.put(t.name(), t);
      Result r = t.load().result();
      out.printf(
          Locale.ROOT,
          "%-16s %10.1f %8.2f %8.2f %8.2f %9d %-28s %9d  %s -> %s%n",
          t.name(),
          r.callsPerSecond(),
          r.p50Ms(),
          r.p99Ms(),
          r.p999Ms(),
          r.calls(),
          r.errors() + " / " + r.warmupErrors(),
          t.load().conflictReruns(),
          t.load().loadBefore(),
          t.load().loadAfter());
      if (r.errorCount() > 0 || !r.warmupErrors().isEmpty()) {
        exit = 1;
      }
    }
    for (TargetReport t : reports) {
      out.printf(
          Locale.ROOT,
          "  CPU %-10s %s%n",
          t.name(),
          t.load().result().cpu().perCall(t.load().result().calls()));
    }
    TargetReport single = byName.get("single");
    TargetReport cluster = byName.get("cluster");
    if (single != null && cluster != null) {
      Result a = cluster.load().result();
      Result b = single.load().result();
      double ratio = a.callsPerSecond() / b.callsPerSecond();
      out.printf(
          Locale.ROOT,
          "%-16s %10.3f %8.3f %8.3f %8.3f%n",
          "cluster/single",
          ratio,
          a.p50Ms() / b.p50Ms(),
          a.p99Ms() / b.p99Ms(),
          a.p999Ms() / b.p999Ms());
      out.printf(
          Locale.ROOT,
          "target: cluster calls/s >= 0.5 x single: %.3f %s%n",
          ratio,
          ratio >= 0.5 ? "MET" : "MISSED");
    }
    if (cluster != null) {
      out.println(
          "galera over the measured period: "
              + galera(cluster.load().counters(), cluster.load().result().seconds()));
    }
    out.println(
        "errors reaching clients: "
            + (exit == 0
                ? "none"
                : reports.stream()
                    .map(
                        t ->
                            t.name()
                                + " "
                                + t.load().result().errors()
                                + " / warm-up "
                                + t.load().result().warmupErrors()
                                + " "
                                + t.load().result().errorSamples())
                    .toList()));
    out.println();
    out.printf(
        Locale.ROOT,
        "lifecycle drain of %,d due instances, the job on %d replicas:%n",
        s.drainInstances(),
        s.replicas());
    for (TargetReport t : reports) {
      DrainReport d = t.drain();
      if (d == null) {
        continue;
      }
      out.printf(
          Locale.ROOT,
          "%-16s %8.2f s %10.0f instances/s  exactly once: %s  steps per replica %s, batches"
              + " gone one by one %d, re-runs %d, CPU s: servers %.1f, databases %.1f, machine"
              + " busy %.0f%%; load %s -> %s%n",
          t.name(),
          d.result().seconds(),
          d.result().instancesPerSecond(),
          d.result().exactlyOnce() ? "OK" : "VIOLATED",
          d.stepsPerReplica(),
          d.batchFailures(),
          d.conflictReruns(),
          d.cpu().server(),
          d.cpu().database(),
          100 * d.cpu().machineBusy() / d.cpu().machineCapacity(),
          d.loadBefore(),
          d.loadAfter());
      if (!d.result().exactlyOnce()) {
        exit = 1;
      }
    }
    if (single != null && single.drain() != null && cluster != null && cluster.drain() != null) {
      out.printf(
          Locale.ROOT,
          "%-16s %21.3f%n",
          "cluster/single",
          cluster.drain().result().instancesPerSecond()
              / single.drain().result().instancesPerSecond());
    }
    if (cluster != null && cluster.drain() != null) {
      out.println(
          "galera during the drain: "
              + galera(cluster.drain().counters(), cluster.drain().result().seconds()));
    }
    return exit;
  }

  // ---------------------------------------------------------------------------------------------
  // Helpers

  /** The database of {@code db} on each replica's server (on a cluster: the same on every node). */
  private static List<String> urlsOf(Target t, TestDatabases.TestDatabase db) {
    String name = db.settings().url().substring(t.baseUrls().get(0).length());
    return t.baseUrls().stream().map(base -> base + name).toList();
  }

  private static List<String> noLifecycle() {
    return List.of("--no-lifecycle");
  }

  private static Map<String, Long> difference(Map<String, Long> before, Map<String, Long> after) {
    Map<String, Long> d = new LinkedHashMap<>();
    after.forEach((k, v) -> d.put(k, v - before.getOrDefault(k, 0L)));
    return d;
  }

  /** Galera's counters in words. */
  private static String galera(Map<String, Long> c, double seconds) {
    return String.format(
        Locale.ROOT,
        "%d certification failures, %d brute-force aborts, replication paused by flow control"
            + " %.2f s of %.1f s (%d pause requests), %d writesets replicated, %d received (all"
            + " nodes)",
        c.getOrDefault("wsrep_local_cert_failures", -1L),
        c.getOrDefault("wsrep_local_bf_aborts", -1L),
        c.getOrDefault("wsrep_flow_control_paused_ns", 0L) / 1e9,
        seconds,
        c.getOrDefault("wsrep_flow_control_sent", -1L),
        c.getOrDefault("wsrep_replicated", -1L),
        c.getOrDefault("wsrep_received", -1L));
  }

  private static long occurrences(String text, String what) {
    long count = 0;
    for (int i = text.indexOf(what); i >= 0; i = text.indexOf(what, i + 1)) {
      count++;
    }
    return count;
  }

  /** The 1, 5 and 15 minute load averages (/proc/loadavg), or "?". */
  static String loadAverage() {
    try {
      Matcher m = LOAD_AVERAGE.matcher(Files.readString(Path.of("/proc/loadavg")));
      return m.find() ? m.group(1) : "?";
    } catch (IOException | RuntimeException e) {
      return "?";
    }
  }

  private static synchronized <T extends AutoCloseable> T opened(T resource) {
    OPEN.push(resource);
    return resource;
  }

  /** Closes {@code resource} and forgets it. */
  private static synchronized void closed(AutoCloseable resource) {
    if (resource != null && OPEN.remove(resource)) {
      closeQuietly(resource);
    }
  }

  private static synchronized void closeAll() {
    while (!OPEN.isEmpty()) {
      closeQuietly(OPEN.pop());
    }
  }

  private static void closeQuietly(AutoCloseable resource) {
    try {
      resource.close();
    } catch (Exception e) {
      System.err.println("cleanup: " + e);
    }
  }

  private ClusterBenchmark() {}
}
