package com.cvmbilling.renewal.server.persistence;

import java.nio.file.Path;
import java.util.Locale;

/**
 * Where the database is. No URL means the embedded default: an H2 file database in MySQL mode under
 * {@code dataDir}, so a newcomer needs no configuration at all.
 */
public record DatabaseSettings(
    String url, String user, String password, Path dataDir, int maxPoolSize) {
  /**
   * H2 closes a database from its own shutdown hook by default, which runs at the same time as the
   * server's drain, so calls in flight at SIGTERM would fail; the server closes the pool (and with
   * it the database) itself after the drain.
   */
  private static final String H2_KEEP_OPEN_AT_EXIT = ";DB_CLOSE_ON_EXIT=FALSE";

  public static DatabaseSettings embedded(Path dataDir) {
    return new DatabaseSettings(null, null, null, dataDir, 16);
  }

  public boolean isEmbedded() {
    return url == null || url.isBlank();
  }

  public String jdbcUrl() {
    if (isEmbedded()) {
      Path file = dataDir.toAbsolutePath().resolve("renewal");
      return "jdbc:h2:file:"
          + file
          + ";MODE=MySQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH"
          + H2_KEEP_OPEN_AT_EXIT;
    }
    if (url.startsWith("jdbc:h2:") && !url.toUpperCase(Locale.ROOT).contains("DB_CLOSE_ON_EXIT")) {
      return url + H2_KEEP_OPEN_AT_EXIT;
    }
    return url;
  }

  public String effectiveUser() {
    return isEmbedded() ? "sa" : user;
  }

  public String effectivePassword() {
    return isEmbedded() ? "" : password;
  }

  /** The URL with any password parameter removed, for logs. */
  public String redactedUrl() {
    return jdbcUrl().replaceAll("(?i)(password=)[^&;]*", "$1***");
  }
}
