package com.cvmbilling.renewal.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The real server ({@code com.cvmbilling.renewal.server.app.Main}) in its own JVM, started with the
 * test classpath, its stdout and stderr in a file under {@code target/e2e-logs}.
 */
final class ServerProcess implements AutoCloseable {
  static final Path LOG_DIR = Path.of("target", "e2e-logs");

  private final Process process;
  private final Path stdout;
  private final Path stderr;
  private final String name;

  private ServerProcess(String name, Process process, Path stdout, Path stderr) {
    this.name = name;
    this.process = process;
    this.stdout = stdout;
    this.stderr = stderr;
  }

  static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static List<String> command(List<String> args) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx256m");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add("com.cvmbilling.renewal.server.app.Main");
    command.addAll(args);
    return command;
  }

  /** Starts the server; stdout and stderr go to one log file. */
  static ServerProcess start(String name, List<String> args) throws IOException {
    Files.createDirectories(LOG_DIR);
    Path log = LOG_DIR.resolve(name + "-" + System.currentTimeMillis() + ".log");
    ProcessBuilder builder =
        new ProcessBuilder(command(args)).redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().keySet().removeIf(k -> k.startsWith("RENEWAL_"));
    return new ServerProcess(name, builder.start(), log, log);
  }

  /** Starts the server with stdout and stderr in separate files (to check what goes where). */
  static ServerProcess startSeparated(String name, List<String> args) throws IOException {
    Files.createDirectories(LOG_DIR);
    long stamp = System.currentTimeMillis();
    Path out = LOG_DIR.resolve(name + "-" + stamp + ".out");
    Path err = LOG_DIR.resolve(name + "-" + stamp + ".err");
    ProcessBuilder builder =
        new ProcessBuilder(command(args)).redirectOutput(out.toFile()).redirectError(err.toFile());
    builder.environment().keySet().removeIf(k -> k.startsWith("RENEWAL_"));
    return new ServerProcess(name, builder.start(), out, err);
  }

  Process process() {
    return process;
  }

  String stdout() {
    return read(stdout);
  }

  String stderr() {
    return read(stderr);
  }

  private static String read(Path file) {
    try {
      return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
    } catch (IOException e) {
      return "<unreadable: " + e + ">";
    }
  }

  /** The whole log, for failure reports. */
  String describe() {
    String text =
        stdout.equals(stderr)
            ? read(stdout)
            : "--- stdout ---\n" + read(stdout) + "\n--- stderr ---\n" + read(stderr);
    return "===== server process '"
        + name
        + "' ("
        + (process.isAlive() ? "running" : "exit " + process.exitValue())
        + "), log "
        + stdout.toAbsolutePath()
        + " =====\n"
        + text
        + "\n===== end of '"
        + name
        + "' =====";
  }

  static ManagedChannel channel(int port) {
    return ManagedChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
  }

  /** Polls grpc.health.v1.Health/Check over TCP until SERVING. */
  void awaitServing(int port, Duration timeout) throws InterruptedException {
    Instant deadline = Instant.now().plus(timeout);
    String last = "no answer yet";
    while (Instant.now().isBefore(deadline)) {
      assertThat(process.isAlive()).as("server exited before it was ready (%s)", last).isTrue();
      // A fresh channel each time: a refused connection puts a channel into reconnect backoff.
      ManagedChannel channel = channel(port);
      try {
        ServingStatus status =
            HealthGrpc.newBlockingStub(channel)
                .withDeadlineAfter(2, TimeUnit.SECONDS)
                .check(HealthCheckRequest.getDefaultInstance())
                .getStatus();
        if (status == ServingStatus.SERVING) {
          return;
        }
        last = status.toString();
      } catch (StatusRuntimeException e) {
        last = e.getStatus().toString();
      } finally {
        channel.shutdownNow().awaitTermination(2, TimeUnit.SECONDS);
      }
      Thread.sleep(200);
    }
    throw new AssertionError("server not SERVING within " + timeout + ": " + last);
  }

  /** SIGTERM, then waits for the exit; returns the exit code. */
  int terminate(Duration within) throws InterruptedException {
    long started = System.nanoTime();
    process.destroy();
    boolean exited = process.waitFor(within.toMillis(), TimeUnit.MILLISECONDS);
    assertThat(exited).as("server exits within %s of SIGTERM", within).isTrue();
    System.out.printf(
        "%s: exited %d, %d ms after SIGTERM%n",
        name, process.exitValue(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
    return process.exitValue();
  }

  /** Waits for the process to end by itself (e.g. on a bad flag). */
  int awaitExit(Duration within) throws InterruptedException {
    boolean exited = process.waitFor(within.toMillis(), TimeUnit.MILLISECONDS);
    assertThat(exited).as("process ends by itself within %s", within).isTrue();
    return process.exitValue();
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      process.destroyForcibly();
      try {
        process.waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
