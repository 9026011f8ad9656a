package com.cvmbilling.renewal.server.bench;

import com.cvmbilling.renewal.server.domain.BillingCalendar;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The database ceiling of one renewal: exactly the statements the service sends for {@code
 * RenewInstances} (copied from the mapper XML in {@code
 * server/src/main/resources/com/cvmbilling/renewal/server/persistence/}, in the order {@code
 * InstanceService.renew} runs them through the stores), with the same row locks and one commit,
 * over a Hikari pool configured like the server's ({@code DataSources.create}) but with READ
 * COMMITTED as the pool default. Nothing else: no gRPC, no authentication lookup, no MyBatis, no
 * per-transaction session resets.
 *
 * <p>Per call: SELECT account; SELECT instances ... ORDER BY instance_id FOR UPDATE; UPDATE account
 * (guarded debit); SELECT balance; INSERT billing_record; for one instance UPDATE instance (version
 * check) and INSERT instance_event, for several one UPDATE ... CASE and one multi-row INSERT
 * (InstanceStore.saveRenewals, EventStore.events); COMMIT. With a client token also the idempotency
 * record, in the same transaction (IdempotencyService.once): INSERT idempotency_record first,
 * UPDATE ... COMPLETED with the response last. The prices are read once, at construction: since the
 * dated catalog (issue #12 point 3) the service reads a catalog version once per replica and checks
 * for a new one at most every 10 s, not per call.
 */
final class RawJdbcRenewal implements AutoCloseable {
  // AccountMapper.find
  static final String SELECT_ACCOUNT =
      "SELECT account_id, display_name, balance_fen, billing_time_zone, created_time_ms"
          + " FROM account WHERE account_id = ?";
  // InstanceMapper.findByIdsForUpdate (IN list expanded per call)
  static final String SELECT_INSTANCES_FOR_UPDATE_PREFIX =
      "SELECT instance_id, account_id, instance_type, charge_type, state, created_time_ms,"
          + " expired_time_ms, expiry_anchor_day, isolated_time_ms, released_time_ms, renew_flag,"
          + " auto_renew_period_months, bandwidth_mbps, version"
          + " FROM instance WHERE account_id = ? AND instance_id IN ";
  static final String SELECT_INSTANCES_FOR_UPDATE_SUFFIX = " ORDER BY instance_id FOR UPDATE";
  // PriceItemMapper (version 1, the benchmark's catalog), read once
  static final String SELECT_PRICES =
      "SELECT item_code, monthly_price_fen FROM price_catalog_item WHERE version = 1";
  // AccountMapper.debit
  static final String DEBIT =
      "UPDATE account SET balance_fen = balance_fen - ? WHERE account_id = ? AND balance_fen >= ?";
  // AccountMapper.balance
  static final String SELECT_BALANCE = "SELECT balance_fen FROM account WHERE account_id = ?";
  // BillingRecordMapper.insert
  static final String INSERT_RECORD =
      "INSERT INTO billing_record (account_id, order_id, record_type, amount_fen, balance_after_fen,"
          + " instance_ids, created_time_ms) VALUES (?, ?, ?, ?, ?, ?, ?)";
  // InstanceMapper.update (with its dueNowUnlessFinished CASE)
  static final String UPDATE_INSTANCE =
      "UPDATE instance SET state = ?, expired_time_ms = ?, expiry_anchor_day = ?, isolated_time_ms = ?,"
          + " released_time_ms = ?, renew_flag = ?, auto_renew_period_months = ?, bandwidth_mbps = ?,"
          + " version = ?, next_due_ms = CASE WHEN ? = 'PREPAID' AND ? <> 'RELEASED' THEN 0 END"
          + " WHERE instance_id = ? AND version = ? - 1";
  // EventMapper.insert
  static final String INSERT_EVENT =
      "INSERT INTO instance_event (account_id, event_type, instance_id, occurred_time_ms,"
          + " expired_time_ms, days_before, order_id) VALUES (?, ?, ?, ?, ?, ?, ?)";
  // IdempotencyMapper.insert / complete
  static final String INSERT_MARKER =
      "INSERT INTO idempotency_record (account_id, method, token_hash, request_hash, state, response,"
          + " started_time_ms, expires_time_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
  static final String COMPLETE_MARKER =
      "UPDATE idempotency_record SET state = 'COMPLETED', response = ?"
          + " WHERE account_id = ? AND method = ? AND token_hash = ? AND state = 'IN_PROGRESS'";

  private final HikariDataSource pool;
  private final Map<String, Long> prices = new HashMap<>();

  RawJdbcRenewal(String jdbcUrl, String user, String password, int poolSize) {
    HikariConfig config = new HikariConfig();
    config.setPoolName("raw-jdbc-baseline");
    config.setJdbcUrl(jdbcUrl);
    config.setUsername(user);
    config.setPassword(password);
    config.setMaximumPoolSize(poolSize);
    config.setMinimumIdle(poolSize);
    config.setAutoCommit(false);
    config.setTransactionIsolation("TRANSACTION_READ_COMMITTED");
    config.setConnectionTimeout(5_000);
    // The server's driver settings (DataSources.create).
    config.addDataSourceProperty("cachePrepStmts", "true");
    config.addDataSourceProperty("prepStmtCacheSize", "250");
    config.addDataSourceProperty("prepStmtCacheSqlLimit", "32768");
    config.addDataSourceProperty("useServerPrepStmts", "false");
    config.addDataSourceProperty("rewriteBatchedStatements", "true");
    config.addDataSourceProperty("connectTimeout", "5000");
    pool = new HikariDataSource(config);
    try (Connection c = pool.getConnection();
        PreparedStatement s = c.prepareStatement(SELECT_PRICES);
        ResultSet rs = s.executeQuery()) {
      while (rs.next()) {
        prices.put(rs.getString(1), rs.getLong(2));
      }
      c.commit();
    } catch (SQLException e) {
      pool.close();
      throw new IllegalStateException("cannot read the price catalog", e);
    }
  }

  /** One renewal transaction of these instances (all of one account) for {@code months}. */
  void renew(String accountId, List<String> instanceIds, int months, String clientToken)
      throws SQLException {
    try (Connection c = pool.getConnection()) {
      try {
        long now = System.currentTimeMillis();
        String tokenHash = null;
        if (clientToken != null) {
          tokenHash = sha256(clientToken);
          try (PreparedStatement s = c.prepareStatement(INSERT_MARKER)) {
            s.setString(1, accountId);
            s.setString(2, "RenewInstances");
            s.setString(3, tokenHash);
            s.setString(4, sha256(accountId + instanceIds + months));
            s.setString(5, "IN_PROGRESS");
            s.setNull(6, Types.BLOB);
            s.setLong(7, now);
            s.setLong(8, now + 86_400_000L);
            s.executeUpdate();
          }
        }
        ZoneId zone;
        try (PreparedStatement s = c.prepareStatement(SELECT_ACCOUNT)) {
          s.setString(1, accountId);
          try (ResultSet rs = s.executeQuery()) {
            if (!rs.next()) {
              throw new SQLException("no account " + accountId);
            }
            zone = ZoneId.of(rs.getString(4));
          }
        }
        List<Row> rows = new ArrayList<>(instanceIds.size());
        StringBuilder in = new StringBuilder("(");
        for (int i = 0; i < instanceIds.size(); i++) {
          in.append(i == 0 ? "?" : ",?");
        }
        in.append(")");
        try (PreparedStatement s =
            c.prepareStatement(
                SELECT_INSTANCES_FOR_UPDATE_PREFIX + in + SELECT_INSTANCES_FOR_UPDATE_SUFFIX)) {
          s.setString(1, accountId);
          for (int i = 0; i < instanceIds.size(); i++) {
            s.setString(i + 2, instanceIds.get(i));
          }
          try (ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
              rows.add(
                  new Row(
                      rs.getString(1),
                      rs.getString(3),
                      rs.getLong(7),
                      rs.getInt(8),
                      rs.getString(11),
                      rs.getInt(12),
                      rs.getInt(13),
                      rs.getLong(14)));
            }
          }
        }
        if (rows.size() != instanceIds.size()) {
          throw new SQLException("instances not found");
        }
        long total = 0;
        for (Row r : rows) {
          total += (prices.get(r.type) + r.bandwidth * prices.get("BANDWIDTH_MBPS")) * months;
        }
        try (PreparedStatement s = c.prepareStatement(DEBIT)) {
          s.setLong(1, total);
          s.setString(2, accountId);
          s.setLong(3, total);
          if (s.executeUpdate() != 1) {
            throw new SQLException("insufficient balance");
          }
        }
        long balance;
        try (PreparedStatement s = c.prepareStatement(SELECT_BALANCE)) {
          s.setString(1, accountId);
          try (ResultSet rs = s.executeQuery()) {
            rs.next();
            balance = rs.getLong(1);
          }
        }
        String orderId = "ord-" + randomId(20);
        try (PreparedStatement s = c.prepareStatement(INSERT_RECORD)) {
          s.setString(1, accountId);
          s.setString(2, orderId);
          s.setString(3, "RENEW");
          s.setLong(4, -total);
          s.setLong(5, balance);
          s.setString(6, String.join(",", instanceIds));
          s.setLong(7, now);
          s.executeUpdate();
        }
        if (rows.size() > 1) {
          renewAll(c, accountId, rows, months, zone, orderId, now);
        }
        for (Row r : rows.size() > 1 ? List.<Row>of() : rows) {
          long newExpiry =
              BillingCalendar.addMonths(Instant.ofEpochMilli(r.expiry), months, r.anchor, zone)
                  .toEpochMilli();
          try (PreparedStatement s = c.prepareStatement(UPDATE_INSTANCE)) {
            s.setString(1, "RUNNING");
            s.setLong(2, newExpiry);
            s.setInt(3, r.anchor);
            s.setNull(4, Types.BIGINT);
            s.setNull(5, Types.BIGINT);
            s.setString(6, r.flag);
            s.setInt(7, r.autoMonths);
            s.setInt(8, r.bandwidth);
            s.setLong(9, r.version + 1);
            s.setString(10, "PREPAID");
            s.setString(11, "RUNNING");
            s.setString(12, r.id);
            s.setLong(13, r.version + 1);
            if (s.executeUpdate() != 1) {
              throw new SQLException("concurrent modification of " + r.id);
            }
          }
          try (PreparedStatement s = c.prepareStatement(INSERT_EVENT)) {
            s.setString(1, accountId);
            s.setString(2, "RENEWED");
            s.setString(3, r.id);
            s.setLong(4, now);
            s.setLong(5, newExpiry);
            s.setInt(6, 0);
            s.setString(7, orderId);
            s.executeUpdate();
          }
        }
        if (tokenHash != null) {
          try (PreparedStatement s = c.prepareStatement(COMPLETE_MARKER)) {
            byte[] response = new byte[120 + 60 * rows.size()];
            ThreadLocalRandom.current().nextBytes(response);
            s.setBytes(1, response);
            s.setString(2, accountId);
            s.setString(3, "RenewInstances");
            s.setString(4, tokenHash);
            if (s.executeUpdate() != 1) {
              throw new SQLException("marker vanished");
            }
          }
        }
        c.commit();
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      }
    }
  }

  /** Several instances: InstanceMapper.renewAll and EventMapper.insertAll. */
  private static void renewAll(
      Connection c,
      String accountId,
      List<Row> rows,
      int months,
      ZoneId zone,
      String orderId,
      long now)
      throws SQLException {
    long[] expiries = new long[rows.size()];
    for (int i = 0; i < rows.size(); i++) {
      Row r = rows.get(i);
      expiries[i] =
          BillingCalendar.addMonths(Instant.ofEpochMilli(r.expiry), months, r.anchor, zone)
              .toEpochMilli();
    }
    String when = " WHEN ? THEN ?".repeat(rows.size());
    String in = "(" + "?,".repeat(rows.size() - 1) + "?)";
    String update =
        "UPDATE instance SET state = 'RUNNING', expired_time_ms = CASE instance_id"
            + when
            + " END,"
            + " expiry_anchor_day = CASE instance_id"
            + when
            + " END, isolated_time_ms = NULL, released_time_ms = NULL,"
            + " bandwidth_mbps = CASE instance_id"
            + when
            + " END, version = version + 1, next_due_ms = 0"
            + " WHERE instance_id IN "
            + in
            + " AND version = CASE instance_id"
            + " WHEN ? THEN ? - 1".repeat(rows.size())
            + " END";
    try (PreparedStatement s = c.prepareStatement(update)) {
      int p = 1;
      for (int i = 0; i < rows.size(); i++) {
        s.setString(p++, rows.get(i).id);
        s.setLong(p++, expiries[i]);
      }
      for (Row r : rows) {
        s.setString(p++, r.id);
        s.setInt(p++, r.anchor);
      }
      for (Row r : rows) {
        s.setString(p++, r.id);
        s.setInt(p++, r.bandwidth);
      }
      for (Row r : rows) {
        s.setString(p++, r.id);
      }
      for (Row r : rows) {
        s.setString(p++, r.id);
        s.setLong(p++, r.version + 1);
      }
      if (s.executeUpdate() != rows.size()) {
        throw new SQLException("concurrent modification");
      }
    }
    String insert =
        "INSERT INTO instance_event (account_id, event_type, instance_id, occurred_time_ms,"
            + " expired_time_ms, days_before, order_id) VALUES "
            + String.join(",", java.util.Collections.nCopies(rows.size(), "(?, ?, ?, ?, ?, ?, ?)"));
    try (PreparedStatement s = c.prepareStatement(insert)) {
      int p = 1;
      for (int i = 0; i < rows.size(); i++) {
        s.setString(p++, accountId);
        s.setString(p++, "RENEWED");
        s.setString(p++, rows.get(i).id);
        s.setLong(p++, now);
        s.setLong(p++, expiries[i]);
        s.setInt(p++, 0);
        s.setString(p++, orderId);
      }
      s.executeUpdate();
    }
  }

  private record Row(
      String id,
      String type,
      long expiry,
      int anchor,
      String flag,
      int autoMonths,
      int bandwidth,
      long version) {}

  static String randomId(int length) {
    String alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
    StringBuilder b = new StringBuilder(length);
    ThreadLocalRandom r = ThreadLocalRandom.current();
    for (int i = 0; i < length; i++) {
      b.append(alphabet.charAt(r.nextInt(alphabet.length())));
    }
    return b.toString();
  }

  static String sha256(String s) {
    try {
      byte[] d =
          java.security.MessageDigest.getInstance("SHA-256")
              .digest(s.getBytes(java.nio.charset.StandardCharsets.UTF_8));
      return java.util.HexFormat.of().formatHex(d);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    pool.close();
  }
}
