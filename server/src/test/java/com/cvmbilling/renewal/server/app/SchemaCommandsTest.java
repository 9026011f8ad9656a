package com.cvmbilling.renewal.server.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.cvmbilling.renewal.server.persistence.DatabaseSettings;
import com.cvmbilling.renewal.server.testing.Tier;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code renewal-server migrate} and {@code check-schema} (issue #12 point 7), on the embedded
 * database: a fresh database is behind (exit 3, naming what to apply), {@code migrate} brings it to
 * this build's version and exits 0, then it checks as expected (exit 0); a migration applied by a
 * newer release makes it ahead (exit 3). An unknown command is a usage error.
 */
@Tier.H2
class SchemaCommandsTest {
  @TempDir Path dir;

  private record Run(int exit, String out, String err) {}

  private Run run(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("--data-dir", dir.resolve("data").toString(), "--db-start-timeout", "5s"));
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit =
        Main.run(all.toArray(String[]::new), Map.of(), new PrintWriter(out), new PrintWriter(err));
    return new Run(exit, out.toString(), err.toString());
  }

  @Test
  void migrateThenCheckSchemaAgreeAndANewerSchemaIsAhead() throws Exception {
    Run fresh = run(Main.CHECK_SCHEMA);
    assertThat(fresh.exit()).as(fresh.err()).isEqualTo(Main.SCHEMA_MISMATCH);
    assertThat(fresh.out())
        .contains("schema at version none, behind this build")
        .contains("to apply: 1, ")
        .contains("renewal-server migrate");

    Run migrated = run(Main.MIGRATE);
    assertThat(migrated.exit()).as(migrated.err()).isZero();
    assertThat(migrated.out()).contains(", as this build expects");

    Run checked = run(Main.CHECK_SCHEMA);
    assertThat(checked.exit()).as(checked.err()).isZero();
    assertThat(checked.out()).isEqualTo(migrated.out());

    DatabaseSettings db = DatabaseSettings.embedded(dir.resolve("data"));
    try (Connection c =
            DriverManager.getConnection(db.jdbcUrl(), db.effectiveUser(), db.effectivePassword());
        Statement s = c.createStatement()) {
      s.executeUpdate(
          "INSERT INTO flyway_schema_history"
              + " (installed_rank, version, description, type, script, checksum, installed_by,"
              + " execution_time, success)"
              + " VALUES (99, '99', 'from a newer release', 'SQL', 'V99__newer.sql', 0, 'test',"
              + " 1, TRUE)");
      if (!c.getAutoCommit()) {
        c.commit();
      }
    }
    Run ahead = run(Main.CHECK_SCHEMA);
    assertThat(ahead.exit()).isEqualTo(Main.SCHEMA_MISMATCH);
    assertThat(ahead.out()).contains("ahead of this build").contains("by a newer release: 99");
  }

  @Test
  void anUnknownCommandIsAUsageError() {
    Run r = run("migrat");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("unknown command 'migrat': expected serve, migrate, check-schema");
  }
}
