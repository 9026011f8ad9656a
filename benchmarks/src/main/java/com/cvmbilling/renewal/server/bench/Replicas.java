package com.cvmbilling.renewal.server.bench;

import com.cvmbilling.renewal.server.testing.ServerProcess;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Server replicas as child processes, replica i on the database URL i (one per Galera node, or all
 * on one server), started concurrently as an orchestrator starts them (on a cluster this exercises
 * the server's migration lease), each with its Prometheus endpoint on a free loopback port.
 */
final class Replicas implements AutoCloseable {
  private static final Pattern RERUNS =
      Pattern.compile("(?m)^renewal_db_conflict_reruns_total(?:\\{[^}]*\\})? ([0-9.eE+]+)$");

  private final List<ServerProcess> servers;
  private final List<Integer> metricsPorts;
  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();

  private Replicas(List<ServerProcess> servers, List<Integer> metricsPorts) {
    this.servers = servers;
    this.metricsPorts = metricsPorts;
  }

  /** Starts one replica per URL, all at once, and returns when every one is ready. */
  static Replicas start(
      ServiceBenchmark.Options o, String name, List<String> dbUrls, List<String> extra)
      throws Exception {
    int n = dbUrls.size();
    List<Integer> ports = new ArrayList<>();
    List<Future<ServerProcess>> starting = new ArrayList<>();
    ExecutorService pool = Executors.newFixedThreadPool(n);
    try {
      for (int i = 0; i < n; i++) {
        int metricsPort = ServerProcess.freePort();
        ports.add(metricsPort);
        List<String> args = new ArrayList<>(extra);
        args.addAll(
            List.of(
                "--metrics-port", Integer.toString(metricsPort), "--metrics-host", "127.0.0.1"));
        String url = dbUrls.get(i);
        String replica = name + "-" + (i + 1);
        starting.add(pool.submit(() -> ServiceBenchmark.startServer(o, replica, url, args)));
      }
      List<ServerProcess> servers = new ArrayList<>();
      Throwable failure = null;
      for (Future<ServerProcess> f : starting) {
        try {
          servers.add(f.get());
        } catch (java.util.concurrent.ExecutionException e) {
          failure = failure == null ? e.getCause() : failure;
        }
      }
      Replicas replicas = new Replicas(servers, ports);
      if (failure != null) {
        replicas.close();
        throw new IllegalStateException("a replica did not start: " + failure, failure);
      }
      return replicas;
    } finally {
      pool.shutdown();
    }
  }

  List<ServerProcess> servers() {
    return servers;
  }

  List<Long> pids() {
    return servers.stream().map(ServerProcess::pid).toList();
  }

  /**
   * {@code renewal_db_conflict_reruns_total} summed over the replicas: transactions the servers ran
   * again after a deadlock or a certification conflict. -1 if a replica did not answer. The
   * replicas are asked at once, so that the figure is of one instant even on a busy machine.
   */
  long conflictReruns() {
    List<java.util.concurrent.CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
    for (int port : metricsPorts) {
      answers.add(
          http.sendAsync(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                  .timeout(Duration.ofSeconds(15))
                  .build(),
              HttpResponse.BodyHandlers.ofString()));
    }
    long sum = 0;
    for (java.util.concurrent.CompletableFuture<HttpResponse<String>> answer : answers) {
      try {
        Matcher m = RERUNS.matcher(answer.get().body());
        if (!m.find()) {
          return -1;
        }
        sum += (long) Double.parseDouble(m.group(1));
      } catch (java.util.concurrent.ExecutionException e) {
        System.err.println("metrics: " + e.getCause());
        return -1;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return -1;
      }
    }
    return sum;
  }

  /** Stops every replica (SIGTERM, then SIGKILL after 30 s); idempotent. */
  @Override
  public void close() {
    // SIGTERM to all first, so that they shut down side by side rather than one after another.
    servers.forEach(s -> s.process().destroy());
    servers.forEach(ServerProcess::close);
  }
}
