package com.cvmbilling.renewal.server.persistence;

import java.util.Arrays;
import java.util.List;
import javax.sql.DataSource;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationInfoService;
import org.flywaydb.core.api.MigrationState;

/**
 * Where a database's schema stands against this build's migrations: the version applied, the newest
 * this build has, the migrations it would still apply (behind) and the ones applied by a newer
 * build that this one does not know (ahead). A rolling upgrade migrates first (the new build's
 * {@code migrate}); the previous release keeps working on the new schema because migrations only
 * add.
 */
public record SchemaStatus(
    String appliedVersion, String buildVersion, List<String> pending, List<String> unknown) {

  public boolean upToDate() {
    return pending.isEmpty() && unknown.isEmpty();
  }

  public static SchemaStatus of(DataSource dataSource) {
    MigrationInfoService info = DataSources.flyway(dataSource).load().info();
    MigrationInfo current = info.current();
    List<String> pending = Arrays.stream(info.pending()).map(SchemaStatus::version).toList();
    List<String> unknown =
        Arrays.stream(info.all())
            .filter(
                m ->
                    m.getState() == MigrationState.FUTURE_SUCCESS
                        || m.getState() == MigrationState.FUTURE_FAILED)
            .map(SchemaStatus::version)
            .toList();
    String build =
        Arrays.stream(info.all())
            .filter(m -> m.getState() != MigrationState.FUTURE_SUCCESS)
            .filter(m -> m.getState() != MigrationState.FUTURE_FAILED)
            .filter(m -> m.getVersion() != null)
            .reduce((first, second) -> second)
            .map(SchemaStatus::version)
            .orElse("none");
    return new SchemaStatus(current == null ? "none" : version(current), build, pending, unknown);
  }

  private static String version(MigrationInfo m) {
    return m.getVersion() == null ? m.getDescription() : m.getVersion().getVersion();
  }

  /** One line for the log or the terminal. */
  public String describe() {
    if (!unknown.isEmpty()) {
      return "schema at version "
          + appliedVersion
          + ", ahead of this build ("
          + buildVersion
          + "): applied by a newer release: "
          + String.join(", ", unknown);
    }
    if (!pending.isEmpty()) {
      return "schema at version "
          + appliedVersion
          + ", behind this build ("
          + buildVersion
          + "): to apply: "
          + String.join(", ", pending)
          + " (run: renewal-server migrate)";
    }
    return "schema at version " + appliedVersion + ", as this build expects";
  }
}
