package com.cvmbilling.renewal.server.testing;

import com.cvmbilling.renewal.server.persistence.DatabaseSettings;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Every row of every table, each table ordered by all its columns: two snapshots are equal exactly
 * when no data changed. For tests that must prove a request changed nothing.
 *
 * <p>One column is left out: {@code api_key.last_used_time_ms}, which authentication writes (at
 * most once per key cache time) whenever a key is presented, whatever the call then does; it
 * records that a key was used, not anything the request asked for.
 */
public record DatabaseSnapshot(Map<String, List<String>> tables) {
  /** "table.column" (lower case) of the columns left out, see above. */
  private static final Set<String> LEFT_OUT = Set.of("api_key.last_used_time_ms");

  public static DatabaseSnapshot take(DatabaseSettings db) {
    try (Connection c =
        DriverManager.getConnection(db.jdbcUrl(), db.effectiveUser(), db.effectivePassword())) {
      c.setReadOnly(true);
      List<String> names = new ArrayList<>();
      DatabaseMetaData meta = c.getMetaData();
      try (ResultSet rs =
          meta.getTables(
              c.getCatalog(), c.getSchema(), "%", new String[] {"TABLE", "BASE TABLE"})) {
        while (rs.next()) {
          names.add(rs.getString("TABLE_NAME"));
        }
      }
      if (names.isEmpty()) {
        throw new IllegalStateException("no tables found in " + db.redactedUrl());
      }
      Map<String, List<String>> tables = new TreeMap<>();
      for (String table : names) {
        tables.put(table.toLowerCase(java.util.Locale.ROOT), rows(c, table));
      }
      return new DatabaseSnapshot(tables);
    } catch (SQLException e) {
      throw new IllegalStateException("snapshot of " + db.redactedUrl() + " failed", e);
    }
  }

  private static List<String> rows(Connection c, String table) throws SQLException {
    int columns;
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT * FROM " + table + " WHERE 1 = 0")) {
      columns = rs.getMetaData().getColumnCount();
    }
    StringBuilder order = new StringBuilder();
    for (int i = 1; i <= columns; i++) {
      order.append(i == 1 ? "" : ", ").append(i);
    }
    List<String> rows = new ArrayList<>();
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT * FROM " + table + " ORDER BY " + order)) {
      ResultSetMetaData md = rs.getMetaData();
      while (rs.next()) {
        StringBuilder row = new StringBuilder();
        for (int i = 1; i <= columns; i++) {
          String column = md.getColumnLabel(i).toLowerCase(java.util.Locale.ROOT);
          if (LEFT_OUT.contains(table.toLowerCase(java.util.Locale.ROOT) + "." + column)) {
            continue;
          }
          Object v = rs.getObject(i);
          String text;
          if (v instanceof byte[] b) {
            text = HexFormat.of().formatHex(b);
          } else if (v instanceof java.sql.Blob blob) {
            text = HexFormat.of().formatHex(blob.getBytes(1, (int) blob.length()));
          } else if (v instanceof java.sql.Clob clob) {
            text = clob.getSubString(1, (int) clob.length());
          } else {
            text = String.valueOf(v);
          }
          row.append(row.length() == 0 ? "" : " | ").append(column).append('=').append(text);
        }
        rows.add(row.toString());
      }
    }
    return rows;
  }

  public int rowCount() {
    return tables.values().stream().mapToInt(List::size).sum();
  }

  /** Rows that are in one snapshot and not the other, table by table (empty = same data). */
  public List<String> differences(DatabaseSnapshot after) {
    List<String> out = new ArrayList<>();
    Set<String> names = new LinkedHashSet<>(tables.keySet());
    names.addAll(after.tables.keySet());
    for (String t : names) {
      List<String> before = tables.getOrDefault(t, List.of());
      List<String> now = after.tables.getOrDefault(t, List.of());
      for (String r : before) {
        if (!now.contains(r)) {
          out.add(t + " - " + r);
        }
      }
      for (String r : now) {
        if (!before.contains(r)) {
          out.add(t + " + " + r);
        }
      }
    }
    return out;
  }
}
