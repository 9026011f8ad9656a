package com.cvmbilling.renewal.server.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The previous release's server jar, built from its commit in this clone's history (issue #12 point
 * 7: the previous release must keep serving on a database the new one migrated). Built once into
 * {@code target/previous-release/<commit>/} with Maven (offline first, then online for dependencies
 * the local repository lacks), and reused while that directory exists.
 */
public final class PreviousRelease {
  private static final Logger log = LoggerFactory.getLogger(PreviousRelease.class);

  /**
   * The first release (0.1.0): main on 2026-11-26 before the second release's work began (schema
   * V1, V2). Move it forward when a release is cut; docs/OPERATIONS.md "Upgrades" names it too.
   */
  public static final String COMMIT = "8ae4e047188adafa34a83c1119d034360c955b78";

  private static final Path BUILD_ROOT = Path.of("target", "previous-release");

  private PreviousRelease() {}

  /** The jar, built on first use. */
  public static synchronized Path jar() throws IOException, InterruptedException {
    Path dir = BUILD_ROOT.resolve(COMMIT).toAbsolutePath();
    Path jar = dir.resolve("src/server/target/renewal-server.jar");
    if (Files.isRegularFile(jar)) {
      return jar;
    }
    Path repo = repositoryRoot();
    if (run(repo, List.of("git", "cat-file", "-e", COMMIT + "^{commit}"), null) != 0) {
      throw new IllegalStateException(
          "this clone lacks the previous release's commit "
              + COMMIT
              + " (a shallow clone?): fetch the full history, e.g. git fetch --unshallow");
    }
    Path src = dir.resolve("src");
    deleteRecursively(dir);
    Files.createDirectories(src);
    Path archive = dir.resolve("source.tar");
    require(
        run(
            repo,
            List.of("git", "archive", "--format=tar", "-o", archive.toString(), COMMIT),
            null),
        "git archive " + COMMIT);
    require(run(src, List.of("tar", "-xf", archive.toString()), null), "tar -xf " + archive);
    Path buildLog = dir.resolve("build.log");
    List<String> build = new ArrayList<>(List.of("mvn", "-B", "-ntp", "-DskipTests"));
    build.addAll(List.of("-pl", "server", "-am", "package"));
    List<String> offline = new ArrayList<>(build);
    offline.add(1, "-o");
    log.info("building the previous release {} (log: {})", COMMIT, buildLog);
    if (run(src, offline, buildLog) != 0) {
      log.info("offline build failed (dependencies missing locally?), building online");
      require(run(src, build, buildLog), "mvn package of the previous release, see " + buildLog);
    }
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException("the previous release's build made no " + jar);
    }
    return jar;
  }

  private static Path repositoryRoot() {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null) {
      if (Files.exists(dir.resolve(".git"))) {
        return dir;
      }
      dir = dir.getParent();
    }
    throw new IllegalStateException("no git repository above " + Path.of("").toAbsolutePath());
  }

  private static int run(Path dir, List<String> command, Path output)
      throws IOException, InterruptedException {
    ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile());
    builder.redirectErrorStream(true);
    if (output != null) {
      builder.redirectOutput(ProcessBuilder.Redirect.appendTo(output.toFile()));
    } else {
      builder.redirectOutput(ProcessBuilder.Redirect.DISCARD);
    }
    Process process = builder.start();
    if (!process.waitFor(15, TimeUnit.MINUTES)) {
      process.destroyForcibly();
      throw new IllegalStateException(String.join(" ", command) + " did not end in 15 minutes");
    }
    return process.exitValue();
  }

  private static void require(int exit, String what) {
    if (exit != 0) {
      throw new IllegalStateException(what + " failed with exit status " + exit);
    }
  }

  private static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (var paths = Files.walk(dir)) {
      for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
