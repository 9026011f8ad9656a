package com.cvmbilling.renewal.server.config;

import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * Who may call before any key exists.
 *
 * @param bootstrapAdminKeys admin API keys accepted from start-up (to create the first accounts)
 * @param demo seed a demo tenant with fixed, public keys
 */
public record AccessSettings(List<String> bootstrapAdminKeys, boolean demo) {
  public AccessSettings {
    bootstrapAdminKeys = List.copyOf(bootstrapAdminKeys);
  }

  public AccessSettings withAdminKey(String key) {
    List<String> keys = new ArrayList<>(bootstrapAdminKeys);
    keys.add(key);
    return new AccessSettings(keys, demo);
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

    AccessSettings settings(Problems p) {
      List<String> keys =
          adminKey == null || adminKey.isBlank() ? List.of() : List.of(adminKey.strip());
      return new AccessSettings(keys, demo);
    }
  }
}
