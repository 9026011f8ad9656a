package com.cvmbilling.renewal.server.concurrency;

import static org.assertj.core.api.Assertions.assertThat;

import com.cvmbilling.renewal.server.testing.Errors;
import com.cvmbilling.renewal.server.testing.TestDatabases;
import com.cvmbilling.renewal.server.testing.TestServer;
import com.cvmbilling.renewal.server.testing.TestServer.TestAccount;
import com.cvmbilling.renewal.server.testing.Tier;
import com.cvmbilling.renewal.v1.DescribeAccountRequest;
import com.cvmbilling.renewal.v1.DescribeInstancesRequest;
import com.cvmbilling.renewal.v1.Instance;
import com.cvmbilling.renewal.v1.InstanceRenewal;
import com.cvmbilling.renewal.v1.RenewInstancesRequest;
import com.cvmbilling.renewal.v1.RenewInstancesResponse;
import com.cvmbilling.renewal.v1.RenewalServiceGrpc.RenewalServiceBlockingStub;
import com.cvmbilling.renewal.v1.TopUpBalanceRequest;
import com.google.protobuf.Message;
import com.google.rpc.ErrorInfo;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.Year;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * SPEC 6 under real concurrency on MariaDB: 32 caller threads renew at once (the in-process server
 * runs each call on its caller's thread, so 32 transactions really overlap), the balance runs out
 * midway, and afterwards the database must tell one consistent story: no negative balance, no lost
 * or doubled renewal, one ledger row and one event per renewed thing, and failed calls leaving no
 * trace.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
@Tier.MariaDb
class ConcurrencyMariaDbTest {
  private static final ZoneId ZONE = ZoneId.of("Asia/Shanghai");
  private static final int THREADS = 32;
  private static final int CALLS_PER_THREAD = 3;

  /** S5.SMALL2 (50.00) + 1 Mbps (10.00) per month. */
  private static final long MONTHLY_FEN = 6_000;

  private static final long TOP_UP_FEN = 30_000;

  private TestDatabases.TestDatabase db;
  private TestServer server;
  private TestAccount account;
  private final AtomicInteger topUpsDone = new AtomicInteger();

  /**
   * Jan 31 next year, 10:00 in the billing zone: renewals clamp to Feb 28/29 and come back to the
   * 31st.
   */
  private LocalDateTime initialLocal;

  /** One call as sent and as answered. */
  private record Call(
      int thread,
      List<String> ids,
      int months,
      String token,
      RenewInstancesResponse response,
      StatusRuntimeException error) {

    boolean succeeded() {
      return response != null;
    }

    long costFen() {
      return MONTHLY_FEN * months * ids.size();
    }
  }

  private record LedgerRow(
      long recordId,
      String orderId,
      String type,
      long amountFen,
      long balanceAfterFen,
      String instanceIds) {}

  private record EventRow(
      long eventId, String type, String instanceId, Instant expiredTime, String orderId) {}

  @BeforeEach
  void setUp() {
    db = TestDatabases.mariaDb();
    server = new TestServer(db.settings());
    initialLocal = LocalDateTime.of(Year.now(ZONE).getValue() + 1, 1, 31, 10, 0);
  }

  @AfterEach
  void tearDown() {
    if (server != null) {
      server.close();
    }
    if (db != null) {
      db.close();
    }
  }

  @Test
  void overlappingBatchesWhileTheBalanceRunsOut() throws Exception {
    // Demand: 96 calls x ~2 instances x ~2 months x 60.00 ~ 23,000 CNY; the balance covers less
    // than half.
    long initialBalance = 900_000;
    account = server.createAccount(initialBalance);
    List<String> pool = ids(server.createPrepaid(account, "S5.SMALL2", 1, 10, initialInstant()));

    Random random = new Random(20270131L);
    List<List<RenewInstancesRequest>> plans = new ArrayList<>();
    for (int t = 0; t < THREADS; t++) {
      List<RenewInstancesRequest> calls = new ArrayList<>();
      for (int c = 0; c < CALLS_PER_THREAD; c++) {
        List<String> shuffled = new ArrayList<>(pool);
        Collections.shuffle(shuffled, random);
        RenewInstancesRequest.Builder request =
            RenewInstancesRequest.newBuilder()
                .addAllInstanceIds(shuffled.subList(0, 1 + random.nextInt(3)))
                .setPeriodMonths(1 + random.nextInt(3));
        if ((t + c) % 2 == 0) { // half of the calls go through the idempotency path
          request.setClientToken("conc-" + t + "-" + c);
        }
        calls.add(request.build());
      }
      plans.add(calls);
    }

    List<Call> calls = runConcurrently(plans);

    verify(initialBalance, 0, pool, calls);
    long succeeded = calls.stream().filter(Call::succeeded).count();
    assertThat(succeeded).as("some calls succeed").isPositive();
    assertThat(insufficient(calls)).as("the balance ran out midway").isNotEmpty();
  }

  @Test
  void allThreadsHammerTheSameInstance() throws Exception {
    // 96 one-month renewals of one instance; the balance pays for exactly 40 of them.
    long initialBalance = 40 * MONTHLY_FEN;
    account = server.createAccount(initialBalance);
    List<String> pool = ids(server.createPrepaid(account, "S5.SMALL2", 1, 1, initialInstant()));

    List<List<RenewInstancesRequest>> plans = new ArrayList<>();
    for (int t = 0; t < THREADS; t++) {
      List<RenewInstancesRequest> calls = new ArrayList<>();
      for (int c = 0; c < CALLS_PER_THREAD; c++) {
        RenewInstancesRequest.Builder request =
            RenewInstancesRequest.newBuilder().addAllInstanceIds(pool).setPeriodMonths(1);
        if (t % 2 == 0) {
          request.setClientToken("same-" + t + "-" + c);
        }
        calls.add(request.build());
      }
      plans.add(calls);
    }

    List<Call> calls = runConcurrently(plans);

    verify(initialBalance, 0, pool, calls);
    assertThat(calls.stream().filter(c -> !c.succeeded() && isConcurrentModification(c.error())))
        .as("one row, locked in order: nothing deadlocks, nothing aborts")
        .isEmpty();
    assertThat(calls.stream().filter(Call::succeeded).count())
        .as("exactly the 40 renewals the balance pays for succeed")
        .isEqualTo(40);
    assertThat(balance()).isZero();
    assertThat(insufficient(calls)).hasSize(THREADS * CALLS_PER_THREAD - 40);
  }

  @Test
  void renewalsRaceTopUps() throws Exception {
    // 28 threads renew overlapping batches while 4 threads top the account up: credits and debits
    // interleave on the same account row, and the ledger must still add up row by row.
    long initialBalance = 300_000;
    account = server.createAccount(initialBalance);
    List<String> pool = ids(server.createPrepaid(account, "S5.SMALL2", 1, 6, initialInstant()));

    Random random = new Random(7L);
    List<List<Message>> plans = new ArrayList<>();
    for (int t = 0; t < THREADS; t++) {
      List<Message> ops = new ArrayList<>();
      for (int c = 0; c < CALLS_PER_THREAD; c++) {
        if (t % 8 == 0) {
          ops.add(
              TopUpBalanceRequest.newBuilder()
                  .setAccountId(account.accountId())
                  .setAmount(TestServer.money(TOP_UP_FEN))
                  .setClientToken("top-up-" + t + "-" + c)
                  .build());
        } else {
          List<String> shuffled = new ArrayList<>(pool);
          Collections.shuffle(shuffled, random);
          ops.add(
              RenewInstancesRequest.newBuilder()
                  .addAllInstanceIds(shuffled.subList(0, 1 + random.nextInt(3)))
                  .setPeriodMonths(1 + random.nextInt(2))
                  .setClientToken("mixed-" + t + "-" + c)
                  .build());
        }
      }
      plans.add(ops);
    }

    List<Call> calls = runConcurrently(plans);

    long topUps = 4 * CALLS_PER_THREAD;
    assertThat(topUpsDone.get()).as("every top-up succeeds").isEqualTo(topUps);
    verify(initialBalance, topUps * TOP_UP_FEN, pool, calls);
    assertThat(calls.stream().filter(Call::succeeded).count()).isPositive();
  }

  // ---------------------------------------------------------------------------------------------

  private Instant initialInstant() {
    return initialLocal.atZone(ZONE).toInstant();
  }

  /**
   * The expiry after {@code months} months in all, by the anchor-day rule (Jan 31 -> Feb 28 -> Mar
   * 31).
   */
  private Instant expiryAfter(int months) {
    return initialLocal.plusMonths(months).atZone(ZONE).toInstant();
  }

  private static List<String> ids(List<Instance> instances) {
    return instances.stream().map(Instance::getInstanceId).toList();
  }

  /** Each thread runs its calls in order; all threads start at the same moment. */
  private List<Call> runConcurrently(List<? extends List<? extends Message>> plans)
      throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(plans.size());
    CountDownLatch ready = new CountDownLatch(plans.size());
    CountDownLatch go = new CountDownLatch(1);
    AtomicInteger inFlight = new AtomicInteger();
    AtomicInteger maxInFlight = new AtomicInteger();
    try {
      List<Future<List<Call>>> futures = new ArrayList<>();
      for (int t = 0; t < plans.size(); t++) {
        int thread = t;
        List<? extends Message> plan = plans.get(t);
        futures.add(
            pool.submit(
                () -> {
                  RenewalServiceBlockingStub stub = server.tenant(account);
                  List<Call> done = new ArrayList<>();
                  ready.countDown();
                  go.await();
                  for (Message op : plan) {
                    if (op instanceof TopUpBalanceRequest topUp) {
                      server.admin().withDeadlineAfter(30, TimeUnit.SECONDS).topUpBalance(topUp);
                      topUpsDone.incrementAndGet();
                      continue;
                    }
                    RenewInstancesRequest request = (RenewInstancesRequest) op;
                    List<String> ids = request.getInstanceIdsList();
                    maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
                    try {
                      RenewInstancesResponse response =
                          stub.withDeadlineAfter(30, TimeUnit.SECONDS).renewInstances(request);
                      done.add(
                          new Call(
                              thread,
                              ids,
                              request.getPeriodMonths(),
                              request.getClientToken(),
                              response,
                              null));
                    } catch (StatusRuntimeException e) {
                      done.add(
                          new Call(
                              thread,
                              ids,
                              request.getPeriodMonths(),
                              request.getClientToken(),
                              null,
                              e));
                    } finally {
                      inFlight.decrementAndGet();
                    }
                  }
                  return done;
                }));
      }
      assertThat(ready.await(20, TimeUnit.SECONDS)).isTrue();
      go.countDown();
      List<Call> all = new ArrayList<>();
      for (Future<List<Call>> f : futures) {
        all.addAll(f.get(60, TimeUnit.SECONDS));
      }
      assertThat(maxInFlight.get()).as("calls really overlapped").isGreaterThan(1);
      return all;
    } finally {
      pool.shutdownNow();
    }
  }

  private static boolean isConcurrentModification(StatusRuntimeException e) {
    return e.getStatus().getCode() == Status.Code.ABORTED
        && "CONCURRENT_MODIFICATION".equals(Errors.errorInfo(e).getReason());
  }

  private static List<Call> insufficient(List<Call> calls) {
    return calls.stream()
        .filter(
            c ->
                !c.succeeded()
                    && c.error().getStatus().getCode() == Status.Code.FAILED_PRECONDITION
                    && "INSUFFICIENT_BALANCE".equals(Errors.errorInfo(c.error()).getReason()))
        .toList();
  }

  private long balance() {
    return TestServer.fen(
        server
            .tenant(account)
            .describeAccount(DescribeAccountRequest.getDefaultInstance())
            .getAccount()
            .getBalance());
  }

  /** Everything that must hold after any interleaving. */
  /**
   * @param creditedFen what top-ups added during the run (besides the initial balance)
   */
  private void verify(long initialBalance, long creditedFen, List<String> pool, List<Call> calls)
      throws SQLException {
    System.out.printf(
        "%d calls: %d succeeded, %d INSUFFICIENT_BALANCE, %d other failures%n",
        calls.size(),
        calls.stream().filter(Call::succeeded).count(),
        insufficient(calls).size(),
        calls.stream().filter(c -> !c.succeeded()).count() - insufficient(calls).size());
    // 1. Every call either succeeded or failed for an allowed reason.
    List<String> unexpected = new ArrayList<>();
    for (Call c : calls) {
      if (c.succeeded()) {
        continue;
      }
      Status.Code code = c.error().getStatus().getCode();
      ErrorInfo info =
          code == Status.Code.FAILED_PRECONDITION || code == Status.Code.ABORTED
              ? Errors.errorInfo(c.error())
              : null;
      boolean allowed =
          (code == Status.Code.FAILED_PRECONDITION
                  && info.getReason().equals("INSUFFICIENT_BALANCE"))
              || (code == Status.Code.ABORTED
                  && info.getReason().equals("CONCURRENT_MODIFICATION"));
      if (!allowed) {
        unexpected.add(c.ids() + " x" + c.months() + " -> " + c.error().getStatus());
      }
    }
    assertThat(unexpected)
        .as(
            "calls that failed with a status other than INSUFFICIENT_BALANCE/CONCURRENT_MODIFICATION")
        .isEmpty();
    assertThat(calls.size() + topUpsDone.get())
        .as("every call answered")
        .isEqualTo(THREADS * CALLS_PER_THREAD);

    // 2. An INSUFFICIENT_BALANCE failure really could not be paid (without top-ups running, the
    //    balance it reports can only have fallen since).
    for (Call c : creditedFen > 0 ? List.<Call>of() : insufficient(calls)) {
      Map<String, String> meta = Errors.errorInfo(c.error()).getMetadataMap();
      BigDecimal required = new BigDecimal(meta.get("required"));
      BigDecimal reported = new BigDecimal(meta.get("balance"));
      assertThat(required).isEqualTo(BigDecimal.valueOf(c.costFen(), 2));
      assertThat(reported).as("balance reported by a failed call").isLessThan(required);
    }

    List<Call> succeeded = calls.stream().filter(Call::succeeded).toList();
    long charged = 0;
    Set<String> orderIds = new HashSet<>();
    for (Call c : succeeded) {
      RenewInstancesResponse r = c.response();
      assertThat(r.getOrderId()).startsWith("ord-");
      assertThat(orderIds.add(r.getOrderId())).as("order ids are unique").isTrue();
      assertThat(TestServer.fen(r.getTotalPrice())).isEqualTo(c.costFen());
      assertThat(r.getRenewalsList())
          .extracting(InstanceRenewal::getInstanceId)
          .containsExactlyElementsOf(c.ids());
      for (InstanceRenewal line : r.getRenewalsList()) {
        assertThat(TestServer.fen(line.getPrice().getDiscountPrice()))
            .isEqualTo(MONTHLY_FEN * c.months());
      }
      assertThat(TestServer.fen(r.getBalance())).as("balance after a charge").isNotNegative();
      charged += c.costFen();
    }

    // 3. Money: never negative, and initial = final + debits, both in the API and in the ledger.
    long finalBalance = balance();
    assertThat(finalBalance).isNotNegative();
    assertThat(finalBalance).isEqualTo(initialBalance + creditedFen - charged);

    String accountId = account.accountId();
    try (Connection c =
        DriverManager.getConnection(
            db.settings().url(), db.settings().user(), db.settings().password())) {
      assertThat(queryLong(c, "SELECT balance_fen FROM account WHERE account_id = ?", accountId))
          .isEqualTo(finalBalance);
      assertThat(
              queryLong(
                  c,
                  "SELECT MIN(balance_after_fen) FROM billing_record WHERE account_id = ?",
                  accountId))
          .as("no ledger row ever shows a negative balance")
          .isNotNegative();

      List<LedgerRow> ledger = ledger(c, accountId);
      assertThat(ledger.get(0).type()).isEqualTo("TOP_UP");
      assertThat(ledger.get(0).amountFen()).isEqualTo(initialBalance);
      List<LedgerRow> debits =
          ledger.subList(1, ledger.size()).stream()
              .filter(r -> !r.type().equals("TOP_UP"))
              .toList();
      assertThat(debits).extracting(LedgerRow::type).containsOnly("RENEW");
      long ledgerDebits = debits.stream().mapToLong(r -> -r.amountFen()).sum();
      long ledgerCredits =
          ledger.subList(1, ledger.size()).stream()
              .filter(r -> r.type().equals("TOP_UP"))
              .mapToLong(LedgerRow::amountFen)
              .sum();
      assertThat(ledgerCredits).isEqualTo(creditedFen);
      assertThat(initialBalance + ledgerCredits)
          .as("initial (+ top-ups) = final + sum of debits in billing_record")
          .isEqualTo(finalBalance + ledgerDebits);
      // The rows are written under the account's row lock, so in record_id order each balance
      // follows from the one before: no debit was computed from a stale balance.
      for (int i = 1; i < ledger.size(); i++) {
        assertThat(ledger.get(i).balanceAfterFen())
            .as("balance_after of record %d", ledger.get(i).recordId())
            .isEqualTo(ledger.get(i - 1).balanceAfterFen() + ledger.get(i).amountFen());
      }
      assertThat(ledger.get(ledger.size() - 1).balanceAfterFen()).isEqualTo(finalBalance);

      // 4. Each successful call has exactly one RENEW row, with its order id, total and instances.
      Map<String, List<LedgerRow>> byOrder =
          debits.stream().collect(Collectors.groupingBy(LedgerRow::orderId));
      assertThat(byOrder.keySet()).as("ledger orders = successful responses").isEqualTo(orderIds);
      for (Call call : succeeded) {
        List<LedgerRow> rows = byOrder.get(call.response().getOrderId());
        assertThat(rows).hasSize(1);
        LedgerRow row = rows.get(0);
        assertThat(-row.amountFen()).isEqualTo(TestServer.fen(call.response().getTotalPrice()));
        assertThat(row.balanceAfterFen()).isEqualTo(TestServer.fen(call.response().getBalance()));
        assertThat(Set.of(row.instanceIds().split(","))).isEqualTo(Set.copyOf(call.ids()));
      }

      // 5. Instances: each expiry advanced by exactly the successful renewals that included it,
      //    and the (old -> new) pairs of the responses form one unbroken chain per instance.
      Map<String, Integer> monthsPerInstance = new HashMap<>();
      Map<String, Integer> renewalsPerInstance = new HashMap<>();
      Map<String, TreeMap<Instant, Instant>> chains = new HashMap<>();
      for (String id : pool) {
        monthsPerInstance.put(id, 0);
        renewalsPerInstance.put(id, 0);
        chains.put(id, new TreeMap<>());
      }
      for (Call call : succeeded) {
        for (InstanceRenewal line : call.response().getRenewalsList()) {
          String id = line.getInstanceId();
          monthsPerInstance.merge(id, call.months(), Integer::sum);
          renewalsPerInstance.merge(id, 1, Integer::sum);
          Instant old = TestServer.instant(line.getOldExpiredTime());
          Instant neu = TestServer.instant(line.getNewExpiredTime());
          Instant clash = chains.get(id).put(old, neu);
          assertThat(clash)
              .as("two successful renewals of %s both started from %s (lost update)", id, old)
              .isNull();
        }
      }
      Map<String, Instance> finalInstances = new LinkedHashMap<>();
      server
          .tenant(account)
          .describeInstances(
              DescribeInstancesRequest.newBuilder()
                  .addAllInstanceIds(pool)
                  .setPageSize(100)
                  .build())
          .getInstancesList()
          .forEach(i -> finalInstances.put(i.getInstanceId(), i));
      assertThat(finalInstances.keySet()).containsExactlyInAnyOrderElementsOf(pool);
      for (String id : pool) {
        Instance i = finalInstances.get(id);
        Instant expected = expiryAfter(monthsPerInstance.get(id));
        assertThat(TestServer.instant(i.getExpiredTime()))
            .as("final expiry of %s", id)
            .isEqualTo(expected);
        assertThat(i.getState()).isEqualTo(Instance.State.RUNNING);
        assertThat(queryLong(c, "SELECT version FROM instance WHERE instance_id = ?", id))
            .as("version of %s counts its updates", id)
            .isEqualTo(1L + renewalsPerInstance.get(id));
        Instant cursor = initialInstant();
        for (Map.Entry<Instant, Instant> link : chains.get(id).entrySet()) {
          assertThat(link.getKey()).as("renewal chain of %s", id).isEqualTo(cursor);
          cursor = link.getValue();
        }
        assertThat(cursor).as("chain of %s ends at its final expiry", id).isEqualTo(expected);
      }

      // 6. Events: one RENEWED per renewed instance, each tied to its order, in chain order.
      List<EventRow> events = events(c, accountId);
      assertThat(events).extracting(EventRow::type).containsOnly("RENEWED");
      int renewedInstances = succeeded.stream().mapToInt(call -> call.ids().size()).sum();
      assertThat(events).as("events = renewed instances").hasSize(renewedInstances);
      Map<String, Set<String>> eventIdsByOrder = new HashMap<>();
      for (EventRow e : events) {
        eventIdsByOrder.computeIfAbsent(e.orderId(), k -> new HashSet<>()).add(e.instanceId());
      }
      for (Call call : succeeded) {
        assertThat(eventIdsByOrder.get(call.response().getOrderId()))
            .isEqualTo(Set.copyOf(call.ids()));
      }
      for (String id : pool) {
        List<Instant> eventExpiries =
            events.stream()
                .filter(e -> e.instanceId().equals(id))
                .map(EventRow::expiredTime)
                .toList();
        assertThat(eventExpiries)
            .as("events of %s in event_id order follow its renewals", id)
            .containsExactlyElementsOf(chains.get(id).values());
      }

      // 7. Failed calls left nothing behind, not even an idempotency marker.
      long tokensOfSuccesses =
          succeeded.stream().filter(call -> !call.token().isEmpty()).count()
              + creditedFen / TOP_UP_FEN;
      assertThat(
              queryLong(
                  c, "SELECT COUNT(*) FROM idempotency_record WHERE account_id = ?", accountId))
          .isEqualTo(tokensOfSuccesses);
      assertThat(
              queryLong(
                  c,
                  "SELECT COUNT(*) FROM idempotency_record WHERE account_id = ? AND state <> 'COMPLETED'",
                  accountId))
          .isZero();
    }
  }

  private static long queryLong(Connection c, String sql, String arg) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, arg);
      try (ResultSet rs = ps.executeQuery()) {
        assertThat(rs.next()).isTrue();
        return rs.getLong(1);
      }
    }
  }

  private static List<LedgerRow> ledger(Connection c, String accountId) throws SQLException {
    List<LedgerRow> rows = new ArrayList<>();
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT record_id, order_id, record_type, amount_fen, balance_after_fen, instance_ids "
                + "FROM billing_record WHERE account_id = ? ORDER BY record_id")) {
      ps.setString(1, accountId);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          rows.add(
              new LedgerRow(
                  rs.getLong(1),
                  rs.getString(2),
                  rs.getString(3),
                  rs.getLong(4),
                  rs.getLong(5),
                  rs.getString(6)));
        }
      }
    }
    return rows;
  }

  private static List<EventRow> events(Connection c, String accountId) throws SQLException {
    List<EventRow> rows = new ArrayList<>();
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT event_id, event_type, instance_id, expired_time_ms, order_id "
                + "FROM instance_event WHERE account_id = ? ORDER BY event_id")) {
      ps.setString(1, accountId);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          rows.add(
              new EventRow(
                  rs.getLong(1),
                  rs.getString(2),
                  rs.getString(3),
                  Instant.ofEpochMilli(rs.getLong(4)),
                  rs.getString(5)));
        }
      }
    }
    return rows;
  }
}
