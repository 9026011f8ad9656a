package com.cvmbilling.renewal.server.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import com.cvmbilling.renewal.server.testing.TestServer.TestAccount;
import com.cvmbilling.renewal.v1.BillingRecord;
import com.cvmbilling.renewal.v1.CreateAccountRequest;
import com.cvmbilling.renewal.v1.CreateAccountResponse;
import com.cvmbilling.renewal.v1.CreateApiKeyRequest;
import com.cvmbilling.renewal.v1.CreateInstancesRequest;
import com.cvmbilling.renewal.v1.CreateInstancesResponse;
import com.cvmbilling.renewal.v1.DescribeAccountRequest;
import com.cvmbilling.renewal.v1.Instance;
import com.cvmbilling.renewal.v1.RenewFlag;
import com.cvmbilling.renewal.v1.TopUpBalanceRequest;
import com.cvmbilling.renewal.v1.TopUpBalanceResponse;
import com.google.protobuf.Timestamp;
import com.google.rpc.ErrorInfo;
import com.google.type.Money;
import io.grpc.Status;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** AdminService: CreateAccount, CreateApiKey, TopUpBalance, CreateInstances. */
abstract class AdminServiceTest extends ServiceTestBase {

  static Money cny(long units, int nanos) {
    return Money.newBuilder().setCurrencyCode("CNY").setUnits(units).setNanos(nanos).build();
  }

  static CreateAccountRequest.Builder newAccount() {
    return CreateAccountRequest.newBuilder()
        .setDisplayName("Tenant")
        .setInitialBalance(cny(100, 0));
  }

  CreateInstancesRequest.Builder newPrepaid(TestAccount acct) {
    return CreateInstancesRequest.newBuilder()
        .setAccountId(acct.accountId())
        .setInstanceType(SMALL)
        .setChargeType(Instance.ChargeType.PREPAID)
        .setBandwidthMbps(1)
        .setPeriodMonths(1);
  }

  // ---------------------------------------------------------------- CreateAccount

  @Test
  void createsAnAccountWithItsInitialBalanceAsATopUp() {
    CreateAccountResponse r =
        server
            .admin()
            .createAccount(
                CreateAccountRequest.newBuilder()
                    .setDisplayName("Acme")
                    .setBillingTimeZone("America/New_York")
                    .setInitialBalance(cny(1234, 560_000_000))
                    .build());

    assertThat(r.getAccount().getAccountId()).isNotEmpty();
    assertThat(r.getApiKey()).isNotEmpty();
    assertThat(fen(r.getAccount().getBalance())).isEqualTo(123_456);
    assertThat(r.getAccount().getBillingTimeZone()).isEqualTo("America/New_York");
    assertThat(r.getAccount().getDisplayName()).isEqualTo("Acme");
    assertThat(instant(r.getAccount().getCreatedTime())).isEqualTo(NOW);

    var tenant = server.tenant(r.getApiKey());
    assertThat(tenant.describeAccount(DescribeAccountRequest.getDefaultInstance()).getAccount())
        .isEqualTo(r.getAccount());
    List<BillingRecord> records =
        records(new TestAccount(r.getAccount().getAccountId(), r.getApiKey()));
    assertThat(records).hasSize(1);
    BillingRecord topUp = records.get(0);
    assertThat(topUp.getType()).isEqualTo(BillingRecord.Type.TOP_UP);
    assertThat(fen(topUp.getAmount())).isEqualTo(123_456);
    assertThat(fen(topUp.getBalanceAfter())).isEqualTo(123_456);
    assertThat(topUp.getOrderId()).isNotEmpty();
    assertThat(instant(topUp.getCreatedTime())).isEqualTo(NOW);
  }

  @Test
  void defaultTimeZoneIsShanghai() {
    CreateAccountResponse r = server.admin().createAccount(newAccount().build());
    assertThat(r.getAccount().getBillingTimeZone()).isEqualTo("Asia/Shanghai");
  }

  @Test
  void noInitialBalanceMeansZeroAndNoRecord() {
    CreateAccountResponse r =
        server
            .admin()
            .createAccount(CreateAccountRequest.newBuilder().setDisplayName("Empty").build());
    TestAccount acct = new TestAccount(r.getAccount().getAccountId(), r.getApiKey());

    assertThat(fen(r.getAccount().getBalance())).isZero();
    assertThat(records(acct)).isEmpty();
    assertThat(balance(acct)).isZero();
  }

  @Test
  void emptyCurrencyIsTakenAsCny() {
    CreateAccountResponse r =
        server
            .admin()
            .createAccount(
                newAccount().setInitialBalance(Money.newBuilder().setUnits(5).build()).build());
    assertThat(fen(r.getAccount().getBalance())).isEqualTo(500);
  }

  @Test
  void eachAccountGetsItsOwnIdAndKey() {
    CreateAccountResponse a = server.admin().createAccount(newAccount().build());
    CreateAccountResponse b = server.admin().createAccount(newAccount().build());
    assertThat(a.getAccount().getAccountId()).isNotEqualTo(b.getAccount().getAccountId());
    assertThat(a.getApiKey()).isNotEqualTo(b.getApiKey());
    assertThat(
            server
                .tenant(b.getApiKey())
                .describeAccount(DescribeAccountRequest.getDefaultInstance())
                .getAccount()
                .getAccountId())
        .isEqualTo(b.getAccount().getAccountId());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "Mars/Olympus",
        "+08:00",
        "UTC+8",
        "asia/shanghai",
        "Asia/Shanghai ",
        "GMT+08:00",
        "\u4e0a\u6d77"
      })
  void invalidTimeZone(String zone) {
    invalidArgument(
        "INVALID_TIME_ZONE",
        "billing_time_zone",
        () -> server.admin().createAccount(newAccount().setBillingTimeZone(zone).build()));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "   ", "a\nb", "tab\tname", "\u0000"})
  void invalidDisplayName(String name) {
    invalidArgument(
        "INVALID_DISPLAY_NAME",
        "display_name",
        () -> server.admin().createAccount(newAccount().setDisplayName(name).build()));
  }

  @Test
  void displayNameLongerThan200IsInvalid() {
    invalidArgument(
        "INVALID_DISPLAY_NAME",
        "display_name",
        () -> server.admin().createAccount(newAccount().setDisplayName("n".repeat(201)).build()));
    assertThat(
            server
                .admin()
                .createAccount(newAccount().setDisplayName("n".repeat(200)).build())
                .getAccount()
                .getDisplayName())
        .hasSize(200);
  }

  @Test
  void unicodeDisplayNameIsKept() {
    String name = "\u963f\u91cc\u4e91 \ud83d\ude80 Ltd";
    CreateAccountResponse r =
        server.admin().createAccount(newAccount().setDisplayName(name).build());
    assertThat(
            server
                .tenant(r.getApiKey())
                .describeAccount(DescribeAccountRequest.getDefaultInstance())
                .getAccount()
                .getDisplayName())
        .isEqualTo(name);
  }

  @Test
  void invalidInitialBalance() {
    // Negative, other currency, a fraction of a fen, mixed signs, out of range.
    for (Money bad :
        List.of(
            cny(-1, 0),
            cny(0, -10_000_000),
            Money.newBuilder().setCurrencyCode("USD").setUnits(10).build(),
            Money.newBuilder().setCurrencyCode("cny").setUnits(10).build(),
            cny(1, 5_000_000),
            cny(0, 1),
            cny(1, -10_000_000),
            cny(Long.MAX_VALUE, 0),
            cny(10_000_000_001L, 0))) {
      invalidArgument(
          "INVALID_AMOUNT",
          "initial_balance",
          () -> server.admin().createAccount(newAccount().setInitialBalance(bad).build()));
    }
  }

  // ---------------------------------------------------------------- CreateApiKey

  @Test
  void createsAnotherWorkingKey() {
    TestAccount acct = account(777);

    String key =
        server
            .admin()
            .createApiKey(CreateApiKeyRequest.newBuilder().setAccountId(acct.accountId()).build())
            .getApiKey();

    assertThat(key).isNotEqualTo(acct.apiKey());
    assertThat(
            server
                .tenant(key)
                .describeAccount(DescribeAccountRequest.getDefaultInstance())
                .getAccount()
                .getAccountId())
        .isEqualTo(acct.accountId());
    assertThat(balance(acct)).as("the old key still works").isEqualTo(777);
  }

  @Test
  void apiKeyForAnUnknownAccount() {
    ErrorInfo info =
        notFound(
            "ACCOUNT_NOT_FOUND",
            () ->
                server
                    .admin()
                    .createApiKey(
                        CreateApiKeyRequest.newBuilder().setAccountId("acc-nobody00").build()));
    assertThat(info.getMetadataMap()).containsEntry("accountId", "acc-nobody00");
    invalidArgument(
        "INVALID_ACCOUNT_ID",
        "account_id",
        () -> server.admin().createApiKey(CreateApiKeyRequest.getDefaultInstance()));
  }

  @Test
  void accountIdsMatchExactlyNotCaseInsensitively() {
    TestAccount acct = account(777);
    // MariaDB's default collation would match "ACC-..." to the real account: refused up front.
    invalidArgument(
        "INVALID_ACCOUNT_ID",
        "account_id",
        () ->
            server
                .admin()
                .createApiKey(
                    CreateApiKeyRequest.newBuilder()
                        .setAccountId(acct.accountId().toUpperCase())
                        .build()));
    invalidArgument(
        "INVALID_ACCOUNT_ID",
        "account_id",
        () ->
            server
                .admin()
                .topUpBalance(
                    TopUpBalanceRequest.newBuilder()
                        .setAccountId(acct.accountId().toUpperCase())
                        .setAmount(cny(1, 0))
                        .build()));
    assertThat(balance(acct)).isEqualTo(777);
  }

  // ---------------------------------------------------------------- TopUpBalance

  @Test
  void topUpCreditsTheBalanceAndRecordsIt() {
    TestAccount acct = account(100);
    clock.set(NOW.plusSeconds(5));

    TopUpBalanceResponse r =
        server
            .admin()
            .topUpBalance(
                TopUpBalanceRequest.newBuilder()
                    .setAccountId(acct.accountId())
                    .setAmount(cny(12, 340_000_000))
                    .build());

    assertThat(fen(r.getAccount().getBalance())).isEqualTo(1334);
    assertThat(r.getAccount().getAccountId()).isEqualTo(acct.accountId());
    assertThat(balance(acct)).isEqualTo(1334);
    BillingRecord rec = records(acct).get(0);
    assertThat(rec.getType()).isEqualTo(BillingRecord.Type.TOP_UP);
    assertThat(fen(rec.getAmount())).isEqualTo(1234);
    assertThat(fen(rec.getBalanceAfter())).isEqualTo(1334);
    assertThat(instant(rec.getCreatedTime())).isEqualTo(NOW.plusSeconds(5));
  }

  @Test
  void topUpAmountMustBePositiveWholeFenCny() {
    TestAccount acct = account(100);
    for (Money bad :
        List.of(
            cny(0, 0),
            cny(-5, 0),
            cny(0, -10_000_000),
            cny(1, 1),
            Money.newBuilder().setCurrencyCode("EUR").setUnits(1).build())) {
      invalidArgument(
          "INVALID_AMOUNT",
          "amount",
          () ->
              server
                  .admin()
                  .topUpBalance(
                      TopUpBalanceRequest.newBuilder()
                          .setAccountId(acct.accountId())
                          .setAmount(bad)
                          .build()));
    }
    invalidArgument(
        "INVALID_AMOUNT",
        "amount",
        () ->
            server
                .admin()
                .topUpBalance(
                    TopUpBalanceRequest.newBuilder().setAccountId(acct.accountId()).build()));
    assertThat(balance(acct)).isEqualTo(100);
    assertThat(records(acct)).hasSize(1);
  }

  @Test
  void topUpOfAnUnknownAccount() {
    ErrorInfo info =
        notFound(
            "ACCOUNT_NOT_FOUND",
            () ->
                server
                    .admin()
                    .topUpBalance(
                        TopUpBalanceRequest.newBuilder()
                            .setAccountId("acc-nobody00")
                            .setAmount(cny(1, 0))
                            .setClientToken("tu-x")
                            .build()));
    assertThat(info.getMetadataMap()).containsEntry("accountId", "acc-nobody00");
    invalidArgument(
        "INVALID_ACCOUNT_ID",
        "account_id",
        () ->
            server
                .admin()
                .topUpBalance(TopUpBalanceRequest.newBuilder().setAmount(cny(1, 0)).build()));
  }

  @Test
  void topUpWithAClientTokenIsIdempotent() {
    TestAccount acct = account(100);
    TopUpBalanceRequest request =
        TopUpBalanceRequest.newBuilder()
            .setAccountId(acct.accountId())
            .setAmount(cny(10, 0))
            .setClientToken("topup-1")
            .build();

    TopUpBalanceResponse first = server.admin().topUpBalance(request);
    TopUpBalanceResponse again = server.admin().topUpBalance(request);

    assertThat(again).isEqualTo(first);
    assertThat(balance(acct)).isEqualTo(1100);
    assertThat(records(acct)).hasSize(2);
    invalidArgument(
        "IDEMPOTENCY_KEY_REUSED",
        "client_token",
        () -> server.admin().topUpBalance(request.toBuilder().setAmount(cny(20, 0)).build()));
    // Without a token every call credits.
    server.admin().topUpBalance(request.toBuilder().clearClientToken().build());
    server.admin().topUpBalance(request.toBuilder().clearClientToken().build());
    assertThat(balance(acct)).isEqualTo(3100);
    invalidArgument(
        "INVALID_CLIENT_TOKEN",
        "client_token",
        () ->
            server
                .admin()
                .topUpBalance(request.toBuilder().setClientToken("x".repeat(65)).build()));
  }

  @Test
  void topUpTokensAreScopedPerAccount() {
    TestAccount one = account(0);
    TestAccount two = account(0);
    server
        .admin()
        .topUpBalance(
            TopUpBalanceRequest.newBuilder()
                .setAccountId(one.accountId())
                .setAmount(cny(1, 0))
                .setClientToken("same")
                .build());
    server
        .admin()
        .topUpBalance(
            TopUpBalanceRequest.newBuilder()
                .setAccountId(two.accountId())
                .setAmount(cny(1, 0))
                .setClientToken("same")
                .build());
    assertThat(balance(one)).isEqualTo(100);
    assertThat(balance(two)).isEqualTo(100);
  }

  // ---------------------------------------------------------------- CreateInstances

  @Test
  void createsPrepaidInstancesForAPeriodFromNow() {
    TestAccount acct = account(RICH);

    CreateInstancesResponse r =
        server.admin().createInstances(newPrepaid(acct).setCount(3).build());

    assertThat(r.getInstancesList()).hasSize(3);
    assertThat(new HashSet<>(ids(r.getInstancesList()))).hasSize(3);
    assertThat(r.getInstancesList())
        .allSatisfy(
            i -> {
              assertThat(i.getInstanceId()).matches("ins-[a-z0-9]{8}");
              assertThat(i.getAccountId()).isEqualTo(acct.accountId());
              assertThat(i.getState()).isEqualTo(Instance.State.RUNNING);
              assertThat(i.getChargeType()).isEqualTo(Instance.ChargeType.PREPAID);
              assertThat(instant(i.getCreatedTime())).isEqualTo(NOW);
              assertThat(instant(i.getExpiredTime())).isEqualTo(t("2027-02-10T04:00:00Z"));
              assertThat(i.getRenewFlag()).isEqualTo(RenewFlag.NOTIFY_AND_MANUAL_RENEW);
              assertThat(i.getAutoRenewPeriodMonths()).isEqualTo(1);
              assertThat(i.getBandwidthMbps()).isEqualTo(1);
            });
    assertThat(allInstances(acct)).containsExactlyInAnyOrderElementsOf(r.getInstancesList());
    // Provisioning is not charged.
    assertThat(balance(acct)).isEqualTo(RICH);
    assertThat(records(acct)).hasSize(1);
  }

  @Test
  void periodMonthsUseTheAnchorCalendar() {
    TestAccount acct = account(RICH);
    clock.set(t("2027-01-31T02:00:00.250Z")); // Jan 31 10:00 Shanghai, with milliseconds

    Instance twelve =
        server
            .admin()
            .createInstances(newPrepaid(acct).setPeriodMonths(12).build())
            .getInstances(0);
    Instance one =
        server.admin().createInstances(newPrepaid(acct).setPeriodMonths(1).build()).getInstances(0);

    assertThat(instant(twelve.getExpiredTime())).isEqualTo(t("2028-01-31T02:00:00Z"));
    assertThat(instant(one.getExpiredTime())).isEqualTo(t("2027-02-28T02:00:00Z"));
  }

  @Test
  void createsWithAnExplicitExpiryTruncatedToSeconds() {
    TestAccount acct = account(RICH);
    Timestamp expiry =
        Timestamp.newBuilder()
            .setSeconds(t("2027-05-01T00:00:00Z").getEpochSecond())
            .setNanos(999_000_000)
            .build();

    Instance i =
        server
            .admin()
            .createInstances(
                newPrepaid(acct)
                    .setExpiredTime(expiry)
                    .setRenewFlag(RenewFlag.NOTIFY_AND_AUTO_RENEW)
                    .setAutoRenewPeriodMonths(6)
                    .setBandwidthMbps(0)
                    .setInstanceType(LARGE)
                    .build())
            .getInstances(0);

    assertThat(instant(i.getExpiredTime())).isEqualTo(t("2027-05-01T00:00:00Z"));
    assertThat(i.getRenewFlag()).isEqualTo(RenewFlag.NOTIFY_AND_AUTO_RENEW);
    assertThat(i.getAutoRenewPeriodMonths()).isEqualTo(6);
    assertThat(i.getBandwidthMbps()).isZero();
    assertThat(i.getInstanceType()).isEqualTo(LARGE);
  }

  @Test
  void createsPostpaidInstancesWithoutExpiry() {
    TestAccount acct = account(RICH);

    CreateInstancesResponse r =
        server
            .admin()
            .createInstances(
                CreateInstancesRequest.newBuilder()
                    .setAccountId(acct.accountId())
                    .setInstanceType(MEDIUM)
                    .setChargeType(Instance.ChargeType.POSTPAID_BY_HOUR)
                    .setBandwidthMbps(5)
                    .setCount(2)
                    .build());

    assertThat(r.getInstancesList())
        .hasSize(2)
        .allSatisfy(
            i -> {
              assertThat(i.getChargeType()).isEqualTo(Instance.ChargeType.POSTPAID_BY_HOUR);
              assertThat(i.getState()).isEqualTo(Instance.State.RUNNING);
              assertThat(i.hasExpiredTime()).isFalse();
              assertThat(i.getInstanceType()).isEqualTo(MEDIUM);
            });
  }

  @Test
  void createInstancesIsIdempotentWithAClientToken() {
    TestAccount acct = account(RICH);
    CreateInstancesRequest request =
        newPrepaid(acct).setCount(2).setClientToken("provision-1").build();

    CreateInstancesResponse first = server.admin().createInstances(request);
    CreateInstancesResponse again = server.admin().createInstances(request);

    assertThat(again).isEqualTo(first);
    assertThat(allInstances(acct)).hasSize(2);
  }

  @Test
  void unknownInstanceType() {
    TestAccount acct = account(RICH);
    for (String type : List.of("S5.HUGE", "", "s5.small2")) {
      invalidArgument(
          "INVALID_INSTANCE_TYPE",
          "instance_type",
          () -> server.admin().createInstances(newPrepaid(acct).setInstanceType(type).build()));
    }
    assertThat(allInstances(acct)).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(ints = {101, -1, Integer.MAX_VALUE})
  void invalidCount(int count) {
    TestAccount acct = account(RICH);
    invalidArgument(
        "INVALID_COUNT",
        "count",
        () -> server.admin().createInstances(newPrepaid(acct).setCount(count).build()));
    assertThat(allInstances(acct)).isEmpty();
  }

  @Test
  void countDefaultsToOneAndAllowsOneHundred() {
    TestAccount acct = account(RICH);
    assertThat(server.admin().createInstances(newPrepaid(acct).build()).getInstancesCount())
        .isEqualTo(1);
    assertThat(
            server
                .admin()
                .createInstances(newPrepaid(acct).setCount(100).build())
                .getInstancesCount())
        .isEqualTo(100);
  }

  @Test
  void expiredTimeMustBeInTheFuture() {
    TestAccount acct = account(RICH);
    for (String past :
        List.of("2027-01-09T04:00:00Z", "2027-01-10T04:00:00Z", "1970-01-01T00:00:00Z")) {
      invalidArgument(
          "INVALID_EXPIRED_TIME",
          "expired_time",
          () -> server.admin().createInstances(newPrepaid(acct).setExpiredTime(ts(past)).build()));
    }
    invalidArgument(
        "INVALID_EXPIRED_TIME",
        "expired_time",
        () ->
            server
                .admin()
                .createInstances(
                    newPrepaid(acct)
                        .setExpiredTime(Timestamp.newBuilder().setSeconds(1).setNanos(-1))
                        .build()));
    assertThat(allInstances(acct)).isEmpty();
    assertThat(
            server
                .admin()
                .createInstances(
                    newPrepaid(acct).setExpiredTime(ts("2027-01-10T04:00:01Z")).build())
                .getInstancesCount())
        .isEqualTo(1);
  }

  @Test
  void unknownAccount() {
    ErrorInfo info =
        notFound(
            "ACCOUNT_NOT_FOUND",
            () ->
                server
                    .admin()
                    .createInstances(newPrepaid(new TestAccount("acc-nobody00", "")).build()));
    assertThat(info.getMetadataMap()).containsEntry("accountId", "acc-nobody00");
    invalidArgument(
        "INVALID_ACCOUNT_ID",
        "account_id",
        () -> server.admin().createInstances(newPrepaid(new TestAccount("", "")).build()));
  }

  @Test
  void invalidPeriod() {
    TestAccount acct = account(RICH);
    for (int months : List.of(0, 13, 25, -1)) {
      invalidArgument(
          "INVALID_PERIOD",
          "period_months",
          () -> server.admin().createInstances(newPrepaid(acct).setPeriodMonths(months).build()));
    }
    // Prepaid needs a term; postpaid must not have one.
    invalidArgument(
        "INVALID_PERIOD",
        "period_months",
        () -> server.admin().createInstances(newPrepaid(acct).clearTerm().build()));
    invalidArgument(
        "INVALID_PERIOD",
        "period_months",
        () ->
            server
                .admin()
                .createInstances(
                    newPrepaid(acct).setChargeType(Instance.ChargeType.POSTPAID_BY_HOUR).build()));
    invalidArgument(
        "INVALID_PERIOD",
        "auto_renew_period_months",
        () ->
            server.admin().createInstances(newPrepaid(acct).setAutoRenewPeriodMonths(13).build()));
    assertThat(allInstances(acct)).isEmpty();
  }

  @Test
  void otherInvalidFields() {
    TestAccount acct = account(RICH);
    invalidArgument(
        "INVALID_CHARGE_TYPE",
        "charge_type",
        () ->
            server
                .admin()
                .createInstances(
                    newPrepaid(acct)
                        .setChargeType(Instance.ChargeType.CHARGE_TYPE_UNSPECIFIED)
                        .build()));
    invalidArgument(
        "INVALID_CHARGE_TYPE",
        "charge_type",
        () -> server.admin().createInstances(newPrepaid(acct).setChargeTypeValue(42).build()));
    invalidArgument(
        "INVALID_BANDWIDTH",
        "bandwidth_mbps",
        () -> server.admin().createInstances(newPrepaid(acct).setBandwidthMbps(1001).build()));
    invalidArgument(
        "INVALID_BANDWIDTH",
        "bandwidth_mbps",
        () -> server.admin().createInstances(newPrepaid(acct).setBandwidthMbps(-1).build()));
    invalidArgument(
        "INVALID_RENEW_FLAG",
        "renew_flag",
        () -> server.admin().createInstances(newPrepaid(acct).setRenewFlagValue(99).build()));
    assertThat(allInstances(acct)).isEmpty();
  }

  @Test
  void instancesCreatedInOneAccountAreInvisibleToAnother() {
    TestAccount one = account(RICH);
    TestAccount two = account(RICH);
    server.admin().createInstances(newPrepaid(one).setCount(2).build());
    assertThat(allInstances(two)).isEmpty();
    assertError(
        Status.Code.NOT_FOUND,
        "INSTANCE_NOT_FOUND",
        () -> describeViaRenew(two, allInstances(one).get(0)));
  }

  private void describeViaRenew(TestAccount acct, Instance instance) {
    tenant(acct)
        .inquiryPriceRenewInstances(
            com.cvmbilling.renewal.v1.InquiryPriceRenewInstancesRequest.newBuilder()
                .addInstanceIds(instance.getInstanceId())
                .setPeriodMonths(1)
                .build());
  }
}
