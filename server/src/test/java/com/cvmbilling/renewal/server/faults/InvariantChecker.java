package com.cvmbilling.renewal.server.faults;

import com.cvmbilling.renewal.server.faults.FaultWorkload.Account;
import com.cvmbilling.renewal.server.faults.FaultWorkload.Created;
import com.cvmbilling.renewal.server.faults.FaultWorkload.Kind;
import com.cvmbilling.renewal.server.faults.FaultWorkload.LogicalCall;
import com.cvmbilling.renewal.v1.InstanceRenewal;
import com.cvmbilling.renewal.v1.RenewInstancesResponse;
import com.cvmbilling.renewal.v1.TopUpBalanceResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Proves from the database (plain JDBC) and the client's record of definite answers that no money
 * was lost or charged twice:
 *
 * <ul>
 *   <li>every logical call got a definite answer; the calls on poor accounts all failed with
 *       INSUFFICIENT_BALANCE and every other call succeeded; every answer to the same token is the
 *       same response (the same order, the same balance);
 *   <li>every account: balance = initial + successful top-ups - successful renewal charges (as the
 *       client saw them), the ledger rows add up to the balance, and it is never negative;
 *   <li>every renewal charge is the catalog price (60.00 CNY a month, 12 months at 85%);
 *   <li>every instance: expiry = initial expiry + the months of the successful calls that named it,
 *       by the calendar rules (computed here independently with java.time from the local date-time
 *       it was created with), and one RENEWED event per such call;
 *   <li>every token: at most one charge: one RENEW ledger row and one order per successful renewal
 *       token, one TOP_UP row per successful top-up token, no ledger row for anything else, and one
 *       completed idempotency record per successful token.
 * </ul>
 */
final class InvariantChecker {
  private final String jdbcUrl;
  private final String user;
  private final String password;
  private final List<String> problems = new ArrayList<>();

  InvariantChecker(String jdbcUrl, String user, String password) {
    this.jdbcUrl = jdbcUrl;
    this.user = user;
    this.password = password;
  }

  /** Counts of what was checked. */
  record Summary(
      int accounts,
      int instances,
      int logicalCalls,
      int succeeded,
      int insufficient,
      long renewedMonths,
      int ledgerRows) {}

  Summary check(FaultWorkload w) throws SQLException {
    int succeeded = 0;
    int insufficient = 0;
    Map<Integer, Long> expectedBalance = new HashMap<>();
    w.accounts.forEach(a -> expectedBalance.put(a.index(), a.initialFen()));
    Map<String, Integer> monthsOf = new HashMap<>();
    Map<String, Integer> renewalsOf = new HashMap<>();
    Map<String, LogicalCall> renewByOrder = new HashMap<>();
    int topUps = 0;
    long renewedMonths = 0;
    for (LogicalCall c : w.calls) {
      if (c.answers.isEmpty()) {
        problem(c + ": never answered");
        continue;
      }
      Set<Boolean> okSet =
          c.answers.stream().map(FaultClient.Answer::ok).collect(Collectors.toSet());
      if (okSet.size() > 1) {
        problem(c + ": answers disagree on success: " + c.answers);
        continue;
      }
      boolean ok = okSet.contains(true);
      if (c.mustFail) {
        if (ok) {
          problem(c + ": a poor account's call succeeded");
        } else if (!c.answers.stream().allMatch(a -> "INSUFFICIENT_BALANCE".equals(a.reason()))) {
          problem(
              c
                  + ": expected INSUFFICIENT_BALANCE, got "
                  + c.answers.stream().map(a -> a.error().getStatus() + "/" + a.reason()).toList());
        } else {
          insufficient++;
        }
        continue;
      }
      if (!ok) {
        problem(
            c
                + ": failed: "
                + c.answers.stream().map(a -> a.error().getStatus() + "/" + a.reason()).toList());
        continue;
      }
      succeeded++;
      if (c.answers.stream().map(a -> a.response()).distinct().count() != 1) {
        problem(
            c
                + ": the same token answered differently: "
                + c.answers.stream().map(a -> a.response()).toList());
      }
      if (c.kind == Kind.TOP_UP) {
        TopUpBalanceResponse r = FaultWorkload.topUp(c);
        expectedBalance.merge(c.account, c.topUpFen, Long::sum);
        topUps++;
        if (!r.getAccount().getAccountId().equals(w.accounts.get(c.account).accountId())) {
          problem(c + ": top-up answered for another account");
        }
        continue;
      }
      RenewInstancesResponse r = FaultWorkload.renewal(c);
      long expectedPrice = c.instanceIds.size() * price(c.months);
      long total = FaultWorkload.fen(r.getTotalPrice());
      if (total != expectedPrice) {
        problem(c + ": charged " + total + " fen, the catalog says " + expectedPrice);
      }
      expectedBalance.merge(c.account, -total, Long::sum);
      if (renewByOrder.put(r.getOrderId(), c) != null) {
        problem(c + ": order " + r.getOrderId() + " answered to two logical calls");
      }
      for (InstanceRenewal line : r.getRenewalsList()) {
        if (!c.instanceIds.contains(line.getInstanceId())) {
          problem(c + ": renewed an instance it did not name: " + line.getInstanceId());
        }
      }
      for (String id : c.instanceIds) {
        monthsOf.merge(id, c.months, Integer::sum);
        renewalsOf.merge(id, 1, Integer::sum);
        renewedMonths += c.months;
      }
    }

    int ledgerRows;
    try (Connection db = DriverManager.getConnection(jdbcUrl, user, password)) {
      // Accounts.
      Map<String, Long> balances = map(db, "SELECT account_id, balance_fen FROM account");
      Map<String, Long> ledgerSums =
          map(db, "SELECT account_id, SUM(amount_fen) FROM billing_record GROUP BY account_id");
      for (Account a : w.accounts) {
        long expected = expectedBalance.get(a.index());
        Long actual = balances.get(a.accountId());
        if (actual == null || actual != expected) {
          problem(
              "account "
                  + a.accountId()
                  + ": balance "
                  + actual
                  + ", expected initial "
                  + a.initialFen()
                  + " + top-ups - debits = "
                  + expected);
        }
        if (actual != null && actual < 0) {
          problem("account " + a.accountId() + ": negative balance " + actual);
        }
        if (!java.util.Objects.equals(ledgerSums.get(a.accountId()), actual)) {
          problem(
              "account "
                  + a.accountId()
                  + ": ledger sums to "
                  + ledgerSums.get(a.accountId())
                  + ", balance "
                  + actual);
        }
      }
      // Ledger rows: one RENEW row per successful renewal token, one TOP_UP row per top-up token
      // (plus each account's initial balance), nothing else.
      Map<String, Long> renewRows =
          map(
              db,
              "SELECT order_id, COUNT(*) FROM billing_record WHERE record_type = 'RENEW' GROUP BY order_id");
      for (Map.Entry<String, LogicalCall> e : renewByOrder.entrySet()) {
        if (renewRows.getOrDefault(e.getKey(), 0L) != 1) {
          problem(
              e.getValue()
                  + ": order "
                  + e.getKey()
                  + " has "
                  + renewRows.get(e.getKey())
                  + " RENEW rows");
        }
      }
      if (renewRows.size() != renewByOrder.size()) {
        problem(
            "RENEW orders in the ledger: "
                + renewRows.size()
                + ", successful renewal tokens: "
                + renewByOrder.size());
      }
      long initialTopUps = w.accounts.stream().filter(a -> a.initialFen() > 0).count();
      long topUpRows =
          scalar(db, "SELECT COUNT(*) FROM billing_record WHERE record_type = 'TOP_UP'");
      if (topUpRows != initialTopUps + topUps) {
        problem(
            "TOP_UP rows "
                + topUpRows
                + ", expected "
                + initialTopUps
                + " initial + "
                + topUps
                + " top-up tokens");
      }
      long otherRows =
          scalar(
              db,
              "SELECT COUNT(*) FROM billing_record WHERE record_type NOT IN ('RENEW', 'TOP_UP')");
      if (otherRows != 0) {
        problem(otherRows + " ledger rows of another type");
      }
      ledgerRows = (int) scalar(db, "SELECT COUNT(*) FROM billing_record");
      // RENEWED events: one per instance per successful renewal, each with its order.
      Map<String, Long> eventsPerOrder =
          map(
              db,
              "SELECT order_id, COUNT(*) FROM instance_event WHERE event_type = 'RENEWED' GROUP BY order_id");
      for (Map.Entry<String, LogicalCall> e : renewByOrder.entrySet()) {
        if (eventsPerOrder.getOrDefault(e.getKey(), 0L) != e.getValue().instanceIds.size()) {
          problem(
              e.getValue()
                  + ": order "
                  + e.getKey()
                  + " has "
                  + eventsPerOrder.get(e.getKey())
                  + " RENEWED events");
        }
      }
      if (eventsPerOrder.size() != renewByOrder.size()) {
        problem(
            "orders with RENEWED events: "
                + eventsPerOrder.size()
                + ", successful renewals: "
                + renewByOrder.size());
      }
      // Instances: expiry by the calendar, one event per renewal.
      Map<String, Long> expiries = map(db, "SELECT instance_id, expired_time_ms FROM instance");
      Map<String, Long> eventsPerInstance =
          map(
              db,
              "SELECT instance_id, COUNT(*) FROM instance_event WHERE event_type = 'RENEWED' GROUP BY instance_id");
      for (Created i : w.instances.values()) {
        int months = monthsOf.getOrDefault(i.instanceId(), 0);
        Instant expected = i.localExpiry().plusMonths(months).atZone(i.zone()).toInstant();
        Long actual = expiries.get(i.instanceId());
        if (actual == null || actual != expected.toEpochMilli()) {
          problem(
              "instance "
                  + i.instanceId()
                  + ": expiry "
                  + (actual == null ? null : Instant.ofEpochMilli(actual))
                  + ", expected "
                  + i.localExpiry()
                  + " "
                  + i.zone()
                  + " + "
                  + months
                  + " months = "
                  + expected);
        }
        long events = eventsPerInstance.getOrDefault(i.instanceId(), 0L);
        if (events != renewalsOf.getOrDefault(i.instanceId(), 0)) {
          problem(
              "instance "
                  + i.instanceId()
                  + ": "
                  + events
                  + " RENEWED events, "
                  + renewalsOf.getOrDefault(i.instanceId(), 0)
                  + " successful renewals");
        }
      }
      // Tokens: a completed idempotency record per successful token, none for the failed ones.
      long completedRenew =
          scalar(
              db,
              "SELECT COUNT(*) FROM idempotency_record WHERE method = 'RenewInstances' AND state = 'COMPLETED'");
      if (completedRenew != renewByOrder.size()) {
        problem(
            "completed RenewInstances tokens "
                + completedRenew
                + ", successful renewals "
                + renewByOrder.size());
      }
      long completedTopUps =
          scalar(
              db,
              "SELECT COUNT(*) FROM idempotency_record WHERE method = 'TopUpBalance' AND state = 'COMPLETED'");
      if (completedTopUps != topUps) {
        problem(
            "completed TopUpBalance tokens " + completedTopUps + ", successful top-ups " + topUps);
      }
    }
    return new Summary(
        w.accounts.size(),
        w.instances.size(),
        w.calls.size(),
        succeeded,
        insufficient,
        renewedMonths,
        ledgerRows);
  }

  /** The price of one instance for {@code months}: 60.00 CNY a month, 12 months at 85%. */
  static long price(int months) {
    long full = FaultWorkload.MONTHLY_RATE_FEN * months;
    int percent = months == 12 ? 85 : 100;
    return (full * percent + 50) / 100;
  }

  List<String> problems() {
    return List.copyOf(problems);
  }

  private void problem(String p) {
    problems.add(p);
  }

  private static Map<String, Long> map(Connection db, String sql) throws SQLException {
    Map<String, Long> out = new HashMap<>();
    try (PreparedStatement s = db.prepareStatement(sql);
        ResultSet rs = s.executeQuery()) {
      while (rs.next()) {
        out.put(rs.getString(1), rs.getLong(2));
      }
    }
    return out;
  }

  private static long scalar(Connection db, String sql) throws SQLException {
    try (PreparedStatement s = db.prepareStatement(sql);
        ResultSet rs = s.executeQuery()) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
