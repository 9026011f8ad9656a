package com.cvmbilling.renewal.server.production;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import com.cvmbilling.renewal.server.testing.DatabaseSnapshot;
import com.cvmbilling.renewal.server.testing.TcpTestServer;
import com.cvmbilling.renewal.server.testing.TestDatabases;
import com.cvmbilling.renewal.server.testing.TestServer.TestAccount;
import com.cvmbilling.renewal.server.testing.Tier;
import com.cvmbilling.renewal.v1.CreateInstancesRequest;
import com.cvmbilling.renewal.v1.DescribeAccountRequest;
import com.cvmbilling.renewal.v1.Instance;
import com.cvmbilling.renewal.v1.RenewalServiceGrpc;
import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.Message;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.protobuf.ProtoMethodDescriptorSupplier;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Sends random and mutated requests to every RPC of a running server (Netty over loopback, H2):
 * random bytes as bodies, byte-level mutations of well-formed requests, structured requests with
 * boundary values, huge and duplicate lists, invalid UTF-8, unknown enum numbers and unknown
 * fields, missing and oversized fields, and bad, missing, misplaced and oversized credentials.
 *
 * <p>Asserted: no call ends INTERNAL or UNKNOWN (or DATA_LOSS, or past its deadline); every request
 * built to be refused is refused; the server stays healthy throughout; and the database is row for
 * row the same afterwards. Every request that could change data is built so that it must be refused
 * (a poison that survives any bytes around it, see {@link #poison}); requests to read-only methods
 * may succeed. The data's instances expire in 9 years and nothing else is scheduled, so no
 * lifecycle step could change data either.
 *
 * <p>Count: {@code -Dfuzz.requests=N} (default 5,000 for CI; the full run is 100,000). Seed: {@code
 * -Dfuzz.seed}. The figures go to {@code target/fuzz-report.txt} and the test output.
 */
@Tier.Fuzz
@Tier.H2
@Tier.Network
class FuzzTest {
  private static final int DEFAULT_REQUESTS = 5_000;
  private static final int IN_FLIGHT = 32;
  private static final long UNARY_DEADLINE_MS = 30_000;
  private static final long WATCH_DEADLINE_MS = 150;

  /** As far as provisioning allows (10 years): no lifecycle step falls due during the run. */
  private static final Instant FAR_EXPIRY = Instant.now().plus(Duration.ofDays(9 * 365));

  /** What the generator did to the body. */
  enum Strategy {
    RANDOM_BYTES,
    MUTATED,
    STRUCTURED,
    STRUCTURED_INVALID_UTF8,
    STRUCTURED_UNKNOWN_FIELDS,
    EMPTY
  }

  /** Which credentials were sent. */
  enum Credential {
    PROPER,
    LOWERCASE_SCHEME,
    NONE,
    EMPTY,
    UNKNOWN_KEY,
    WRONG_SCHEME,
    WRONG_KIND,
    RANDOM_ASCII,
    LONG_KEY
  }

  record Planned(
      MethodDescriptor<byte[], byte[]> method,
      byte[] body,
      Metadata headers,
      boolean mustReject,
      Strategy strategy,
      Credential credential) {}

  private final Random random = new Random(Long.getLong("fuzz.seed", 20261126L));
  private final List<String> failures = Collections.synchronizedList(new ArrayList<>());

  // The data the requests aim at.
  private TestAccount rich;
  private TestAccount broke;
  private List<String> richIds;
  private List<String> brokeIds;

  @Test
  void randomAndMutatedRequestsNeverBreakTheServerOrChangeData() throws Exception {
    int total = Integer.getInteger("fuzz.requests", DEFAULT_REQUESTS);
    try (TestDatabases.TestDatabase db = TestDatabases.h2();
        TcpTestServer server = new TcpTestServer(db.settings(), b -> b.testClock(true, null));
        LogCapture errors = LogCapture.root()) {
      seed(server);
      DatabaseSnapshot before = DatabaseSnapshot.take(db.settings());
      ManagedChannel[] channels = {
        NettyChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build(),
        NettyChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build()
      };
      List<MethodDescriptor<?, ?>> methods = RawCalls.keyedMethods();
      Map<String, Map<Status.Code, AtomicLong>> statuses = new ConcurrentHashMap<>();
      Map<Strategy, AtomicLong> strategies = new EnumMap<>(Strategy.class);
      Map<Credential, AtomicLong> credentials = new EnumMap<>(Credential.class);
      Semaphore inFlight = new Semaphore(IN_FLIGHT);
      AtomicLong bytesSent = new AtomicLong();
      ConcurrentLinkedQueue<Throwable> crashes = new ConcurrentLinkedQueue<>();
      long start = System.nanoTime();
      for (int i = 0; i < total; i++) {
        Planned p = plan(methods.get(random.nextInt(methods.size())));
        strategies.computeIfAbsent(p.strategy(), k -> new AtomicLong()).incrementAndGet();
        credentials.computeIfAbsent(p.credential(), k -> new AtomicLong()).incrementAndGet();
        bytesSent.addAndGet(p.body().length);
        boolean watch = p.method().getType() == MethodDescriptor.MethodType.SERVER_STREAMING;
        inFlight.acquire();
        RawCalls.start(
                channels[i % channels.length],
                p.method(),
                p.body(),
                p.headers(),
                watch ? WATCH_DEADLINE_MS : UNARY_DEADLINE_MS)
            .whenComplete(
                (r, t) -> {
                  try {
                    if (t != null) {
                      crashes.add(t);
                    } else {
                      judge(p, r, statuses);
                    }
                  } finally {
                    inFlight.release();
                  }
                });
        if (i > 0 && i % 5_000 == 0) {
          assertHealthy(server, "after " + i + " requests");
        }
      }
      inFlight.acquire(IN_FLIGHT);
      double seconds = (System.nanoTime() - start) / 1e9;
      for (ManagedChannel c : channels) {
        c.shutdownNow();
      }

      assertHealthy(server, "after all " + total + " requests");
      // Still serving real work.
      assertThat(
              server
                  .tenant(rich.apiKey())
                  .describeAccount(DescribeAccountRequest.getDefaultInstance())
                  .getAccount()
                  .getAccountId())
          .isEqualTo(rich.accountId());
      DatabaseSnapshot after = DatabaseSnapshot.take(db.settings());

      String report =
          report(total, seconds, bytesSent.get(), statuses, strategies, credentials)
              + "  redrawn because the bytes around a poison undid it: "
              + resampled.get()
              + "\n";
      System.out.println(report);
      Files.writeString(Path.of("target", "fuzz-report.txt"), report, StandardCharsets.UTF_8);

      assertThat(crashes).as("client-side failures").isEmpty();
      assertThat(failures).as("calls that broke a rule (first 20)").isEmpty();
      assertThat(before.differences(after)).as("rows changed by refused requests").isEmpty();
      assertThat(after).isEqualTo(before);
      assertThat(
              errors.events().stream()
                  .filter(e -> e.getLevel().isGreaterOrEqual(Level.ERROR))
                  .map(e -> e.getLoggerName() + ": " + e.getFormattedMessage())
                  .toList())
          .as("ERROR log lines (unexpected failures)")
          .isEmpty();
    }
  }

  private void seed(TcpTestServer server) {
    rich = server.createAccount(100_000_000);
    broke = server.createAccount(0);
    richIds =
        new ArrayList<>(
            server.createPrepaid(rich, 3, FAR_EXPIRY).stream()
                .map(Instance::getInstanceId)
                .toList());
    richIds.addAll(
        server
            .admin()
            .createInstances(
                CreateInstancesRequest.newBuilder()
                    .setAccountId(rich.accountId())
                    .setInstanceType("S5.MEDIUM4")
                    .setChargeType(Instance.ChargeType.POSTPAID_BY_HOUR)
                    .setBandwidthMbps(2)
                    .build())
            .getInstancesList()
            .stream()
            .map(Instance::getInstanceId)
            .toList());
    brokeIds =
        server.createPrepaid(broke, 2, FAR_EXPIRY).stream().map(Instance::getInstanceId).toList();
  }

  private static void assertHealthy(TcpTestServer server, String when) {
    assertThat(
            HealthGrpc.newBlockingStub(server.channel())
                .withDeadlineAfter(30, TimeUnit.SECONDS)
                .check(HealthCheckRequest.getDefaultInstance())
                .getStatus())
        .as("health %s", when)
        .isEqualTo(ServingStatus.SERVING);
  }

  private void judge(
      Planned p, RawCalls.Result r, Map<String, Map<Status.Code, AtomicLong>> statuses) {
    Status.Code code = r.code();
    statuses
        .computeIfAbsent(p.method().getFullMethodName(), k -> new ConcurrentHashMap<>())
        .computeIfAbsent(code, k -> new AtomicLong())
        .incrementAndGet();
    boolean watch = p.method().getType() == MethodDescriptor.MethodType.SERVER_STREAMING;
    String problem = null;
    if (code == Status.Code.INTERNAL
        || code == Status.Code.UNKNOWN
        || code == Status.Code.DATA_LOSS) {
      problem = "status " + r.status();
    } else if (code == Status.Code.DEADLINE_EXCEEDED && !watch) {
      problem = "past its deadline";
    } else if (code == Status.Code.UNAVAILABLE) {
      problem = "UNAVAILABLE: " + r.status();
    } else if (p.mustReject() && code == Status.Code.OK) {
      problem = "accepted a request built to be refused";
    }
    if (problem != null && failures.size() < 20) {
      failures.add(
          p.method().getFullMethodName()
              + " ["
              + p.strategy()
              + ", "
              + p.credential()
              + "] "
              + problem
              + " body="
              + HexFormat.of().formatHex(p.body(), 0, Math.min(p.body().length, 96)));
    }
  }

  private static String report(
      int total,
      double seconds,
      long bytes,
      Map<String, Map<Status.Code, AtomicLong>> statuses,
      Map<Strategy, AtomicLong> strategies,
      Map<Credential, AtomicLong> credentials) {
    Map<Status.Code, Long> overall = new TreeMap<>();
    StringBuilder perMethod = new StringBuilder();
    new TreeMap<>(statuses)
        .forEach(
            (method, codes) -> {
              Map<Status.Code, Long> sorted = new TreeMap<>();
              codes.forEach(
                  (c, n) -> {
                    sorted.put(c, n.get());
                    overall.merge(c, n.get(), Long::sum);
                  });
              perMethod.append("  ").append(method).append(' ').append(sorted).append('\n');
            });
    return String.format(
        "fuzz: %d requests in %.1f s (%.0f/s), %d body bytes, seed %d%n  statuses: %s%n  bodies: %s%n  credentials: %s%n%s",
        total,
        seconds,
        total / seconds,
        bytes,
        Long.getLong("fuzz.seed", 20261126L),
        overall,
        strategies,
        credentials,
        perMethod);
  }

  // ---------------------------------------------------------------------------------------------
  // Request generation

  private Planned plan(MethodDescriptor<?, ?> method) {
    Descriptor type = requestType(method);
    String service = method.getServiceName();
    boolean tenantService = RenewalServiceGrpc.SERVICE_NAME.equals(service);
    Credential credential = pickCredential();
    // Which tenant calls: the broke one makes every renewal unpayable.
    TestAccount caller = random.nextBoolean() ? rich : broke;
    String properKey = tenantService ? caller.apiKey() : TcpTestServer.ADMIN_KEY;
    Metadata headers = headers(credential, properKey, tenantService);
    boolean authorized =
        credential == Credential.PROPER || credential == Credential.LOWERCASE_SCHEME;

    Strategy strategy = pickStrategy();
    byte[] body =
        switch (strategy) {
          case EMPTY -> new byte[0];
          case RANDOM_BYTES ->
              randomBytes(random.nextInt(10) == 0 ? random.nextInt(4096) : random.nextInt(64));
          case MUTATED -> mutate(structured(type, caller).toByteArray());
          case STRUCTURED -> structured(type, caller).toByteArray();
          case STRUCTURED_INVALID_UTF8 ->
              concat(structured(type, caller).toByteArray(), invalidUtf8Field(type));
          case STRUCTURED_UNKNOWN_FIELDS ->
              concat(structured(type, caller).toByteArray(), unknownFields());
        };
    boolean mutating = mutating(method);
    boolean mustReject = !authorized || mutating;
    if (mutating && authorized) {
      body = poison(method, body, caller);
      Boolean refused = certainlyRefused(method, body, caller);
      if (refused == null) {
        resampled.incrementAndGet();
        return plan(method); // the bytes around the poison undid it: draw another request
      }
      mustReject = refused;
    }
    return new Planned(RawCalls.raw(method), body, headers, mustReject, strategy, credential);
  }

  private final AtomicLong resampled = new AtomicLong();

  /**
   * Parses the final bytes as the server will (same parser) and checks that the poison held: true =
   * the server must refuse it; false = it may succeed without changing data (a dry run); null = it
   * might change data: not to be sent.
   */
  private Boolean certainlyRefused(MethodDescriptor<?, ?> method, byte[] body, TestAccount caller) {
    Message m;
    try {
      m = (Message) method.parseRequest(new java.io.ByteArrayInputStream(body));
    } catch (RuntimeException unparseable) {
      return true; // MALFORMED_REQUEST
    }
    Descriptor d = m.getDescriptorForType();
    switch (method.getBareMethodName()) {
      case "RenewInstances", "SetAutoRenew", "SetUnifiedExpiry", "TerminateInstances" -> {
        @SuppressWarnings("unchecked")
        List<String> ids = (List<String>) m.getField(d.findFieldByName("instance_ids"));
        List<String> own = caller == rich ? richIds : brokeIds;
        boolean foreignOrBad = ids.stream().anyMatch(id -> !own.contains(id));
        FieldDescriptor dryRun = d.findFieldByName("dry_run");
        if (dryRun != null && (Boolean) m.getField(dryRun)) {
          return false; // refused or a dry run: either way nothing is written
        }
        if (foreignOrBad) {
          return true;
        }
        return method.getBareMethodName().equals("RenewInstances") && caller == broke
            ? Boolean.TRUE
            : null;
      }
      case "CreateAccount" -> {
        Message money = (Message) m.getField(d.findFieldByName("initial_balance"));
        String zone = (String) m.getField(d.findFieldByName("billing_time_zone"));
        String currency =
            (String) money.getField(money.getDescriptorForType().findFieldByName("currency_code"));
        long units = (Long) money.getField(money.getDescriptorForType().findFieldByName("units"));
        return zone.equals("Not/A_Zone")
                || !(currency.isEmpty() || currency.equals("CNY"))
                || units < 0
            ? Boolean.TRUE
            : null;
      }
      case "CreateApiKey", "TopUpBalance", "CreateInstances" -> {
        String account = (String) m.getField(d.findFieldByName("account_id"));
        return account.equals(rich.accountId()) || account.equals(broke.accountId())
            ? null
            : Boolean.TRUE;
      }
      case "RevokeApiKey" -> {
        String keyId = (String) m.getField(d.findFieldByName("key_id"));
        return keyId.startsWith("key-ffff") || keyId.startsWith("BAD!") ? Boolean.TRUE : null;
      }
      case "AdvanceTime" -> {
        FieldDescriptor byField = d.findFieldByName("by");
        if (!m.hasField(byField)) {
          return null;
        }
        Message by = (Message) m.getField(byField);
        long seconds = (Long) by.getField(by.getDescriptorForType().findFieldByName("seconds"));
        int nanos = (Integer) by.getField(by.getDescriptorForType().findFieldByName("nanos"));
        return seconds < 0 || nanos < 0 || nanos > 999_999_999 ? Boolean.TRUE : null;
      }
      case "SetPriceCatalog" -> {
        FieldDescriptor at = d.findFieldByName("effective_time");
        if (!m.hasField(at)) {
          return Boolean.TRUE; // effective_time is required
        }
        Message ts = (Message) m.getField(at);
        long seconds = (Long) ts.getField(ts.getDescriptorForType().findFieldByName("seconds"));
        return seconds < 1_000_000_000L ? Boolean.TRUE : null; // before 2001: in the past
      }
      default -> throw new IllegalStateException(method.getFullMethodName());
    }
  }

  private static Descriptor requestType(MethodDescriptor<?, ?> method) {
    Object schema = method.getSchemaDescriptor();
    return ((ProtoMethodDescriptorSupplier) schema).getMethodDescriptor().getInputType();
  }

  private static final Set<String> READ_ONLY =
      Set.of(
          "InquiryPriceRenewInstances",
          "InquiryPriceUnifiedExpiry",
          "DescribeInstances",
          "DescribeAccount",
          "DescribeBillingRecords",
          "DescribePrices",
          "DescribeRenewalForecast",
          "ListEvents",
          "WatchEvents",
          "GetTime",
          "DescribePriceCatalog",
          "ListApiKeys");

  static boolean mutating(MethodDescriptor<?, ?> method) {
    return !READ_ONLY.contains(method.getBareMethodName());
  }

  /**
   * Makes a request to a method that changes data certain to be refused, whatever bytes surround
   * it. Lists of instance ids get a first element that is malformed, unknown, or another account's
   * (repeated fields accumulate, so later bytes cannot remove it; bytes that do not parse are
   * refused anyway). Singular fields are set to refused values both before and after the body (the
   * last occurrence of a field wins, and the body cannot swallow the leading copy). RenewInstances
   * by the account without money needs no poison: it can never pay.
   */
  private byte[] poison(MethodDescriptor<?, ?> method, byte[] body, TestAccount caller) {
    String name = method.getBareMethodName();
    switch (name) {
      case "RenewInstances", "SetAutoRenew", "SetUnifiedExpiry", "TerminateInstances" -> {
        if (name.equals("RenewInstances") && caller == broke && random.nextBoolean()) {
          return body;
        }
        List<String> foreign = caller == rich ? brokeIds : richIds;
        String bad =
            switch (random.nextInt(3)) {
              case 0 -> "BAD!" + random.nextInt(1000);
              case 1 -> "ins-zz" + String.format("%06d", random.nextInt(1_000_000));
              default -> foreign.get(random.nextInt(foreign.size()));
            };
        return concat(stringField(1, bad), body);
      }
      case "CreateAccount" -> {
        // billing_time_zone invalid, and initial_balance in a foreign currency and negative.
        byte[] p =
            concat(
                stringField(2, "Not/A_Zone"),
                messageField(3, concat(stringField(1, "XXX"), varintField(2, -5))));
        return concat(p, body, p);
      }
      case "CreateApiKey", "TopUpBalance", "CreateInstances" -> {
        byte[] p = stringField(1, "acc-nx" + String.format("%06d", random.nextInt(1_000_000)));
        return concat(p, body, p);
      }
      case "AdvanceTime" -> {
        byte[] p =
            messageField(1, concat(varintField(1, -1), varintField(2, -1))); // by = -1.000000001 s
        return concat(p, body, p);
      }
      case "SetPriceCatalog" -> {
        // effective_time 1970-01-01T00:00:01Z: long past, refused (INVALID_TIMESTAMP).
        byte[] p = messageField(4, varintField(1, 1));
        return concat(p, body, p);
      }
      case "RevokeApiKey" -> {
        // key_id of no key (well formed or not); the last occurrence wins.
        byte[] p =
            stringField(
                1,
                random.nextBoolean()
                    ? "key-ffff" + String.format("%016x", random.nextLong())
                    : "BAD!" + random.nextInt(1000));
        return concat(p, body, p);
      }
      default -> throw new IllegalStateException("no poison for " + name);
    }
  }

  private Credential pickCredential() {
    int r = random.nextInt(100);
    if (r < 70) {
      return Credential.PROPER;
    }
    Credential[] others = Credential.values();
    return others[1 + random.nextInt(others.length - 1)];
  }

  private Strategy pickStrategy() {
    int r = random.nextInt(100);
    if (r < 20) {
      return Strategy.RANDOM_BYTES;
    }
    if (r < 45) {
      return Strategy.MUTATED;
    }
    if (r < 80) {
      return Strategy.STRUCTURED;
    }
    if (r < 88) {
      return Strategy.STRUCTURED_INVALID_UTF8;
    }
    if (r < 97) {
      return Strategy.STRUCTURED_UNKNOWN_FIELDS;
    }
    return Strategy.EMPTY;
  }

  private Metadata headers(Credential credential, String properKey, boolean tenantService) {
    Metadata md = new Metadata();
    Metadata.Key<String> auth = Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
    switch (credential) {
      case PROPER -> md.put(auth, "Bearer " + properKey);
      case LOWERCASE_SCHEME -> md.put(auth, "bearer " + properKey);
      case NONE -> {}
      case EMPTY -> md.put(auth, random.nextBoolean() ? "" : "Bearer ");
      case UNKNOWN_KEY -> md.put(auth, "Bearer rk_" + randomAscii(32));
      case WRONG_SCHEME -> md.put(auth, "Basic " + properKey);
      case WRONG_KIND ->
          md.put(auth, "Bearer " + (tenantService ? TcpTestServer.ADMIN_KEY : rich.apiKey()));
      case RANDOM_ASCII -> md.put(auth, randomAscii(random.nextInt(200)));
      case LONG_KEY -> md.put(auth, "Bearer " + "k".repeat(257 + random.nextInt(6000)));
    }
    if (random.nextInt(10) == 0) {
      md.put(
          Metadata.Key.of("x-request-id", Metadata.ASCII_STRING_MARSHALLER),
          random.nextBoolean() ? randomAscii(random.nextInt(300)) : "fuzz-" + random.nextInt());
    }
    return md;
  }

  // ---- structured requests (protobuf reflection over the request type) ----

  private static final int[] INTS = {
    0,
    1,
    -1,
    2,
    5,
    11,
    12,
    13,
    24,
    28,
    29,
    31,
    36,
    37,
    99,
    100,
    101,
    1000,
    1001,
    Integer.MAX_VALUE,
    Integer.MIN_VALUE,
    Short.MAX_VALUE
  };
  private static final long[] LONGS = {
    0,
    1,
    -1,
    100,
    Long.MAX_VALUE,
    Long.MIN_VALUE,
    1L << 40,
    253402300799L,
    253402300800L,
    -62135596800L,
    -62135596801L,
    1_800_000_000L,
    9_999_999_999_999L
  };

  private Message structured(Descriptor type, TestAccount caller) {
    DynamicMessage.Builder b = DynamicMessage.newBuilder(type);
    fill(b, type, caller, 0);
    return b.build();
  }

  private void fill(Message.Builder b, Descriptor type, TestAccount caller, int depth) {
    for (FieldDescriptor f : type.getFields()) {
      if (random.nextInt(100) < 25) {
        continue; // missing field
      }
      if (f.isRepeated()) {
        int n = listSize();
        Object first = null;
        for (int i = 0; i < n; i++) {
          Object v =
              (first != null && random.nextInt(8) == 0)
                  ? first
                  : value(f, caller, depth); // duplicates
          if (v == null) {
            break;
          }
          first = first == null ? v : first;
          b.addRepeatedField(f, v);
        }
      } else {
        Object v = value(f, caller, depth);
        if (v != null) {
          b.setField(f, v);
        }
      }
    }
  }

  private int listSize() {
    int r = random.nextInt(1000);
    if (r < 2) {
      return 30_000 + random.nextInt(60_000); // around and over the 1 MiB message limit
    }
    if (r < 20) {
      return 1000 + random.nextInt(4000);
    }
    if (r < 80) {
      return 99 + random.nextInt(4); // 99..102: the 100 boundary
    }
    return random.nextInt(6);
  }

  private Object value(FieldDescriptor f, TestAccount caller, int depth) {
    return switch (f.getJavaType()) {
      case INT ->
          INTS[random.nextInt(INTS.length)] + (random.nextInt(10) == 0 ? random.nextInt(3) - 1 : 0);
      case LONG -> LONGS[random.nextInt(LONGS.length)];
      case BOOLEAN -> random.nextBoolean();
      case STRING -> string(f.getName(), caller);
      case ENUM -> enumValue(f.getEnumType());
      case MESSAGE -> {
        if (depth > 2) {
          yield null;
        }
        Message.Builder inner = DynamicMessage.newBuilder(f.getMessageType());
        fill(inner, f.getMessageType(), caller, depth + 1);
        yield inner.build();
      }
      case BYTE_STRING -> ByteString.copyFrom(randomBytes(random.nextInt(16)));
      default -> null;
    };
  }

  private Object enumValue(EnumDescriptor e) {
    int r = random.nextInt(10);
    if (r < 6) {
      return e.getValues().get(random.nextInt(e.getValues().size()));
    }
    int unknown =
        r < 8
            ? e.getValues().size() + random.nextInt(5)
            : (random.nextBoolean() ? -1 : Integer.MAX_VALUE);
    return e.findValueByNumberCreatingIfUnknown(unknown);
  }

  private static final String[] ZONES = {
    "Asia/Shanghai",
    "UTC",
    "America/New_York",
    "",
    "+08:00",
    "Mars/Olympus",
    "asia/shanghai",
    "Etc/GMT-14"
  };
  private static final String[] TYPES = {
    "S5.SMALL2", "S5.MEDIUM4", "S5.LARGE8", "", "s5.small2", "S9.HUGE"
  };
  private static final String[] NASTY = {
    "",
    " ",
    "ins-",
    "ins-ABCDEFGH",
    "ins-abcdefg",
    "ins-abcdefghi",
    "acc-",
    "' OR '1'='1",
    "'; DROP TABLE account; --",
    "\u0000",
    "\uFFFD\uFFFD",
    "日本語",
    "\uD83D\uDE00",
    "a\nb",
    "%",
    "_",
    "\\",
    "null",
    "CNY",
    "cny",
    "USD"
  };

  private String string(String field, TestAccount caller) {
    int r = random.nextInt(100);
    if (r < 3) {
      return "x".repeat(1000 + random.nextInt(20_000)); // oversized
    }
    if (r < 20) {
      return NASTY[random.nextInt(NASTY.length)];
    }
    if (r < 28) {
      return randomUnicode(random.nextInt(40));
    }
    return switch (field) {
      case "instance_ids" -> {
        List<String> pool =
            random.nextInt(4) == 0
                ? (caller == rich ? brokeIds : richIds)
                : (caller == rich ? richIds : brokeIds);
        yield random.nextInt(5) == 0
            ? "ins-" + randomAscii(8).toLowerCase()
            : pool.get(random.nextInt(pool.size()));
      }
      case "client_token" ->
          random.nextBoolean() ? "fz-" + random.nextInt(50) : randomAscii(random.nextInt(80));
      case "page_token" ->
          random.nextBoolean() ? randomAscii(random.nextInt(60)) : "AAAA" + random.nextInt();
      case "account_id" ->
          random.nextBoolean()
              ? "acc-" + randomAscii(8).toLowerCase()
              : randomAscii(random.nextInt(40));
      case "billing_time_zone" -> ZONES[random.nextInt(ZONES.length)];
      case "instance_type" -> TYPES[random.nextInt(TYPES.length)];
      case "currency_code" -> random.nextBoolean() ? "CNY" : randomAscii(random.nextInt(5));
      default -> randomAscii(random.nextInt(40));
    };
  }

  // ---- bytes ----

  private byte[] mutate(byte[] in) {
    byte[] out = in.length == 0 ? randomBytes(1 + random.nextInt(8)) : in.clone();
    int mutations = 1 + random.nextInt(4);
    for (int m = 0; m < mutations && out.length > 0; m++) {
      int at = random.nextInt(out.length);
      switch (random.nextInt(7)) {
        case 0 -> out[at] ^= (byte) (1 << random.nextInt(8)); // bit flip
        case 1 -> out[at] = (byte) random.nextInt(256);
        case 2 -> out[at] = (byte) (random.nextBoolean() ? 0xff : 0x80); // varint continuation
        case 3 -> out = java.util.Arrays.copyOf(out, at); // truncate
        case 4 ->
            out =
                concat(
                    java.util.Arrays.copyOf(out, at),
                    randomBytes(1 + random.nextInt(4)),
                    java.util.Arrays.copyOfRange(out, at, out.length)); // insert
        case 5 ->
            out =
                concat(
                    java.util.Arrays.copyOf(out, at),
                    java.util.Arrays.copyOfRange(
                        out,
                        Math.min(out.length, at + 1 + random.nextInt(4)),
                        out.length)); // delete
        default ->
            out =
                concat(out, java.util.Arrays.copyOfRange(out, at, out.length)); // duplicate a tail
      }
    }
    return out;
  }

  private byte[] invalidUtf8Field(Descriptor type) {
    List<FieldDescriptor> strings =
        type.getFields().stream()
            .filter(f -> f.getJavaType() == FieldDescriptor.JavaType.STRING)
            .toList();
    int number =
        strings.isEmpty()
            ? 1 + random.nextInt(10)
            : strings.get(random.nextInt(strings.size())).getNumber();
    byte[][] invalid = {
      {(byte) 0xc3, 0x28},
      {(byte) 0xa0, (byte) 0xa1},
      {(byte) 0xe2, 0x28, (byte) 0xa1},
      {(byte) 0xf0, 0x28, (byte) 0x8c, (byte) 0xbc},
      {(byte) 0xed, (byte) 0xa0, (byte) 0x80},
      {(byte) 0xff}
    };
    byte[] value =
        concat("ins-".getBytes(StandardCharsets.US_ASCII), invalid[random.nextInt(invalid.length)]);
    return bytesField(number, value);
  }

  private byte[] unknownFields() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    CodedOutputStream c = CodedOutputStream.newInstance(out);
    try {
      int n = 1 + random.nextInt(4);
      for (int i = 0; i < n; i++) {
        int number = 50 + random.nextInt(1000);
        switch (random.nextInt(4)) {
          case 0 -> c.writeInt64(number, random.nextLong());
          case 1 -> c.writeBytes(number, ByteString.copyFrom(randomBytes(random.nextInt(32))));
          case 2 -> c.writeFixed32(number, random.nextInt());
          default -> c.writeFixed64(number, random.nextLong());
        }
      }
      c.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  private static byte[] stringField(int number, String value) {
    return bytesField(number, value.getBytes(StandardCharsets.UTF_8));
  }

  private static byte[] messageField(int number, byte[] encoded) {
    return bytesField(number, encoded);
  }

  private static byte[] bytesField(int number, byte[] value) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    CodedOutputStream c = CodedOutputStream.newInstance(out);
    try {
      c.writeByteArray(number, value);
      c.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  private static byte[] varintField(int number, long value) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    CodedOutputStream c = CodedOutputStream.newInstance(out);
    try {
      c.writeInt64(number, value);
      c.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  private static byte[] concat(byte[]... parts) {
    int n = 0;
    for (byte[] p : parts) {
      n += p.length;
    }
    byte[] out = new byte[n];
    int at = 0;
    for (byte[] p : parts) {
      System.arraycopy(p, 0, out, at, p.length);
      at += p.length;
    }
    return out;
  }

  private byte[] randomBytes(int n) {
    byte[] b = new byte[n];
    random.nextBytes(b);
    return b;
  }

  private String randomAscii(int n) {
    StringBuilder s = new StringBuilder(n);
    for (int i = 0; i < n; i++) {
      s.append((char) (0x21 + random.nextInt(0x7e - 0x21 + 1)));
    }
    return s.toString();
  }

  private String randomUnicode(int n) {
    StringBuilder s = new StringBuilder(n);
    for (int i = 0; i < n; i++) {
      int cp;
      do {
        cp = random.nextInt(0x30000);
      } while (cp >= 0xD800 && cp <= 0xDFFF);
      s.appendCodePoint(cp);
    }
    return s.toString();
  }
}
