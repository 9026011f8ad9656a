package com.cvmbilling.renewal.server.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import com.cvmbilling.renewal.server.app.RenewalServer;
import com.cvmbilling.renewal.server.config.ServerConfig;
import com.cvmbilling.renewal.server.testing.Errors;
import com.cvmbilling.renewal.server.testing.TestDatabases;
import com.cvmbilling.renewal.server.testing.TestServer;
import com.cvmbilling.renewal.server.testing.TestServer.TestAccount;
import com.cvmbilling.renewal.server.testing.Tier;
import com.cvmbilling.renewal.v1.AdminServiceGrpc;
import com.cvmbilling.renewal.v1.CreateAccountRequest;
import com.cvmbilling.renewal.v1.CreateApiKeyRequest;
import com.cvmbilling.renewal.v1.CreateInstancesRequest;
import com.cvmbilling.renewal.v1.DescribeBillingRecordsRequest;
import com.cvmbilling.renewal.v1.DescribeInstancesRequest;
import com.cvmbilling.renewal.v1.InquiryPriceRenewInstancesRequest;
import com.cvmbilling.renewal.v1.InquiryPriceUnifiedExpiryRequest;
import com.cvmbilling.renewal.v1.Instance;
import com.cvmbilling.renewal.v1.ListEventsRequest;
import com.cvmbilling.renewal.v1.RenewFlag;
import com.cvmbilling.renewal.v1.RenewInstancesRequest;
import com.cvmbilling.renewal.v1.RenewalServiceGrpc;
import com.cvmbilling.renewal.v1.SetAutoRenewRequest;
import com.cvmbilling.renewal.v1.SetUnifiedExpiryRequest;
import com.cvmbilling.renewal.v1.TerminateInstancesRequest;
import com.cvmbilling.renewal.v1.TopUpBalanceRequest;
import com.google.protobuf.Timestamp;
import com.google.rpc.ErrorInfo;
import com.google.type.Money;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.MetadataUtils;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

/**
 * SPEC 7: no bad input ever yields INTERNAL or UNKNOWN, and every failure carries an ErrorInfo with
 * the service's domain and a message without internals. A sweep of odd inputs to every RPC.
 */
@Tier.H2
@Tier.Network
class BadInputTest extends ServiceTestBase {
  private static final String LONG = "x".repeat(10_000);
  private static final String WEIRD = "\u0000\u202e\ud83d\ude00,'\";--\\%_";

  @Test
  void noBadInputYieldsInternalOrUnknown() {
    TestAccount acct = account(10_000);
    Instance pre = prepaid(acct, SMALL, 1, "2027-02-10T04:00:00Z");
    Instance post = postpaid(acct);
    String p = pre.getInstanceId();
    String q = post.getInstanceId();
    var t = tenant(acct);
    var admin = server.admin();
    List<String> ids101 = new ArrayList<>();
    for (int n = 0; n < 101; n++) {
      ids101.add(String.format("ins-%08d", n));
    }
    List<String> hundredSame = Collections.nCopies(100, p);
    Timestamp badTs = Timestamp.newBuilder().setSeconds(Long.MAX_VALUE).build();
    Timestamp badNanos = Timestamp.newBuilder().setSeconds(1).setNanos(-5).build();

    Map<String, ThrowingCallable> calls = new LinkedHashMap<>();
    calls.put(
        "renew long id",
        () ->
            t.renewInstances(
                RenewInstancesRequest.newBuilder()
                    .addInstanceIds(LONG)
                    .setPeriodMonths(1)
                    .build()));
    calls.put(
        "renew weird id",
        () ->
            t.renewInstances(
                RenewInstancesRequest.newBuilder()
                    .addInstanceIds(WEIRD)
                    .setPeriodMonths(1)
                    .build()));
    calls.put(
        "renew 101 ids",
        () ->
            t.renewInstances(
                RenewInstancesRequest.newBuilder()
                    .addAllInstanceIds(ids101)
                    .setPeriodMonths(1)
                    .build()));
    calls.put(
        "renew 100 same ids",
        () ->
            t.renewInstances(
                RenewInstancesRequest.newBuilder()
                    .addAllInstanceIds(hundredSame)
                    .setPeriodMonths(1)
                    .build()));
    calls.put(
        "renew no period",
        () -> t.renewInstances(RenewInstancesRequest.newBuilder().addInstanceIds(p).build()));
    calls.put(
        "renew huge bandwidth",
        () ->
            t.renewInstances(
                RenewInstancesRequest.newBuilder()
                    .addInstanceIds(p)
                    .setPeriodMonths(1)
                    .setBandwidthMbps(Integer.MAX_VALUE)
                    .build()));
    calls.put(
        "renew long token",
        () ->
            t.renewInstances(
                RenewInstancesRequest.newBuilder()
                    .addInstanceIds(p)
                    .setPeriodMonths(1)
                    .setClientToken(LONG)
                    .build()));
    calls.put(
        "renew weird token",
        () ->
            t.renewInstances(
                RenewInstancesRequest.newBuilder()
                    .addInstanceIds(p)
                    .setPeriodMonths(1)
                    .setClientToken(WEIRD)
                    .build()));
    calls.put(
        "renew postpaid",
        () ->
            t.renewInstances(
                RenewInstancesRequest.newBuilder().addInstanceIds(q).setPeriodMonths(36).build()));
    calls.put(
        "renew too expensive",
        () ->
            t.renewInstances(
                RenewInstancesRequest.newBuilder()
                    .addInstanceIds(p)
                    .setPeriodMonths(36)
                    .setBandwidthMbps(1000)
                    .build()));
    calls.put(
        "inquiry empty",
        () -> t.inquiryPriceRenewInstances(InquiryPriceRenewInstancesRequest.getDefaultInstance()));
    calls.put(
        "inquiry weird",
        () ->
            t.inquiryPriceRenewInstances(
                InquiryPriceRenewInstancesRequest.newBuilder()
                    .addInstanceIds(WEIRD)
                    .addInstanceIds("")
                    .setPeriodMonths(-7)
                    .build()));
    calls.put("auto renew empty", () -> t.setAutoRenew(SetAutoRenewRequest.getDefaultInstance()));
    calls.put(
        "auto renew flag -1",
        () ->
            t.setAutoRenew(
                SetAutoRenewRequest.newBuilder().addInstanceIds(p).setRenewFlagValue(-1).build()));
    calls.put(
        "auto renew postpaid",
        () ->
            t.setAutoRenew(
                SetAutoRenewRequest.newBuilder()
                    .addInstanceIds(q)
                    .setRenewFlag(RenewFlag.NOTIFY_AND_AUTO_RENEW)
                    .build()));
    calls.put(
        "unified empty", () -> t.setUnifiedExpiry(SetUnifiedExpiryRequest.getDefaultInstance()));
    calls.put(
        "unified day min",
        () ->
            t.setUnifiedExpiry(
                SetUnifiedExpiryRequest.newBuilder()
                    .addInstanceIds(p)
                    .setExpiryDay(Integer.MIN_VALUE)
                    .build()));
    calls.put(
        "unified postpaid",
        () ->
            t.setUnifiedExpiry(
                SetUnifiedExpiryRequest.newBuilder().addInstanceIds(q).setExpiryDay(1).build()));
    calls.put(
        "unified inquiry weird",
        () ->
            t.inquiryPriceUnifiedExpiry(
                InquiryPriceUnifiedExpiryRequest.newBuilder()
                    .addInstanceIds(LONG)
                    .setExpiryDay(1)
                    .build()));
    calls.put(
        "terminate empty",
        () -> t.terminateInstances(TerminateInstancesRequest.getDefaultInstance()));
    calls.put(
        "terminate running prepaid",
        () ->
            t.terminateInstances(TerminateInstancesRequest.newBuilder().addInstanceIds(p).build()));
    calls.put(
        "describe weird ids",
        () ->
            t.describeInstances(
                DescribeInstancesRequest.newBuilder().addInstanceIds(WEIRD).build()));
    calls.put(
        "describe bad timestamp",
        () ->
            t.describeInstances(
                DescribeInstancesRequest.newBuilder().setExpiringBefore(badTs).build()));
    calls.put(
        "describe bad nanos",
        () ->
            t.describeInstances(
                DescribeInstancesRequest.newBuilder().setExpiringBefore(badNanos).build()));
    calls.put(
        "describe long token",
        () ->
            t.describeInstances(DescribeInstancesRequest.newBuilder().setPageToken(LONG).build()));
    calls.put(
        "describe weird token",
        () ->
            t.describeInstances(DescribeInstancesRequest.newBuilder().setPageToken(WEIRD).build()));
    calls.put(
        "describe state -3",
        () ->
            t.describeInstances(DescribeInstancesRequest.newBuilder().addStatesValue(-3).build()));
    calls.put(
        "records weird token",
        () ->
            t.describeBillingRecords(
                DescribeBillingRecordsRequest.newBuilder().setPageToken("djF8MTIzfGFiYw").build()));
    calls.put(
        "records min page size",
        () ->
            t.describeBillingRecords(
                DescribeBillingRecordsRequest.newBuilder().setPageSize(Integer.MIN_VALUE).build()));
    calls.put(
        "events min after",
        () -> t.listEvents(ListEventsRequest.newBuilder().setAfterEventId(Long.MIN_VALUE).build()));
    calls.put(
        "account long name",
        () -> admin.createAccount(CreateAccountRequest.newBuilder().setDisplayName(LONG).build()));
    calls.put(
        "account long zone",
        () ->
            admin.createAccount(
                CreateAccountRequest.newBuilder()
                    .setDisplayName("a")
                    .setBillingTimeZone(LONG)
                    .build()));
    calls.put(
        "account weird zone",
        () ->
            admin.createAccount(
                CreateAccountRequest.newBuilder()
                    .setDisplayName("a")
                    .setBillingTimeZone(WEIRD)
                    .build()));
    calls.put(
        "account min money",
        () ->
            admin.createAccount(
                CreateAccountRequest.newBuilder()
                    .setDisplayName("a")
                    .setInitialBalance(
                        Money.newBuilder()
                            .setCurrencyCode("CNY")
                            .setUnits(Long.MIN_VALUE)
                            .setNanos(-990_000_000))
                    .build()));
    calls.put(
        "account huge nanos",
        () ->
            admin.createAccount(
                CreateAccountRequest.newBuilder()
                    .setDisplayName("a")
                    .setInitialBalance(
                        Money.newBuilder().setCurrencyCode("CNY").setNanos(Integer.MAX_VALUE))
                    .build()));
    calls.put(
        "account weird currency",
        () ->
            admin.createAccount(
                CreateAccountRequest.newBuilder()
                    .setDisplayName("a")
                    .setInitialBalance(Money.newBuilder().setCurrencyCode(WEIRD).setUnits(1))
                    .build()));
    calls.put(
        "api key long account",
        () -> admin.createApiKey(CreateApiKeyRequest.newBuilder().setAccountId(LONG).build()));
    calls.put(
        "api key weird account",
        () -> admin.createApiKey(CreateApiKeyRequest.newBuilder().setAccountId(WEIRD).build()));
    calls.put(
        "top up weird account",
        () ->
            admin.topUpBalance(
                TopUpBalanceRequest.newBuilder()
                    .setAccountId(WEIRD)
                    .setAmount(Money.newBuilder().setCurrencyCode("CNY").setUnits(1))
                    .setClientToken("ok")
                    .build()));
    calls.put(
        "top up max",
        () ->
            admin.topUpBalance(
                TopUpBalanceRequest.newBuilder()
                    .setAccountId(acct.accountId())
                    .setAmount(
                        Money.newBuilder().setCurrencyCode("CNY").setUnits(Long.MAX_VALUE / 100))
                    .build()));
    calls.put(
        "create long type",
        () ->
            admin.createInstances(
                CreateInstancesRequest.newBuilder()
                    .setAccountId(acct.accountId())
                    .setInstanceType(LONG)
                    .setChargeType(Instance.ChargeType.PREPAID)
                    .setPeriodMonths(1)
                    .build()));
    calls.put(
        "create bad expiry",
        () ->
            admin.createInstances(
                CreateInstancesRequest.newBuilder()
                    .setAccountId(acct.accountId())
                    .setInstanceType(SMALL)
                    .setChargeType(Instance.ChargeType.PREPAID)
                    .setExpiredTime(badTs)
                    .build()));
    calls.put(
        "create weird account",
        () ->
            admin.createInstances(
                CreateInstancesRequest.newBuilder()
                    .setAccountId(WEIRD)
                    .setInstanceType(SMALL)
                    .setChargeType(Instance.ChargeType.PREPAID)
                    .setPeriodMonths(1)
                    .build()));
    calls.put(
        "create count min",
        () ->
            admin.createInstances(
                CreateInstancesRequest.newBuilder()
                    .setAccountId(acct.accountId())
                    .setInstanceType(SMALL)
                    .setChargeType(Instance.ChargeType.PREPAID)
                    .setPeriodMonths(1)
                    .setCount(Integer.MIN_VALUE)
                    .build()));

    List<String> problems = new ArrayList<>();
    calls.forEach(
        (name, call) -> {
          StatusRuntimeException e = failure(call);
          Status.Code code = e.getStatus().getCode();
          if (code == Status.Code.INTERNAL || code == Status.Code.UNKNOWN) {
            problems.add(name + ": " + e.getStatus());
            return;
          }
          ErrorInfo info = Errors.errorInfo(e);
          if (!"renewal.cvmbilling.com".equals(info.getDomain()) || info.getReason().isEmpty()) {
            problems.add(name + ": ErrorInfo " + info);
          }
          String message = String.valueOf(e.getStatus().getDescription());
          if (message.contains("Exception")
              || message.contains("\tat ")
              || message.contains("SQL")) {
            problems.add(name + ": internals in message " + message);
          }
          if (message.length() > 1000) {
            problems.add(name + ": message of " + message.length() + " characters");
          }
        });
    assertThat(problems).isEmpty();
    // And nothing was charged or changed by any of it.
    assertThat(balance(acct)).isEqualTo(10_000);
    assertThat(describe(acct, p)).isEqualTo(pre);
  }

  @Test
  void extremeExpiriesAreRefusedAndTheLongestAllowedTermStillPricesAndRenews() {
    TestAccount acct = account(RICH * 100);
    // The latest instant a Timestamp can carry is no plausible first term: refused, not INTERNAL.
    invalidArgument(
        "INVALID_EXPIRED_TIME",
        "expired_time",
        () -> server.createPrepaid(acct, LARGE, 1000, 1, t("9999-12-31T23:59:59Z")));
    // Ten years out is allowed, and 36-month renewals and alignments of it work.
    Instance far =
        server
            .createPrepaid(acct, LARGE, 1000, 1, NOW.plus(java.time.Duration.ofDays(3650)))
            .get(0);
    assertThat(
            tenant(acct)
                .inquiryPriceRenewInstances(
                    InquiryPriceRenewInstancesRequest.newBuilder()
                        .addInstanceIds(far.getInstanceId())
                        .setPeriodMonths(36)
                        .build())
                .getRenewalsCount())
        .isEqualTo(1);
    assertThat(
            tenant(acct)
                .inquiryPriceUnifiedExpiry(
                    InquiryPriceUnifiedExpiryRequest.newBuilder()
                        .addInstanceIds(far.getInstanceId())
                        .setExpiryDay(1)
                        .build())
                .getRenewalsCount())
        .isEqualTo(1);
  }

  /**
   * Values from the request echoed in an error are bounded: the ErrorInfo travels in the trailers,
   * which HTTP/2 peers refuse above 8 KiB (grpc-java's default), turning the error into INTERNAL
   * "http2 exception" on a real connection.
   */
  @Test
  void longValuesAreEchoedBoundedSoTheStatusFitsInTrailers() {
    TestAccount acct = account(RICH);
    String huge = "q".repeat(20_000);

    StatusRuntimeException describe =
        failure(
            () ->
                tenant(acct)
                    .describeInstances(
                        DescribeInstancesRequest.newBuilder()
                            .addInstanceIds(huge)
                            .addInstanceIds("ins-00000000")
                            .build()));
    ErrorInfo describeInfo =
        assertFieldError(
            Status.Code.INVALID_ARGUMENT,
            "INVALID_INSTANCE_ID",
            "instance_ids",
            () -> {
              throw describe;
            });
    assertThat(metaList(describeInfo, "instanceIds"))
        .singleElement()
        .satisfies(v -> assertThat(v).startsWith("qqqq").hasSizeLessThanOrEqualTo(64));
    assertThat(io.grpc.protobuf.StatusProto.fromThrowable(describe).getSerializedSize())
        .isLessThan(2048);

    StatusRuntimeException create =
        failure(
            () ->
                server
                    .admin()
                    .createInstances(
                        CreateInstancesRequest.newBuilder()
                            .setAccountId(acct.accountId())
                            .setInstanceType(huge)
                            .setChargeType(Instance.ChargeType.PREPAID)
                            .setPeriodMonths(1)
                            .build()));
    ErrorInfo createInfo =
        assertFieldError(
            Status.Code.INVALID_ARGUMENT,
            "INVALID_INSTANCE_TYPE",
            "instance_type",
            () -> {
              throw create;
            });
    assertThat(createInfo.getMetadataMap().get("instanceType"))
        .startsWith("qqqq")
        .hasSizeLessThanOrEqualTo(64);
    assertThat(io.grpc.protobuf.StatusProto.fromThrowable(create).getSerializedSize())
        .isLessThan(2048);

    // Batch RPCs already bounded each echoed id; keep it that way.
    StatusRuntimeException renew =
        failure(
            () ->
                tenant(acct)
                    .renewInstances(
                        RenewInstancesRequest.newBuilder()
                            .addInstanceIds(huge)
                            .setPeriodMonths(1)
                            .build()));
    assertThat(io.grpc.protobuf.StatusProto.fromThrowable(renew).getSerializedSize())
        .isLessThan(2048);
  }

  /** The same over a real HTTP/2 connection, where an oversized status cannot be delivered. */
  @Test
  void longValuesGiveTheirErrorOverARealConnection() throws Exception {
    try (TestDatabases.TestDatabase netDb = TestDatabases.h2();
        RenewalServer net =
            RenewalServer.create(
                ServerConfig.forTests(netDb.settings(), List.of(TestServer.ADMIN_KEY)), clock)) {
      net.start(NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)));
      ManagedChannel channel =
          NettyChannelBuilder.forAddress("127.0.0.1", net.port()).usePlaintext().build();
      try {
        var admin =
            AdminServiceGrpc.newBlockingStub(channel)
                .withInterceptors(
                    MetadataUtils.newAttachHeadersInterceptor(
                        TestServer.bearer(TestServer.ADMIN_KEY)));
        var created =
            admin.createAccount(CreateAccountRequest.newBuilder().setDisplayName("net").build());
        var tenant =
            RenewalServiceGrpc.newBlockingStub(channel)
                .withInterceptors(
                    MetadataUtils.newAttachHeadersInterceptor(
                        TestServer.bearer(created.getApiKey())));
        String huge = "q".repeat(10_000);

        assertError(
            Status.Code.INVALID_ARGUMENT,
            "INVALID_INSTANCE_ID",
            () ->
                tenant.describeInstances(
                    DescribeInstancesRequest.newBuilder().addInstanceIds(huge).build()));
        assertError(
            Status.Code.INVALID_ARGUMENT,
            "INVALID_INSTANCE_TYPE",
            () ->
                admin.createInstances(
                    CreateInstancesRequest.newBuilder()
                        .setAccountId(created.getAccount().getAccountId())
                        .setInstanceType(huge)
                        .setChargeType(Instance.ChargeType.PREPAID)
                        .setPeriodMonths(1)
                        .build()));
        assertError(
            Status.Code.INVALID_ARGUMENT,
            "INVALID_INSTANCE_ID",
            () ->
                tenant.renewInstances(
                    RenewInstancesRequest.newBuilder()
                        .addInstanceIds(huge)
                        .setPeriodMonths(1)
                        .build()));
      } finally {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
    }
  }

  private static StatusRuntimeException catchFailure(ThrowingCallable call) {
    try {
      call.call();
      return null;
    } catch (StatusRuntimeException e) {
      return e;
    } catch (Throwable t) {
      throw new AssertionError(t);
    }
  }
}
