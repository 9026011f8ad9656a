package com.cvmbilling.renewal.client.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The executable server jar ({@code server/target/renewal-server.jar}) run as its own process in
 * demo mode, on a free port of its choosing, with its own embedded database.
 */
public final class ServerProcess implements AutoCloseable {
  private static final Pattern READY = Pattern.compile("renewal-server ready on port (\\d+)");

  private final Process process;
  private final CompletableFuture<Integer> port = new CompletableFuture<>();
  private final List<String> output = java.util.Collections.synchronizedList(new ArrayList<>());

  private ServerProcess(Process process) {
    this.process = process;
    Thread reader = new Thread(this::read, "server-process-output");
    reader.setDaemon(true);
    reader.start();
  }

  public static Path jar() {
    String configured = System.getProperty("renewal.server.jar");
    Path jar = Path.of(configured != null ? configured : "../server/target/renewal-server.jar");
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(
          "the server jar "
              + jar.toAbsolutePath()
              + " is missing: build it first (mvn -B -ntp -DskipTests package)");
    }
    return jar;
  }

  /** Starts {@code java -jar renewal-server.jar --demo --port 0 --data-dir <dataDir>}. */
  public static ServerProcess startDemo(Path dataDir) throws IOException {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Process p =
        new ProcessBuilder(
                java.toString(),
                "-Xmx256m",
                "-jar",
                jar().toString(),
                "--demo",
                "--port",
                "0",
                "--data-dir",
                dataDir.toString())
            .redirectErrorStream(true)
            .start();
    return new ServerProcess(p);
  }

  private void read() {
    try (BufferedReader r =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        output.add(line);
        Matcher m = READY.matcher(line);
        if (m.find()) {
          port.complete(Integer.parseInt(m.group(1)));
        }
      }
    } catch (IOException ignored) {
      // the process ended
    }
    port.completeExceptionally(
        new IllegalStateException("the server exited before it was ready: " + output));
  }

  /** Waits until the server listens; returns its port. */
  public int awaitReady(Duration timeout) throws Exception {
    return port.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  public String target() {
    return "127.0.0.1:" + port.join();
  }

  /** SIGTERM, as an orchestrator stops a replica; waits for the process to exit. */
  public void stop() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }
}
