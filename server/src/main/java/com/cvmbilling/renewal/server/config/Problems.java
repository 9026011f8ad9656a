package com.cvmbilling.renewal.server.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The bad settings found while turning options into settings: one line per bad setting, naming the
 * flag and, when the value came from the environment or the file, that source. Every area checks
 * its own settings here, so all problems are reported together.
 */
public final class Problems {
  private final Function<String, String> originOf;
  private final List<String> lines = new ArrayList<>();

  /**
   * @param originOf the source of a flag's value to name in an error ("environment variable
   *     RENEWAL_PORT"), or null when it came from the command line or the default
   */
  public Problems(Function<String, String> originOf) {
    this.originOf = originOf;
  }

  /** Problems of values that came from nowhere but code (defaults, tests). */
  public static Problems ofDefaults() {
    return new Problems(flag -> null);
  }

  /**
   * A problem of {@code flag}, or of a rule between it and {@code others}: the line also names
   * where each other value came from, so that the setting the user typed is named whichever of them
   * it was.
   */
  public void add(String flag, String message, String... others) {
    List<String> origins = new ArrayList<>();
    String origin = originOf.apply(flag);
    if (origin != null) {
      origins.add("from " + origin);
    }
    for (String other : others) {
      String o = originOf.apply(other);
      if (o != null) {
        origins.add(other + " from " + o);
      }
    }
    lines.add(
        flag + ": " + message + (origins.isEmpty() ? "" : " (" + String.join("; ", origins) + ")"));
  }

  public List<String> lines() {
    return List.copyOf(lines);
  }

  public boolean isEmpty() {
    return lines.isEmpty();
  }

  void range(String flag, long value, long min, long max) {
    if (value < min || value > max) {
      add(flag, "must be " + min + ".." + max + ", got " + value);
    }
  }

  void atLeast(String flag, long value, long min) {
    if (value < min) {
      add(flag, "must be at least " + min + ", got " + value);
    }
  }

  void port(String flag, int value) {
    range(flag, value, 0, 65535);
  }

  void positive(String flag, Duration d) {
    if (d.isZero() || d.isNegative()) {
      add(flag, "must be positive, got " + d);
    }
  }

  void atLeast(String flag, Duration d, Duration min) {
    if (d.compareTo(min) < 0) {
      add(
          flag,
          (min.isZero() ? "must be zero or positive" : "must be at least " + min.toSeconds() + "s")
              + ", got "
              + d);
    }
  }

  void host(String flag, String value) {
    if (value == null || value.isBlank()) {
      add(flag, "must be an address such as 0.0.0.0 or 127.0.0.1");
      return;
    }
    try {
      InetAddress.getByName(value);
    } catch (UnknownHostException | RuntimeException e) {
      add(
          flag,
          "'"
              + shorten(value)
              + "' is not an address of this machine's resolver (use an IP such as 127.0.0.1)");
    }
  }

  static String shorten(String s) {
    return s.length() <= 80 ? s : s.substring(0, 77) + "...";
  }
}
