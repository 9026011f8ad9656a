package com.cvmbilling.renewal.server.app;

import com.cvmbilling.renewal.server.config.ConfigSources;
import com.cvmbilling.renewal.server.config.DurationConverter;
import com.cvmbilling.renewal.server.config.Problems;
import com.cvmbilling.renewal.server.config.ServerConfig;
import com.cvmbilling.renewal.server.config.ServerOptions;
import com.cvmbilling.renewal.server.persistence.DataSources;
import com.cvmbilling.renewal.server.persistence.SchemaStatus;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import sun.misc.Signal;

/**
 * Command line entry point. Every setting is a flag, declared with its area in {@link
 * ServerOptions}; see {@link ConfigSources} for the scheme (flags over environment variables over
 * the {@code --config} file over defaults). All settings are checked before anything starts; each
 * bad one gets its own line, and the exit code is 2.
 */
@Command(
    name = "renewal-server",
    mixinStandardHelpOptions = true,
    version = "renewal-server 0.2.0",
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
      "Exit codes: 0 stopped normally, 1 failed to start, 2 invalid configuration (also: the",
      "database refused the credentials or does not exist, or a Galera node is misconfigured),",
      "3 check-schema: the database's schema is behind or ahead of this build."
    })
public final class Main implements Callable<Integer> {
  private static final Logger log = LoggerFactory.getLogger(Main.class);

  private final ConfigSources sources;
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  Main(ConfigSources sources) {
    this.sources = sources;
  }

  /** What the server is asked to do; the schema commands use the database settings only. */
  static final String SERVE = "serve";

  static final String MIGRATE = "migrate";
  static final String CHECK_SCHEMA = "check-schema";
  static final int SCHEMA_MISMATCH = 3;

  @Parameters(
      arity = "0..1",
      paramLabel = "COMMAND",
      defaultValue = SERVE,
      description = {
        "serve (default): run the service, migrating the schema first.",
        "migrate: apply this build's schema migrations and exit (a separate step before a"
            + " rolling upgrade).",
        "check-schema: exit 0 if the database's schema is the one this build expects, 3 if it"
            + " is behind or ahead."
      })
  String command;

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

  @Mixin ServerOptions options = new ServerOptions();

  public static void main(String[] args) {
    int exit =
        run(
            args,
            System.getenv(),
            new PrintWriter(System.out, true, StandardCharsets.UTF_8),
            new PrintWriter(System.err, true, StandardCharsets.UTF_8));
    // Also after a drain on SIGTERM: the JVM would otherwise wait for non-daemon threads.
    System.exit(exit);
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

  /** The settings, validated; every bad one is reported at once (one line each, exit code 2). */
  ServerConfig toConfig() {
    CommandLine.ParseResult parsed = spec.commandLine().getParseResult();
    Problems problems = new Problems(flag -> sources.originForError(flag, parsed));
    ServerConfig config = options.toConfig(problems);
    if (!problems.isEmpty()) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), String.join("\n", problems.lines()));
    }
    return config;
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
      String shown = value == null ? "" : ConfigSources.isSecret(o) ? "***" : String.valueOf(value);
      if (value instanceof Enum<?> e) {
        shown = e.name().toLowerCase(Locale.ROOT);
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
    Logging.configure(config.log());
    switch (command) {
      case SERVE -> {
        // below
      }
      case MIGRATE -> {
        return migrate(config);
      }
      case CHECK_SCHEMA -> {
        return checkSchema(config);
      }
      default -> {
        return usageError(
            spec.commandLine().getErr(),
            List.of(
                "unknown command '"
                    + command
                    + "': expected "
                    + String.join(", ", List.of(SERVE, MIGRATE, CHECK_SCHEMA))));
      }
    }
    if (config.access().bootstrapAdminKeys().stream().anyMatch(k -> k.length() < 16)) {
      log.warn(
          "--admin-key is shorter than 16 characters: use a long random key, e.g. openssl rand -hex 24");
    }
    if (config.clock().testClock()) {
      log.warn(
          "TEST CLOCK: time stands still until TestClockService.AdvanceTime moves it. Never use in production.");
    }
    RenewalServer server;
    try {
      server = RenewalServer.create(config);
    } catch (DataSources.StartupFailure e) {
      return failure(e);
    }
    if (config.access().demo()) {
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
    AtomicBoolean stopping = new AtomicBoolean();
    Runnable drain =
        () -> {
          if (stopping.compareAndSet(false, true)) {
            log.info("shutting down");
          }
          server.close();
        };
    Runtime.getRuntime().addShutdownHook(new Thread(drain, "shutdown"));
    stopOnSignals(drain);
    System.out.println("renewal-server ready on port " + server.port());
    server.awaitTermination();
    return 0;
  }

  private int migrate(ServerConfig config) {
    PrintWriter out = spec.commandLine().getOut();
    try (HikariDataSource pool =
        DataSources.open(config.database(), config.databaseProbe().startTimeout()).pool()) {
      out.println("renewal-server: " + SchemaStatus.of(pool).describe());
      out.flush();
      return 0;
    } catch (DataSources.StartupFailure e) {
      return failure(e);
    }
  }

  private int checkSchema(ServerConfig config) {
    PrintWriter out = spec.commandLine().getOut();
    try {
      SchemaStatus status =
          DataSources.checkSchema(config.database(), config.databaseProbe().startTimeout());
      out.println("renewal-server: " + status.describe());
      out.flush();
      return status.upToDate() ? 0 : SCHEMA_MISMATCH;
    } catch (DataSources.StartupFailure e) {
      return failure(e);
    }
  }

  private int failure(DataSources.StartupFailure e) {
    PrintWriter err = spec.commandLine().getErr();
    err.println("renewal-server: " + e.getMessage());
    err.flush();
    return e.exitStatus();
  }

  /**
   * SIGTERM and SIGINT drain the server and then let {@link #main} exit 0. Left to the JVM, the
   * signal runs the shutdown hook (the same drain) but the process exits 143 or 130, which a
   * supervisor counts as a failure even after a clean drain. The hook stays for every other way the
   * JVM ends ({@code System.exit}, SIGHUP); a second close waits for the first.
   */
  private static void stopOnSignals(Runnable drain) {
    for (String name : List.of("TERM", "INT")) {
      try {
        Signal.handle(new Signal(name), signal -> new Thread(drain, "shutdown-" + name).start());
      } catch (IllegalArgumentException unavailable) {
        // e.g. -Xrs, or no such signal here: the shutdown hook drains instead
      }
    }
  }
}
