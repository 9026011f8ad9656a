package com.cvmbilling.renewal.server.testing;

import static org.junit.jupiter.api.Assertions.fail;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The real server ({@code Main}) as a child process on this test JVM's class path, output in a file
 * under {@code target/server-processes/}. {@link #kill()} is SIGKILL; {@link #close()} is a
 * graceful stop (SIGTERM, shutdown hook) that falls back to SIGKILL.
 */
public final class ServerProcess implements AutoCloseable {
  private static final Pattern READY = Pattern.compile("renewal-server ready on port (\\d+)");

  private final Process process;
  private final Path output;
  private final int port;
  private ManagedChannel channel;

  private ServerProcess(Process process, Path output, int port) {
    this.process = process;
    this.output = output;
    this.port = port;
  }

  /**
   * Starts {@code Main} with these arguments (add {@code --port 0} to get a free port) and waits
   * until it says it is ready. {@code RENEWAL_*} variables of this environment are not passed on;
   * {@code env} is.
   */
  public static ServerProcess start(String name, List<String> args, Map<String, String> env) {
    return start(name, List.of("-Xmx384m"), args, env);
  }

  /** The same with JVM options of the caller's choice (e.g. {@code -Xmx256m}, {@code -D...}). */
  public static ServerProcess start(
      String name, List<String> jvmArgs, List<String> args, Map<String, String> env) {
    String classPath = System.getProperty("surefire.test.class.path");
    if (classPath == null || classPath.isBlank()) {
      classPath = System.getProperty("java.class.path");
    }
    List<String> command = new ArrayList<>();
    command.add(javaBinary());
    command.addAll(jvmArgs);
    command.addAll(List.of("-cp", classPath, "com.cvmbilling.renewal.server.app.Main"));
    command.addAll(args);
    return launch(name, command, env);
  }

  /** The packaged server: {@code java <jvmArgs> -jar <jar> <args>}. */
  public static ServerProcess startJar(
      String name, Path jar, List<String> jvmArgs, List<String> args, Map<String, String> env) {
    List<String> command = new ArrayList<>();
    command.add(javaBinary());
    command.addAll(jvmArgs);
    command.addAll(List.of("-jar", jar.toString()));
    command.addAll(args);
    return launch(name, command, env);
  }

  private static String javaBinary() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  private static ServerProcess launch(String name, List<String> command, Map<String, String> env) {
    try {
      Path dir = Files.createDirectories(Path.of("target", "server-processes"));
      Path output = dir.resolve(name + "-" + UUID.randomUUID().toString().substring(0, 8) + ".log");
      ProcessBuilder builder =
          new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile());
      builder.environment().keySet().removeIf(k -> k.startsWith("RENEWAL_"));
      builder.environment().putAll(env);
      Process process = builder.start();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
      while (System.nanoTime() < deadline) {
        Matcher m = READY.matcher(Files.readString(output, StandardCharsets.UTF_8));
        if (m.find()) {
          return new ServerProcess(process, output, Integer.parseInt(m.group(1)));
        }
        if (!process.isAlive()) {
          fail(
              "server process "
                  + name
                  + " exited with "
                  + process.exitValue()
                  + " before it was ready:\n"
                  + tail(output));
        }
        Thread.sleep(50);
      }
      process.destroyForcibly();
      fail("server process " + name + " not ready within 90 s:\n" + tail(output));
      throw new AssertionError();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  public int port() {
    return port;
  }

  public long pid() {
    return process.pid();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** A plaintext channel to the server, closed with it. */
  public synchronized ManagedChannel channel() {
    if (channel == null) {
      channel = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
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

  public String output() {
    try {
      return Files.readString(output, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public Path outputFile() {
    return output;
  }

  @Override
  public void close() {
    if (channel != null) {
      channel.shutdownNow();
    }
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

  private static String tail(Path output) throws IOException {
    String all = Files.readString(output, StandardCharsets.UTF_8);
    return all.length() <= 4000 ? all : all.substring(all.length() - 4000);
  }
}
