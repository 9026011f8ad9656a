package com.cvmbilling.renewal.server.config;

import java.io.IOException;
import java.io.Reader;
import java.lang.reflect.AnnotatedElement;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The configuration scheme: every setting is a flag {@code --some-name}; when the flag is not
 * given, the environment variable {@code RENEWAL_SOME_NAME} is used; when that is not set either,
 * the line {@code some-name=value} of the optional configuration file ({@code --config FILE} or
 * {@code RENEWAL_CONFIG}, Java properties format); then the built-in default. So: flags over
 * environment over file over defaults.
 *
 * <p>Picocli asks this provider for an option's value whenever the command line does not give one;
 * it remembers where each value came from so that an error can name its source.
 */
public final class ConfigSources implements CommandLine.IDefaultValueProvider {
  public static final String CONFIG_FLAG = "--config";
  public static final String CONFIG_ENV = "RENEWAL_CONFIG";

  /** Flags that are not settings: never read from the environment or the file. */
  private static final Set<String> NOT_SETTINGS =
      Set.of("--help", "--version", CONFIG_FLAG, "--print-config");

  private final Map<String, String> env;
  private final Properties file;
  private final Path filePath;
  private final Map<String, String> origins = new HashMap<>();

  private ConfigSources(Map<String, String> env, Properties file, Path filePath) {
    this.env = env;
    this.file = file;
    this.filePath = filePath;
  }

  /** An error in the configuration sources themselves (the file), reported before parsing. */
  public static final class ConfigFileException extends Exception {
    ConfigFileException(String message) {
      super(message);
    }
  }

  /**
   * Finds the configuration file ({@code --config} on the command line, else {@code
   * RENEWAL_CONFIG}) and reads it. No file named: only flags, environment and defaults.
   */
  public static ConfigSources load(String[] args, Map<String, String> env)
      throws ConfigFileException {
    String path = null;
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals(CONFIG_FLAG)) {
        if (i + 1 >= args.length) {
          throw new ConfigFileException(CONFIG_FLAG + " needs a file name");
        }
        path = args[i + 1];
      } else if (args[i].startsWith(CONFIG_FLAG + "=")) {
        path = args[i].substring(CONFIG_FLAG.length() + 1);
      }
    }
    String source = CONFIG_FLAG;
    if (path == null) {
      path = env.get(CONFIG_ENV);
      source = "environment variable " + CONFIG_ENV;
    }
    Properties props = new Properties();
    Path file = null;
    if (path != null && !path.isBlank()) {
      file = Path.of(path);
      if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
        throw new ConfigFileException(
            "configuration file '"
                + path
                + "' (from "
                + source
                + ") does not exist or is not readable");
      }
      try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
        props.load(in);
      } catch (IOException | IllegalArgumentException e) {
        throw new ConfigFileException(
            "configuration file '" + path + "' cannot be read: " + e.getMessage());
      }
    }
    return new ConfigSources(env, props, file);
  }

  /** Rejects keys of the file that name no setting (a typo must not pass silently). */
  public void checkFileKeys(CommandLine.Model.CommandSpec spec) throws ConfigFileException {
    Set<String> known = new TreeSet<>();
    for (OptionSpec o : spec.options()) {
      if (!NOT_SETTINGS.contains(o.longestName())) {
        known.add(key(o));
      }
    }
    List<String> unknown =
        file.stringPropertyNames().stream().filter(k -> !known.contains(k)).sorted().toList();
    if (!unknown.isEmpty()) {
      throw new ConfigFileException(
          "configuration file '"
              + filePath
              + "': unknown setting"
              + (unknown.size() > 1 ? "s " : " ")
              + String.join(", ", unknown)
              + " (settings are the flag names without '--', e.g. db-url=...; see --help)");
    }
  }

  /** Whether the option's field is declared {@link Secret} (its value is never printed). */
  public static boolean isSecret(OptionSpec option) {
    return option.userObject() instanceof AnnotatedElement e && e.isAnnotationPresent(Secret.class);
  }

  /** {@code --db-url} -> {@code db-url}. */
  public static String key(OptionSpec option) {
    return option.longestName().replaceFirst("^--", "");
  }

  /** {@code --db-url} -> {@code RENEWAL_DB_URL}. */
  public static String envName(OptionSpec option) {
    return "RENEWAL_" + key(option).toUpperCase(Locale.ROOT).replace('-', '_');
  }

  @Override
  public String defaultValue(ArgSpec arg) {
    if (!(arg instanceof OptionSpec option) || NOT_SETTINGS.contains(option.longestName())) {
      return null;
    }
    String envName = envName(option);
    String fromEnv = env.get(envName);
    if (fromEnv != null && !fromEnv.isEmpty()) {
      origins.put(option.longestName(), "environment variable " + envName);
      return fromEnv;
    }
    String fromFile = file.getProperty(key(option));
    if (fromFile != null) {
      origins.put(option.longestName(), "configuration file " + filePath);
      return fromFile.strip();
    }
    return null;
  }

  /**
   * Where the option's value came from: a flag, an environment variable, the file, or the default.
   */
  public String origin(String longName, CommandLine.ParseResult parsed) {
    if (parsed != null && parsed.hasMatchedOption(longName)) {
      return "flag " + longName;
    }
    return origins.getOrDefault(longName, "default");
  }

  /** The source named in an error about this option, or null for a flag or a default. */
  public String originForError(String longName, CommandLine.ParseResult parsed) {
    String o = origin(longName, parsed);
    return o.startsWith("flag") || o.equals("default") ? null : o;
  }
}
