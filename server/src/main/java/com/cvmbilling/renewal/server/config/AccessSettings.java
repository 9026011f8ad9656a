package com.cvmbilling.renewal.server.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * Who may call before any key exists.
 *
 * @param bootstrapAdminKeys admin API keys accepted from start-up (to create the first accounts)
 * @param demo seed a demo tenant with fixed, public keys
 * @param apiKeyCacheTime how long a replica remembers a key it found in the database: bounds how
 *     long a revoked key still works on the other replicas, and how often a key's last use is
 *     written
 */
public record AccessSettings(
    List<String> bootstrapAdminKeys, boolean demo, Duration apiKeyCacheTime) {
  public static final Duration DEFAULT_API_KEY_CACHE_TIME = Duration.ofSeconds(30);

  public AccessSettings {
    bootstrapAdminKeys = List.copyOf(bootstrapAdminKeys);
  }

  public AccessSettings(List<String> bootstrapAdminKeys, boolean demo) {
    this(bootstrapAdminKeys, demo, DEFAULT_API_KEY_CACHE_TIME);
  }

  public AccessSettings withAdminKey(String key) {
    List<String> keys = new ArrayList<>(bootstrapAdminKeys);
    keys.add(key);
    return new AccessSettings(keys, demo, apiKeyCacheTime);
  }

  public AccessSettings withApiKeyCacheTime(Duration v) {
    return new AccessSettings(bootstrapAdminKeys, demo, v);
  }

  /** The flags of this area: name, default, description and validation. */
  public static final class Options {
    @Option(
        names = "--admin-key",
        paramLabel = "KEY",
        description =
            "An admin API key accepted from start-up, to create the first accounts (prefer RENEWAL_ADMIN_KEY).")
    @Secret
    String adminKey;

    @Option(
        names = "--demo",
        description =
            "Seed a demo tenant with fixed, public keys (see README). Not for production.")
    boolean demo;

    @Option(
        names = "--api-key-cache-time",
        defaultValue = "30s",
        converter = DurationConverter.class,
        paramLabel = "DURATION",
        description =
            "How long a replica remembers an API key it found in the database: a revoked key still "
                + "works on the other replicas for up to this long, and a key's last use is "
                + "written at most once per this time. Default: ${DEFAULT-VALUE}.")
    Duration apiKeyCacheTime;

    AccessSettings settings(Problems p) {
      List<String> keys =
          adminKey == null || adminKey.isBlank() ? List.of() : List.of(adminKey.strip());
      p.positive("--api-key-cache-time", apiKeyCacheTime);
      return new AccessSettings(keys, demo, apiKeyCacheTime);
    }
  }
}
