package com.cvmbilling.renewal.server.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The real server ({@code Main}, or the packaged jar) as a child process, its output in files under
 * {@code target/server-processes/}. The {@code start...} methods wait for the ready line (and fail
 * the test if the process exits first); the {@code launch...} methods return at once, for tests
 * that watch readiness through health or expect the process to exit. {@code RENEWAL_*} variables of
 * this environment are never passed on. {@link #kill()} is SIGKILL; {@link #stop()} and {@link
 * #close()} are a graceful stop (SIGTERM, shutdown hook) that falls back to SIGKILL.
 */
public final class ServerProcess implements AutoCloseable {
  private static final Pattern READY = Pattern.compile("renewal-server ready on port (\\d+)");
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(90);
  private static final List<String> DEFAULT_JVM = List.of("-Xmx384m");
  private static final Path LOG_DIR = Path.of("target", "server-processes");

  private final String name;
  private final Process process;
  private final Path output;
  private final Path errors;
  private volatile int port = -1;
  private ManagedChannel channel;

  private ServerProcess(String name, Process process, Path output, Path errors) {
    this.name = name;
    this.process = process;
    this.output = output;
    this.errors = errors;
  }

  /**
   * Starts {@code Main} with these arguments (add {@code --port 0} to get a free port) and waits
   * until it says it is ready; {@code env} is its environment on top of this one's.
   */
  public static ServerProcess start(String name, List<String> args, Map<String, String> env) {
    return start(name, DEFAULT_JVM, args, env);
  }

  /** The same with JVM options of the caller's choice (e.g. {@code -Xmx256m}, {@code -D...}). */
  public static ServerProcess start(
      String name, List<String> jvmArgs, List<String> args, Map<String, String> env) {
    return launch(name, mainCommand(jvmArgs, args), env, false).ready();
  }

  /** The packaged server, {@code java <jvmArgs> -jar <jar> <args>}, once it is ready. */
  public static ServerProcess startJar(
      String name, Path jar, List<String> jvmArgs, List<String> args, Map<String, String> env) {
    List<String> command = new ArrayList<>();
    command.add(javaBinary());
    command.addAll(jvmArgs);
    command.addAll(List.of("-jar", jar.toString()));
    command.addAll(args);
    return launch(name, command, env, false).ready();
  }

  /** The packaged jar in demo mode on a free port with its own data directory, once ready. */
  public static ServerProcess startDemo(Path dataDir) {
    return startJar(
        "demo",
        serverJar(),
        List.of("-Xmx256m"),
        List.of("--demo", "--port", "0", "--data-dir", dataDir.toString()),
        Map.of());
  }

  /** Starts {@code Main} and returns at once; stdout and stderr go to one file. */
  public static ServerProcess launch(String name, List<String> args) {
    return launch(name, mainCommand(DEFAULT_JVM, args), Map.of(), false);
  }

  /** The same with stdout and stderr in separate files (to check what goes where). */
  public static ServerProcess launchSeparated(String name, List<String> args) {
    return launch(name, mainCommand(DEFAULT_JVM, args), Map.of(), true);
  }

  /**
   * The executable jar: the {@code renewal.server.jar} system property, else the server module's
   * {@code target/renewal-server.jar} seen from a sibling module or from the root.
   */
  public static Path serverJar() {
    String configured = System.getProperty("renewal.server.jar");
    List<Path> candidates =
        configured != null && !configured.isBlank()
            ? List.of(Path.of(configured))
            : List.of(
                Path.of("..", "server", "target", "renewal-server.jar"),
                Path.of("server", "target", "renewal-server.jar"));
    for (Path jar : candidates) {
      if (Files.isRegularFile(jar)) {
        return jar;
      }
    }
    throw new IllegalStateException(
        "the server jar "
            + candidates.get(0).toAbsolutePath()
            + " is missing: build it first (mvn -B -ntp -DskipTests package)");
  }

  /** A free TCP port on this machine (free now; a server started with it may still lose a race). */
  public static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A plaintext channel to {@code 127.0.0.1:port}; the caller shuts it down. */
  public static ManagedChannel channel(int port) {
    return NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
  }

  private static List<String> mainCommand(List<String> jvmArgs, List<String> args) {
    // Surefire runs tests from a manifest-only jar: the real class path is in this property.
    String classPath = System.getProperty("surefire.test.class.path");
    if (classPath == null || classPath.isBlank()) {
      classPath = System.getProperty("java.class.path");
    }
    List<String> command = new ArrayList<>();
    command.add(javaBinary());
    command.addAll(jvmArgs);
    command.addAll(List.of("-cp", classPath, "com.cvmbilling.renewal.server.app.Main"));
    command.addAll(args);
    return command;
  }

  private static String javaBinary() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  private static ServerProcess launch(
      String name, List<String> command, Map<String, String> env, boolean separateErrors) {
    try {
      Path dir = Files.createDirectories(LOG_DIR);
      String stem = name + "-" + UUID.randomUUID().toString().substring(0, 8);
      Path output = dir.resolve(stem + ".log");
      Path errors = separateErrors ? dir.resolve(stem + ".err") : output;
      ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(output.toFile());
      if (separateErrors) {
        builder.redirectError(errors.toFile());
      } else {
        builder.redirectErrorStream(true);
      }
      builder.environment().keySet().removeIf(k -> k.startsWith("RENEWAL_"));
      builder.environment().putAll(env);
      return new ServerProcess(name, builder.start(), output, errors);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private ServerProcess ready() {
    try {
      awaitReady(READY_TIMEOUT);
      return this;
    } catch (AssertionError | RuntimeException e) {
      process.destroyForcibly();
      throw e;
    }
  }

  /**
   * Waits for the ready line and returns the port it names; fails the test if the process exits
   * first or is not ready in time.
   */
  public int awaitReady(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    try {
      while (port < 0) {
        Matcher m = READY.matcher(read(output));
        if (m.find()) {
          port = Integer.parseInt(m.group(1));
        } else if (!process.isAlive()) {
          fail(
              "server process "
                  + name
                  + " exited with "
                  + process.exitValue()
                  + " before it was ready:\n"
                  + tail());
        } else if (System.nanoTime() > deadline) {
          fail("server process " + name + " not ready within " + timeout + ":\n" + tail());
        } else {
          Thread.sleep(50);
        }
      }
      return port;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Polls {@code grpc.health.v1.Health/Check} on this port until SERVING. */
  public void awaitServing(int port, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    String last = "no answer yet";
    while (System.nanoTime() < deadline) {
      assertThat(process.isAlive()).as("server exited before it was ready (%s)", last).isTrue();
      // A fresh channel each time: a refused connection puts a channel into reconnect backoff.
      ManagedChannel probe = channel(port);
      try {
        ServingStatus status =
            HealthGrpc.newBlockingStub(probe)
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
        probe.shutdownNow().awaitTermination(2, TimeUnit.SECONDS);
      }
      Thread.sleep(200);
    }
    throw new AssertionError("server not SERVING within " + timeout + ": " + last);
  }

  /** The port from the ready line (the {@code start...} methods have waited for it). */
  public int port() {
    if (port < 0) {
      throw new IllegalStateException("server process " + name + " has not said it is ready");
    }
    return port;
  }

  /** {@code 127.0.0.1:<port>}, as a client's target. */
  public String target() {
    return "127.0.0.1:" + port();
  }

  public long pid() {
    return process.pid();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  public Process process() {
    return process;
  }

  /** A plaintext channel to the server, closed with it. */
  public synchronized ManagedChannel channel() {
    if (channel == null) {
      channel = channel(port());
    }
    return channel;
  }

  /** SIGKILL, then waits for the process to be gone. */
  public void kill() throws InterruptedException {
    process.destroyForcibly();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      throw new IllegalStateException("process " + process.pid() + " survived SIGKILL");
    }
  }

  /** SIGTERM, asserts the process exits within {@code within}; returns its exit code. */
  public int terminate(Duration within) throws InterruptedException {
    long started = System.nanoTime();
    process.destroy();
    boolean exited = process.waitFor(within.toMillis(), TimeUnit.MILLISECONDS);
    assertThat(exited).as("server exits within %s of SIGTERM", within).isTrue();
    System.out.printf(
        "%s: exited %d, %d ms after SIGTERM%n",
        name, process.exitValue(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
    return process.exitValue();
  }

  /** Waits for the process to end by itself (e.g. on a bad flag); returns its exit code. */
  public int awaitExit(Duration within) throws InterruptedException {
    boolean exited = process.waitFor(within.toMillis(), TimeUnit.MILLISECONDS);
    assertThat(exited).as("process ends by itself within %s", within).isTrue();
    return process.exitValue();
  }

  /** What the process wrote to stdout (and stderr, unless launched with them separated). */
  public String output() {
    return read(output);
  }

  /**
   * What the process wrote to stderr when launched with them separated; else the same as output.
   */
  public String stderr() {
    return read(errors);
  }

  public Path outputFile() {
    return output;
  }

  /** The whole log with the process's state, for failure reports. */
  public String describe() {
    String text =
        output.equals(errors)
            ? read(output)
            : "--- stdout ---\n" + read(output) + "\n--- stderr ---\n" + read(errors);
    return "===== server process '"
        + name
        + "' ("
        + (process.isAlive() ? "running" : "exit " + process.exitValue())
        + "), log "
        + output.toAbsolutePath()
        + " =====\n"
        + text
        + "\n===== end of '"
        + name
        + "' =====";
  }

  /** SIGTERM, as an orchestrator stops a replica; SIGKILL if it has not exited within 30 s. */
  public void stop() {
    if (process.isAlive()) {
      process.destroy();
      try {
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
          process.destroyForcibly();
          process.waitFor(10, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        process.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
  }

  @Override
  public void close() {
    if (channel != null) {
      channel.shutdownNow();
    }
    stop();
  }

  private static String read(Path file) {
    try {
      return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
    } catch (IOException e) {
      return "<unreadable: " + e + ">";
    }
  }

  private String tail() {
    String all = read(output);
    return all.length() <= 4000 ? all : all.substring(all.length() - 4000);
  }
}
