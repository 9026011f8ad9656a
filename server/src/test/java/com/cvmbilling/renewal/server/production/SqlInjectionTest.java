package com.cvmbilling.renewal.server.production;

import static org.assertj.core.api.Assertions.assertThat;

import com.cvmbilling.renewal.server.testing.DatabaseSnapshot;
import com.cvmbilling.renewal.server.testing.TcpTestServer;
import com.cvmbilling.renewal.server.testing.TestDatabases;
import com.cvmbilling.renewal.server.testing.TestDatabases.Kind;
import com.cvmbilling.renewal.server.testing.TestServer;
import com.cvmbilling.renewal.server.testing.TestServer.TestAccount;
import com.cvmbilling.renewal.server.testing.Tier;
import com.cvmbilling.renewal.v1.*;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import com.google.rpc.ErrorInfo;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.protobuf.StatusProto;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * SQL injection payloads in every string field of every request (nested ones too, such as a Money's
 * currency code), and in the credentials: each call ends in a proper error, or succeeds doing only
 * what it says for the caller's own account. Checked against a full table dump before and after
 * each call, on H2 and MariaDB.
 */
@Tier.H2
@Tier.MariaDb
@Tier.Network
class SqlInjectionTest {
  static final List<String> PAYLOADS =
      List.of(
          "' OR '1'='1",
          "' OR 1=1 --",
          "'; DROP TABLE account; --",
          "\"; DROP TABLE instance; --",
          "ins-0000' OR '1'='1",
          "acc-x' UNION SELECT key_hash, key_prefix FROM api_key --",
          "1; UPDATE account SET balance_fen = 999999999999",
          "\\'; DELETE FROM billing_record; #",
          "' OR SLEEP(5) --",
          "%",
          "_",
          "${7*7}",
          "#{accountId}",
          "ins-aaaa\u0000bbbb",
          "Robert'); DROP TABLE idempotency_record;--",
          "x".repeat(300) + "' OR '1'='1");

  private record Case(MethodDescriptor<?, ?> method, Supplier<Message.Builder> base, String key) {}

  @ParameterizedTest
  @EnumSource(Kind.class)
  void injectionPayloadsInEveryStringFieldHaveNoEffectBeyondAProperError(Kind kind)
      throws Exception {
    try (TestDatabases.TestDatabase db = TestDatabases.create(kind);
        TcpTestServer server = new TcpTestServer(db.settings(), b -> b)) {
      TestAccount a = server.createAccount(100_000_000);
      TestAccount other = server.createAccount(1_000_000);
      List<Instance> prepaid = server.createPrepaid(a, 2, Instant.now().plus(Duration.ofDays(40)));
      server.createPrepaid(other, 1, Instant.now().plus(Duration.ofDays(40)));
      String id = prepaid.get(0).getInstanceId();
      String tenant = a.apiKey();
      String admin = TcpTestServer.ADMIN_KEY;
      AtomicInteger tokens = new AtomicInteger();
      Supplier<String> token = () -> "inj-" + tokens.incrementAndGet();

      List<Case> cases =
          List.of(
              new Case(
                  RenewalServiceGrpc.getRenewInstancesMethod(),
                  () ->
                      RenewInstancesRequest.newBuilder()
                          .addInstanceIds(id)
                          .setPeriodMonths(1)
                          .setClientToken(token.get()),
                  tenant),
              new Case(
                  RenewalServiceGrpc.getInquiryPriceRenewInstancesMethod(),
                  () ->
                      InquiryPriceRenewInstancesRequest.newBuilder()
                          .addInstanceIds(id)
                          .setPeriodMonths(1),
                  tenant),
              new Case(
                  RenewalServiceGrpc.getSetAutoRenewMethod(),
                  () ->
                      SetAutoRenewRequest.newBuilder()
                          .addInstanceIds(id)
                          .setRenewFlag(RenewFlag.NOTIFY_AND_AUTO_RENEW)
                          .setAutoRenewPeriodMonths(2)
                          .setClientToken(token.get()),
                  tenant),
              new Case(
                  RenewalServiceGrpc.getSetUnifiedExpiryMethod(),
                  () ->
                      SetUnifiedExpiryRequest.newBuilder()
                          .addInstanceIds(id)
                          .setExpiryDay(15)
                          .setClientToken(token.get()),
                  tenant),
              new Case(
                  RenewalServiceGrpc.getInquiryPriceUnifiedExpiryMethod(),
                  () ->
                      InquiryPriceUnifiedExpiryRequest.newBuilder()
                          .addInstanceIds(id)
                          .setExpiryDay(15),
                  tenant),
              new Case(
                  RenewalServiceGrpc.getDescribeInstancesMethod(),
                  () -> DescribeInstancesRequest.newBuilder().addInstanceIds(id).setPageSize(5),
                  tenant),
              new Case(
                  RenewalServiceGrpc.getTerminateInstancesMethod(),
                  () ->
                      TerminateInstancesRequest.newBuilder()
                          .addInstanceIds(id)
                          .setClientToken(token.get()),
                  tenant),
              new Case(
                  RenewalServiceGrpc.getDescribeBillingRecordsMethod(),
                  DescribeBillingRecordsRequest::newBuilder,
                  tenant),
              new Case(
                  AdminServiceGrpc.getCreateAccountMethod(),
                  () ->
                      CreateAccountRequest.newBuilder()
                          .setDisplayName("injection test")
                          .setBillingTimeZone("Asia/Shanghai")
                          .setInitialBalance(TestServer.money(100)),
                  admin),
              new Case(
                  AdminServiceGrpc.getCreateApiKeyMethod(),
                  () -> CreateApiKeyRequest.newBuilder().setAccountId(a.accountId()),
                  admin),
              new Case(
                  AdminServiceGrpc.getListApiKeysMethod(),
                  () -> ListApiKeysRequest.newBuilder().setAccountId(a.accountId()),
                  admin),
              new Case(
                  AdminServiceGrpc.getRevokeApiKeyMethod(),
                  () -> RevokeApiKeyRequest.newBuilder().setKeyId("key-0123456789abcdef0123"),
                  admin),
              new Case(
                  AdminServiceGrpc.getTopUpBalanceMethod(),
                  () ->
                      TopUpBalanceRequest.newBuilder()
                          .setAccountId(a.accountId())
                          .setAmount(TestServer.money(100))
                          .setClientToken(token.get()),
                  admin),
              new Case(
                  AdminServiceGrpc.getCreateInstancesMethod(),
                  () ->
                      CreateInstancesRequest.newBuilder()
                          .setAccountId(a.accountId())
                          .setInstanceType("S5.SMALL2")
                          .setChargeType(Instance.ChargeType.PREPAID)
                          .setBandwidthMbps(1)
                          .setPeriodMonths(1)
                          .setClientToken(token.get()),
                  admin));

      Map<String, Integer> outcomes = new TreeMap<>();
      DatabaseSnapshot before = DatabaseSnapshot.take(db.settings());
      int calls = 0;
      for (Case c : cases) {
        for (List<FieldDescriptor> path : stringFields(c.base().get().getDescriptorForType())) {
          for (String payload : PAYLOADS) {
            for (boolean alongsideValid : List.of(false, true)) {
              if (alongsideValid && !path.get(path.size() - 1).isRepeated()) {
                continue;
              }
              Message.Builder request = c.base().get();
              set(request, path, payload, alongsideValid);
              RawCalls.Result r =
                  RawCalls.call(
                      server.channel(),
                      c.method(),
                      request.build().toByteArray(),
                      TestServer.bearer(c.key()));
              calls++;
              String what =
                  c.method().getBareMethodName() + "." + name(path) + "=" + shown(payload);
              outcomes.merge(c.method().getBareMethodName() + " " + r.code(), 1, Integer::sum);
              before = check(db, server, before, r, what, a, other);
              if (r.code() == Status.Code.OK && name(path).equals("display_name")) {
                // Accepted as a display name: stored and returned literally.
                assertThat(
                        CreateAccountResponse.parseFrom(r.lastMessage())
                            .getAccount()
                            .getDisplayName())
                    .isEqualTo(payload.strip());
              }
            }
          }
        }
      }
      // The credentials and the request id header, too.
      for (String payload : PAYLOADS) {
        Metadata md = new Metadata();
        md.put(
            Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER),
            "Bearer " + payload.replace('\u0000', ' '));
        md.put(
            Metadata.Key.of("x-request-id", Metadata.ASCII_STRING_MARSHALLER),
            payload.replace('\u0000', ' '));
        RawCalls.Result r =
            RawCalls.call(
                server.channel(), RenewalServiceGrpc.getDescribeAccountMethod(), new byte[0], md);
        assertThat(r.code())
            .as("authorization: Bearer %s", shown(payload))
            .isEqualTo(Status.Code.UNAUTHENTICATED);
        before = check(db, server, before, r, "authorization", a, other);
        calls++;
      }
      assertThat(calls).isGreaterThan(300);
      // Every table is still there and the accounts are whole.
      DatabaseSnapshot end = DatabaseSnapshot.take(db.settings());
      assertThat(end.tables().keySet())
          .contains(
              "account",
              "api_key",
              "instance",
              "billing_record",
              "instance_event",
              "idempotency_record",
              "price_catalog",
              "auto_renew_charge");
      assertThat(
              TestServer.fen(
                  server
                      .tenant(other.apiKey())
                      .describeAccount(DescribeAccountRequest.getDefaultInstance())
                      .getAccount()
                      .getBalance()))
          .isEqualTo(1_000_000);
      System.out.println(kind + ": " + calls + " injection calls: " + outcomes);
    }
  }

  /**
   * A failed call changed nothing and carries a proper error; a call that succeeded changed only
   * rows of the caller's account (or of the account it created).
   */
  private static DatabaseSnapshot check(
      TestDatabases.TestDatabase db,
      TcpTestServer server,
      DatabaseSnapshot before,
      RawCalls.Result r,
      String what,
      TestAccount a,
      TestAccount other)
      throws Exception {
    assertThat(r.code())
        .as(what)
        .isNotIn(Status.Code.INTERNAL, Status.Code.UNKNOWN, Status.Code.DATA_LOSS);
    DatabaseSnapshot after = DatabaseSnapshot.take(db.settings());
    if (r.code() != Status.Code.OK) {
      com.google.rpc.Status details = StatusProto.fromStatusAndTrailers(r.status(), r.trailers());
      assertThat(details.getDetailsList())
          .as("%s: ErrorInfo in %s", what, r.status())
          .anyMatch(d -> d.is(ErrorInfo.class));
      assertThat(after.differences(before))
          .as("%s refused with %s, yet changed data", what, r.status())
          .isEmpty();
      return before;
    }
    for (String change : before.differences(after)) {
      assertThat(change)
          .as("%s succeeded; every changed row must belong to the caller's account", what)
          .satisfiesAnyOf(
              ch -> assertThat(ch).contains(a.accountId()),
              ch -> assertThat(ch).startsWith("instance_event").contains(a.accountId()),
              ch -> assertThat(ch).startsWith("auto_renew_charge"),
              ch -> assertThat(ch).startsWith("account +").doesNotContain(other.accountId()),
              ch -> assertThat(ch).startsWith("api_key +").doesNotContain(other.accountId()),
              ch ->
                  assertThat(ch).startsWith("billing_record +").doesNotContain(other.accountId()));
    }
    return after;
  }

  /** Paths to every string field, including strings inside singular message fields (Money). */
  static List<List<FieldDescriptor>> stringFields(com.google.protobuf.Descriptors.Descriptor type) {
    List<List<FieldDescriptor>> out = new ArrayList<>();
    for (FieldDescriptor f : type.getFields()) {
      if (f.getJavaType() == FieldDescriptor.JavaType.STRING) {
        out.add(List.of(f));
      } else if (f.getJavaType() == FieldDescriptor.JavaType.MESSAGE && !f.isRepeated()) {
        for (List<FieldDescriptor> inner : stringFields(f.getMessageType())) {
          List<FieldDescriptor> path = new ArrayList<>();
          path.add(f);
          path.addAll(inner);
          out.add(path);
        }
      }
    }
    return out;
  }

  private static void set(
      Message.Builder b, List<FieldDescriptor> path, String payload, boolean alongsideValid) {
    Message.Builder target = b;
    for (int i = 0; i < path.size() - 1; i++) {
      target = target.getFieldBuilder(path.get(i));
    }
    FieldDescriptor f = path.get(path.size() - 1);
    if (f.isRepeated()) {
      List<Object> values = new ArrayList<>();
      if (alongsideValid && target.getRepeatedFieldCount(f) > 0) {
        values.add(target.getRepeatedField(f, 0));
      }
      values.add(payload);
      target.setField(f, values);
    } else {
      target.setField(f, payload);
    }
  }

  private static String name(List<FieldDescriptor> path) {
    return String.join(".", path.stream().map(FieldDescriptor::getName).toList());
  }

  private static String shown(String payload) {
    return payload.length() > 40 ? payload.substring(0, 37) + "..." : payload;
  }
}
