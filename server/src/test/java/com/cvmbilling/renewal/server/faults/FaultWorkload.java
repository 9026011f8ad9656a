package com.cvmbilling.renewal.server.faults;

import com.cvmbilling.renewal.v1.AdminServiceGrpc;
import com.cvmbilling.renewal.v1.CreateAccountRequest;
import com.cvmbilling.renewal.v1.CreateAccountResponse;
import com.cvmbilling.renewal.v1.CreateInstancesRequest;
import com.cvmbilling.renewal.v1.Instance;
import com.cvmbilling.renewal.v1.RenewInstancesRequest;
import com.cvmbilling.renewal.v1.RenewInstancesResponse;
import com.cvmbilling.renewal.v1.RenewalServiceGrpc;
import com.cvmbilling.renewal.v1.TopUpBalanceRequest;
import com.cvmbilling.renewal.v1.TopUpBalanceResponse;
import com.google.protobuf.Timestamp;
import com.google.type.Money;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.stub.MetadataUtils;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fault suite's load: a few hot accounts that most calls hit, some ordinary ones, and some that
 * cannot pay. Logical calls are renewals of 1 to 3 of an account's instances for 1, 2, 3 or 12
 * months, and top-ups by the operator; every logical call carries its own client token. A share of
 * them is sent twice (the repeat lands near the original, so many overlap in flight), and the calls
 * on the poor accounts must fail with INSUFFICIENT_BALANCE. Each sending runs through {@link
 * FaultClient} until it has a definite answer; the answers are kept for the invariant checker.
 */
final class FaultWorkload {
  private static final Logger log = LoggerFactory.getLogger(FaultWorkload.class);

  static final String INSTANCE_TYPE = "S5.SMALL2";
  static final long MONTHLY_RATE_FEN = 6_000; // S5.SMALL2 50.00 + 1 Mbps x 10.00
  static final int[] PERIODS = {1, 1, 1, 2, 3, 12};

  /** How big the load is. */
  record Shape(
      int hotAccounts,
      int instancesPerHot,
      int normalAccounts,
      int instancesPerNormal,
      int poorAccounts,
      int instancesPerPoor,
      int logicalCalls,
      double repeatShare,
      double poorShare,
      double topUpShare,
      double hotShare,
      int callers) {}

  record Account(
      int index,
      String accountId,
      String apiKey,
      ZoneId zone,
      long initialFen,
      boolean poor,
      List<String> instanceIds) {}

  /** An instance as created: its expiry and the local date-time its calendar is computed from. */
  record Created(
      String instanceId, int account, Instant expiry, LocalDateTime localExpiry, ZoneId zone) {}

  enum Kind {
    RENEW,
    TOP_UP
  }

  /** One logical call; {@code answers} holds the definite answer of each time it was sent. */
  static final class LogicalCall {
    final int id;
    final Kind kind;
    final int account;
    final List<String> instanceIds;
    final int months;
    final long topUpFen;
    final String token;
    final boolean mustFail;
    final List<FaultClient.Answer<?>> answers = new CopyOnWriteArrayList<>();

    LogicalCall(
        int id,
        Kind kind,
        int account,
        List<String> instanceIds,
        int months,
        long topUpFen,
        String token,
        boolean mustFail) {
      this.id = id;
      this.kind = kind;
      this.account = account;
      this.instanceIds = instanceIds;
      this.months = months;
      this.topUpFen = topUpFen;
      this.token = token;
      this.mustFail = mustFail;
    }

    @Override
    public String toString() {
      return kind
          + "#"
          + id
          + " account "
          + account
          + " "
          + instanceIds
          + " x"
          + months
          + " token "
          + token;
    }
  }

  final String adminKey;
  final Shape shape;
  final List<Account> accounts = new ArrayList<>();
  final Map<String, Created> instances = new ConcurrentHashMap<>();
  final List<LogicalCall> calls = new ArrayList<>();

  /** The order in which sendings are taken by the callers: every call once, a share twice. */
  final List<LogicalCall> sendings = new ArrayList<>();

  FaultWorkload(String adminKey, Shape shape) {
    this.adminKey = adminKey;
    this.shape = shape;
  }

  static Metadata bearer(String key) {
    Metadata md = new Metadata();
    md.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + key);
    return md;
  }

  static Money money(long fen) {
    return Money.newBuilder()
        .setCurrencyCode("CNY")
        .setUnits(fen / 100)
        .setNanos((int) (fen % 100) * 10_000_000)
        .build();
  }

  static long fen(Money m) {
    return m.getUnits() * 100 + m.getNanos() / 10_000_000;
  }

  /**
   * Accounts and instances through the admin API. Expiries fall on month ends (31st, 30th, 29th)
   * and mid-month, 00:00 local time, in Asia/Shanghai and UTC, so the calendar rules are exercised.
   */
  void setUp(ManagedChannel channel, long seed) {
    AdminServiceGrpc.AdminServiceBlockingStub admin =
        AdminServiceGrpc.newBlockingStub(channel)
            .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(bearer(adminKey)));
    int year = LocalDateTime.now().getYear() + 1;
    List<LocalDateTime> expiries =
        List.of(
            LocalDateTime.of(year, 1, 31, 0, 0),
            LocalDateTime.of(year, 3, 30, 0, 0),
            LocalDateTime.of(year, 5, 29, 0, 0),
            LocalDateTime.of(year, 8, 31, 0, 0),
            LocalDateTime.of(year, 12, 15, 0, 0));
    int index = 0;
    for (int group = 0; group < 3; group++) {
      int count =
          group == 0
              ? shape.hotAccounts()
              : group == 1 ? shape.normalAccounts() : shape.poorAccounts();
      int perAccount =
          group == 0
              ? shape.instancesPerHot()
              : group == 1 ? shape.instancesPerNormal() : shape.instancesPerPoor();
      boolean poor = group == 2;
      for (int a = 0; a < count; a++, index++) {
        ZoneId zone = ZoneId.of(index % 4 == 3 ? "UTC" : "Asia/Shanghai");
        long initial = poor ? 1 : 1_000_000_000L; // a poor account cannot pay for a single month
        CreateAccountResponse created =
            admin.createAccount(
                CreateAccountRequest.newBuilder()
                    .setDisplayName("faults " + index)
                    .setBillingTimeZone(zone.getId())
                    .setInitialBalance(money(initial))
                    .build());
        List<String> ids = new ArrayList<>();
        for (int k = 0; k < perAccount; k += 10) {
          LocalDateTime local = expiries.get((k / 10 + a) % expiries.size());
          Instant expiry = local.atZone(zone).toInstant();
          for (Instance i :
              admin
                  .createInstances(
                      CreateInstancesRequest.newBuilder()
                          .setAccountId(created.getAccount().getAccountId())
                          .setInstanceType(INSTANCE_TYPE)
                          .setChargeType(Instance.ChargeType.PREPAID)
                          .setBandwidthMbps(1)
                          .setCount(Math.min(10, perAccount - k))
                          .setExpiredTime(
                              Timestamp.newBuilder().setSeconds(expiry.getEpochSecond()))
                          .setClientToken("setup-" + index + "-" + k)
                          .build())
                  .getInstancesList()) {
            ids.add(i.getInstanceId());
            instances.put(
                i.getInstanceId(), new Created(i.getInstanceId(), index, expiry, local, zone));
          }
        }
        accounts.add(
            new Account(
                index,
                created.getAccount().getAccountId(),
                created.getApiKey(),
                zone,
                initial,
                poor,
                List.copyOf(ids)));
      }
    }
    generate(new Random(seed));
  }

  private void generate(Random random) {
    List<Account> hot = accounts.subList(0, shape.hotAccounts());
    List<Account> normal =
        accounts.subList(shape.hotAccounts(), shape.hotAccounts() + shape.normalAccounts());
    List<Account> poor =
        accounts.subList(shape.hotAccounts() + shape.normalAccounts(), accounts.size());
    String run = Long.toString(random.nextLong() & Long.MAX_VALUE, 36);
    for (int id = 0; id < shape.logicalCalls(); id++) {
      double dice = random.nextDouble();
      String token = "f-" + run + "-" + id;
      LogicalCall call;
      if (dice < shape.poorShare()) {
        Account a = poor.get(random.nextInt(poor.size()));
        call =
            new LogicalCall(
                id, Kind.RENEW, a.index(), pick(a, random), period(random), 0, token, true);
      } else if (dice < shape.poorShare() + shape.topUpShare()) {
        Account a =
            random.nextBoolean()
                ? hot.get(random.nextInt(hot.size()))
                : normal.get(random.nextInt(normal.size()));
        call =
            new LogicalCall(
                id,
                Kind.TOP_UP,
                a.index(),
                List.of(),
                0,
                100 + random.nextInt(100_000),
                token,
                false);
      } else {
        Account a =
            random.nextDouble() < shape.hotShare()
                ? hot.get(random.nextInt(hot.size()))
                : normal.get(random.nextInt(normal.size()));
        call =
            new LogicalCall(
                id, Kind.RENEW, a.index(), pick(a, random), period(random), 0, token, false);
      }
      calls.add(call);
    }
    // Each call once in order; a repeat of a share of them lands 0..2C sendings later, so that
    // many repeats are in flight together with their original.
    List<LogicalCall> order = new ArrayList<>(calls);
    List<LogicalCall> repeats = new ArrayList<>();
    for (LogicalCall c : calls) {
      if (random.nextDouble() < shape.repeatShare()) {
        repeats.add(c);
      }
    }
    for (LogicalCall c : repeats) {
      int at = Math.min(order.size(), order.indexOf(c) + 1 + random.nextInt(2 * shape.callers()));
      order.add(at, c);
    }
    sendings.addAll(order);
    log.info(
        "workload: {} accounts, {} instances, {} logical calls, {} sendings ({} repeats)",
        accounts.size(),
        instances.size(),
        calls.size(),
        sendings.size(),
        repeats.size());
  }

  private static List<String> pick(Account a, Random random) {
    List<String> ids = new ArrayList<>(a.instanceIds());
    Collections.shuffle(ids, random);
    return List.copyOf(ids.subList(0, 1 + random.nextInt(Math.min(3, ids.size()))));
  }

  private static int period(Random random) {
    return PERIODS[random.nextInt(PERIODS.length)];
  }

  /** Calls to run at a given share of sendings done (e.g. kill a replica at 35%). */
  record Trigger(double atShare, Runnable action) {}

  /**
   * Sends everything with {@code shape.callers()} threads; caller {@code w} prefers endpoint {@code
   * w}, so load spreads over the replicas. Triggers run on their own thread when the share of
   * finished sendings passes their mark (the load goes on meanwhile).
   */
  void run(FaultClient client, List<Trigger> triggers, Duration timeout)
      throws InterruptedException {
    AtomicInteger next = new AtomicInteger();
    AtomicInteger done = new AtomicInteger();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    List<Thread> threads = new ArrayList<>();
    for (int w = 0; w < shape.callers(); w++) {
      int worker = w;
      Thread t =
          new Thread(
              () -> {
                try {
                  int n;
                  while ((n = next.getAndIncrement()) < sendings.size() && failure.get() == null) {
                    LogicalCall call = sendings.get(n);
                    call.answers.add(send(client, worker, call));
                    done.incrementAndGet();
                  }
                } catch (Throwable e) {
                  failure.compareAndSet(null, e);
                }
              },
              "fault-caller-" + w);
      t.start();
      threads.add(t);
    }
    List<Thread> fired = new ArrayList<>();
    List<Trigger> pending = new ArrayList<>(triggers);
    long deadline = System.nanoTime() + timeout.toNanos();
    while (threads.stream().anyMatch(Thread::isAlive)) {
      double share = done.get() / (double) sendings.size();
      for (Trigger trigger : List.copyOf(pending)) {
        if (share >= trigger.atShare()) {
          pending.remove(trigger);
          Thread t =
              new Thread(
                  () -> {
                    try {
                      trigger.action().run();
                    } catch (Throwable e) {
                      failure.compareAndSet(null, e);
                    }
                  },
                  "fault-trigger");
          t.start();
          fired.add(t);
        }
      }
      if (System.nanoTime() > deadline) {
        failure.compareAndSet(
            null,
            new AssertionError(
                "load did not finish within "
                    + timeout
                    + ": "
                    + done.get()
                    + " of "
                    + sendings.size()
                    + " sendings done"));
        threads.forEach(Thread::interrupt);
        break;
      }
      Thread.sleep(10);
    }
    for (Thread t : threads) {
      t.join(TimeUnit.SECONDS.toMillis(30));
    }
    for (Thread t : fired) {
      t.join(TimeUnit.MINUTES.toMillis(2));
    }
    if (failure.get() != null) {
      throw new AssertionError("the load failed: " + failure.get(), failure.get());
    }
    if (!pending.isEmpty()) {
      throw new AssertionError("triggers never fired: " + pending.size());
    }
  }

  private FaultClient.Answer<?> send(FaultClient client, int worker, LogicalCall call) {
    Account a = accounts.get(call.account);
    long deadlineMs = client.attemptDeadline().toMillis();
    if (call.kind == Kind.RENEW) {
      RenewInstancesRequest request =
          RenewInstancesRequest.newBuilder()
              .addAllInstanceIds(call.instanceIds)
              .setPeriodMonths(call.months)
              .setClientToken(call.token)
              .build();
      return client.call(
          worker,
          ch ->
              RenewalServiceGrpc.newBlockingStub(ch)
                  .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(bearer(a.apiKey())))
                  .withDeadlineAfter(deadlineMs, TimeUnit.MILLISECONDS)
                  .renewInstances(request));
    }
    TopUpBalanceRequest request =
        TopUpBalanceRequest.newBuilder()
            .setAccountId(a.accountId())
            .setAmount(money(call.topUpFen))
            .setClientToken(call.token)
            .build();
    return client.call(
        worker,
        ch ->
            AdminServiceGrpc.newBlockingStub(ch)
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(bearer(adminKey)))
                .withDeadlineAfter(deadlineMs, TimeUnit.MILLISECONDS)
                .topUpBalance(request));
  }

  /** The renewal response of a logical call's first successful answer, or null. */
  static RenewInstancesResponse renewal(LogicalCall c) {
    return c.answers.stream()
        .filter(FaultClient.Answer::ok)
        .map(a -> (RenewInstancesResponse) a.response())
        .findFirst()
        .orElse(null);
  }

  static TopUpBalanceResponse topUp(LogicalCall c) {
    return c.answers.stream()
        .filter(FaultClient.Answer::ok)
        .map(a -> (TopUpBalanceResponse) a.response())
        .findFirst()
        .orElse(null);
  }
}
