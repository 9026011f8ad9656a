package com.cvmbilling.renewal.server.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import com.cvmbilling.renewal.server.domain.InstanceState;
import com.cvmbilling.renewal.server.testing.TestServer.TestAccount;
import com.cvmbilling.renewal.v1.BillingRecord;
import com.cvmbilling.renewal.v1.Event;
import com.cvmbilling.renewal.v1.InquiryPriceRenewInstancesRequest;
import com.cvmbilling.renewal.v1.InquiryPriceRenewInstancesResponse;
import com.cvmbilling.renewal.v1.Instance;
import com.cvmbilling.renewal.v1.InstanceRenewal;
import com.cvmbilling.renewal.v1.RenewInstancesRequest;
import com.cvmbilling.renewal.v1.RenewInstancesResponse;
import com.cvmbilling.renewal.v1.TerminateInstancesRequest;
import com.google.rpc.ErrorInfo;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** RenewInstances and InquiryPriceRenewInstances over the real server (SPEC 5, 6, 7, 11). */
abstract class RenewInstancesTest extends ServiceTestBase {

  static RenewInstancesRequest.Builder renew(int months, String... ids) {
    return RenewInstancesRequest.newBuilder()
        .addAllInstanceIds(List.of(ids))
        .setPeriodMonths(months);
  }

  static RenewInstancesRequest.Builder renew(int months, List<String> ids) {
    return RenewInstancesRequest.newBuilder().addAllInstanceIds(ids).setPeriodMonths(months);
  }

  static InquiryPriceRenewInstancesRequest.Builder inquiry(int months, List<String> ids) {
    return InquiryPriceRenewInstancesRequest.newBuilder()
        .addAllInstanceIds(ids)
        .setPeriodMonths(months);
  }

  // ---------------------------------------------------------------- happy paths

  @Test
  void renewsOneMonthAsOneOrderWithOneLedgerRowAndEvents() {
    TestAccount acct = account(10_000_00);
    Instance a = prepaid(acct, SMALL, 1, "2027-02-10T04:00:00Z");
    Instance b = prepaid(acct, SMALL, 1, "2027-02-10T04:00:00Z");
    Instance c = prepaid(acct, LARGE, 5, "2027-02-10T04:00:00Z");
    List<BillingRecord> recordsBefore = records(acct);
    int eventsBefore = events(acct).size();

    // Request order c, a, b: responses follow the request.
    RenewInstancesResponse r =
        tenant(acct)
            .renewInstances(
                renew(1, c.getInstanceId(), a.getInstanceId(), b.getInstanceId()).build());

    // SMALL2 + 1 Mbps = 50 + 10 = 60.00; LARGE8 + 5 Mbps = 200 + 50 = 250.00.
    assertThat(r.getOrderId()).matches("ord-[a-z0-9]+");
    assertThat(fen(r.getTotalPrice())).isEqualTo(6000 + 6000 + 25000);
    assertThat(fen(r.getBalance())).isEqualTo(10_000_00 - 37000);
    assertThat(r.getRenewalsList())
        .extracting(InstanceRenewal::getInstanceId)
        .containsExactly(c.getInstanceId(), a.getInstanceId(), b.getInstanceId());
    InstanceRenewal rc = r.getRenewals(0);
    assertThat(instant(rc.getOldExpiredTime())).isEqualTo(t("2027-02-10T04:00:00Z"));
    assertThat(instant(rc.getNewExpiredTime())).isEqualTo(t("2027-03-10T04:00:00Z"));
    assertThat(fen(rc.getPrice().getOriginalPrice())).isEqualTo(25000);
    assertThat(fen(rc.getPrice().getDiscountPrice())).isEqualTo(25000);
    assertThat(fen(rc.getBandwidthUpgradePrice())).isZero();
    assertThat(rc.getBandwidthMbps()).isEqualTo(5);
    assertThat(fen(r.getRenewals(1).getPrice().getDiscountPrice())).isEqualTo(6000);

    assertThat(balance(acct)).isEqualTo(10_000_00 - 37000);
    for (Instance i : List.of(a, b, c)) {
      Instance now = describe(acct, i.getInstanceId());
      assertThat(instant(now.getExpiredTime())).isEqualTo(t("2027-03-10T04:00:00Z"));
      assertThat(now.getState()).isEqualTo(Instance.State.RUNNING);
      assertThat(now.getBandwidthMbps()).isEqualTo(i.getBandwidthMbps());
    }

    List<BillingRecord> records = records(acct);
    assertThat(records).hasSize(recordsBefore.size() + 1);
    BillingRecord rec = records.get(0);
    assertThat(rec.getType()).isEqualTo(BillingRecord.Type.RENEW);
    assertThat(rec.getOrderId()).isEqualTo(r.getOrderId());
    assertThat(fen(rec.getAmount())).isEqualTo(-37000);
    assertThat(fen(rec.getBalanceAfter())).isEqualTo(10_000_00 - 37000);
    assertThat(rec.getInstanceIdsList())
        .containsExactlyInAnyOrder(a.getInstanceId(), b.getInstanceId(), c.getInstanceId());
    assertThat(instant(rec.getCreatedTime())).isEqualTo(NOW);

    List<Event> events = events(acct);
    List<Event> added = events.subList(eventsBefore, events.size());
    assertThat(added).hasSize(3);
    assertThat(added)
        .allSatisfy(
            e -> {
              assertThat(e.getType()).isEqualTo(Event.Type.RENEWED);
              assertThat(e.getOrderId()).isEqualTo(r.getOrderId());
              assertThat(e.getAccountId()).isEqualTo(acct.accountId());
              assertThat(instant(e.getExpiredTime())).isEqualTo(t("2027-03-10T04:00:00Z"));
              assertThat(instant(e.getOccurredTime())).isEqualTo(NOW);
            });
    assertThat(added)
        .extracting(Event::getInstanceId)
        .containsExactlyInAnyOrder(a.getInstanceId(), b.getInstanceId(), c.getInstanceId());
  }

  @ParameterizedTest(name = "{0} months: original {1}, charged {2}, new expiry {3}")
  @CsvSource({
    // SMALL2 + 1 Mbps = 60.00 per month; 12 months 85%, 24 months 70%, 36 months 60%.
    "1,  6000,   6000,   2027-03-10T04:00:00Z",
    "2,  12000,  12000,  2027-04-10T04:00:00Z",
    "11, 66000,  66000,  2028-01-10T04:00:00Z",
    "12, 72000,  61200,  2028-02-10T04:00:00Z",
    "24, 144000, 100800, 2029-02-10T04:00:00Z",
    "36, 216000, 129600, 2030-02-10T04:00:00Z",
  })
  void pricesEachPeriodWithItsFactor(int months, long original, long charged, String newExpiry) {
    TestAccount acct = account(RICH);
    Instance a = prepaid(acct, SMALL, 1, "2027-02-10T04:00:00Z");

    RenewInstancesResponse r =
        tenant(acct).renewInstances(renew(months, a.getInstanceId()).build());

    assertThat(fen(r.getRenewals(0).getPrice().getOriginalPrice())).isEqualTo(original);
    assertThat(fen(r.getRenewals(0).getPrice().getDiscountPrice())).isEqualTo(charged);
    assertThat(fen(r.getTotalPrice())).isEqualTo(charged);
    assertThat(instant(r.getRenewals(0).getNewExpiredTime())).isEqualTo(t(newExpiry));
    assertThat(balance(acct)).isEqualTo(RICH - charged);
    assertThat(fen(records(acct).get(0).getAmount())).isEqualTo(-charged);
  }

  @Test
  void twelveMonthsDiscountAppliesPerLineAcrossTypes() {
    TestAccount acct = account(RICH);
    Instance m = prepaid(acct, MEDIUM, 2, "2027-02-10T04:00:00Z"); // 120.00 / month
    Instance l = prepaid(acct, LARGE, 0, "2027-02-10T04:00:00Z"); // 200.00 / month

    RenewInstancesResponse r =
        tenant(acct).renewInstances(renew(12, m.getInstanceId(), l.getInstanceId()).build());

    assertThat(fen(r.getRenewals(0).getPrice().getDiscountPrice())).isEqualTo(144000 * 85 / 100);
    assertThat(fen(r.getRenewals(1).getPrice().getDiscountPrice())).isEqualTo(240000 * 85 / 100);
    assertThat(fen(r.getTotalPrice())).isEqualTo(122400 + 204000);
  }

  @Test
  void anchorDay31GoesToFeb28ThenBackToMar31() {
    TestAccount acct = account(RICH);
    // Jan 31 12:00 in Shanghai: anchor day 31.
    Instance a = prepaid(acct, SMALL, 1, "2027-01-31T04:00:00Z");

    RenewInstancesResponse first = tenant(acct).renewInstances(renew(1, a.getInstanceId()).build());
    assertThat(instant(first.getRenewals(0).getNewExpiredTime()))
        .isEqualTo(t("2027-02-28T04:00:00Z"));

    RenewInstancesResponse second =
        tenant(acct).renewInstances(renew(1, a.getInstanceId()).build());
    assertThat(instant(second.getRenewals(0).getOldExpiredTime()))
        .isEqualTo(t("2027-02-28T04:00:00Z"));
    assertThat(instant(second.getRenewals(0).getNewExpiredTime()))
        .isEqualTo(t("2027-03-31T04:00:00Z"));

    RenewInstancesResponse third = tenant(acct).renewInstances(renew(1, a.getInstanceId()).build());
    assertThat(instant(third.getRenewals(0).getNewExpiredTime()))
        .isEqualTo(t("2027-04-30T04:00:00Z"));

    RenewInstancesResponse fourth =
        tenant(acct).renewInstances(renew(1, a.getInstanceId()).build());
    assertThat(instant(fourth.getRenewals(0).getNewExpiredTime()))
        .isEqualTo(t("2027-05-31T04:00:00Z"));
    assertThat(instant(describe(acct, a.getInstanceId()).getExpiredTime()))
        .isEqualTo(t("2027-05-31T04:00:00Z"));
    // Each month costs the same whatever its length.
    assertThat(balance(acct)).isEqualTo(RICH - 4 * 6000);
  }

  @Test
  void anchorDayIsTakenInTheBillingZoneNotUtc() {
    TestAccount acct = account(RICH);
    // 2027-01-30T16:30Z is Jan 31 00:30 in Shanghai: anchor 31 there (30 in UTC).
    Instance a = prepaid(acct, SMALL, 1, "2027-01-30T16:30:00Z");

    RenewInstancesResponse first = tenant(acct).renewInstances(renew(1, a.getInstanceId()).build());
    // Feb 28 00:30 Shanghai.
    assertThat(instant(first.getRenewals(0).getNewExpiredTime()))
        .isEqualTo(t("2027-02-27T16:30:00Z"));
    RenewInstancesResponse second =
        tenant(acct).renewInstances(renew(1, a.getInstanceId()).build());
    // Mar 31 00:30 Shanghai.
    assertThat(instant(second.getRenewals(0).getNewExpiredTime()))
        .isEqualTo(t("2027-03-30T16:30:00Z"));
  }

  @Test
  void bandwidthIncreaseChargesRemainingDaysAndRenewsAtTheNewRateUnderOneOrder() {
    TestAccount acct = account(10_000_00);
    // Now is Jan 10 12:00 Shanghai. a expires Feb 10 12:00: 31 whole days left.
    Instance a = prepaid(acct, SMALL, 1, "2027-02-10T04:00:00Z");
    // b expires Feb 10 18:00: 31 days 6 hours left, rounded up to 32 days.
    Instance b = prepaid(acct, SMALL, 1, "2027-02-10T10:00:00Z");
    // c already has 3 Mbps: no upgrade for it.
    Instance c = prepaid(acct, SMALL, 3, "2027-02-10T04:00:00Z");
    int recordsBefore = records(acct).size();

    RenewInstancesResponse r =
        tenant(acct)
            .renewInstances(
                renew(1, a.getInstanceId(), b.getInstanceId(), c.getInstanceId())
                    .setBandwidthMbps(3)
                    .build());

    // New rate 50 + 3 x 10 = 80.00. Upgrade: (80 - 60) x days / 30, half-up per line.
    // a: 2000 x 31 / 30 = 2066.67 -> 2067; b: 2000 x 32 / 30 = 2133.33 -> 2133.
    InstanceRenewal ra = r.getRenewals(0);
    assertThat(fen(ra.getBandwidthUpgradePrice())).isEqualTo(2067);
    assertThat(fen(ra.getPrice().getDiscountPrice())).isEqualTo(8000 + 2067);
    assertThat(fen(ra.getPrice().getOriginalPrice())).isEqualTo(8000 + 2067);
    assertThat(ra.getBandwidthMbps()).isEqualTo(3);
    assertThat(instant(ra.getNewExpiredTime())).isEqualTo(t("2027-03-10T04:00:00Z"));
    InstanceRenewal rb = r.getRenewals(1);
    assertThat(fen(rb.getBandwidthUpgradePrice())).isEqualTo(2133);
    assertThat(fen(rb.getPrice().getDiscountPrice())).isEqualTo(8000 + 2133);
    InstanceRenewal rc = r.getRenewals(2);
    assertThat(fen(rc.getBandwidthUpgradePrice())).isZero();
    assertThat(fen(rc.getPrice().getDiscountPrice())).isEqualTo(8000);

    long total = 3 * 8000 + 2067 + 2133;
    assertThat(fen(r.getTotalPrice())).isEqualTo(total);
    assertThat(fen(r.getBalance())).isEqualTo(10_000_00 - total);
    assertThat(balance(acct)).isEqualTo(10_000_00 - total);

    List<BillingRecord> records = records(acct);
    assertThat(records).hasSize(recordsBefore + 2);
    BillingRecord upgrade = records.get(0); // newest first
    BillingRecord renewal = records.get(1);
    assertThat(renewal.getType()).isEqualTo(BillingRecord.Type.RENEW);
    assertThat(upgrade.getType()).isEqualTo(BillingRecord.Type.BANDWIDTH_UPGRADE);
    assertThat(renewal.getOrderId()).isEqualTo(r.getOrderId());
    assertThat(upgrade.getOrderId()).isEqualTo(r.getOrderId());
    assertThat(fen(renewal.getAmount())).isEqualTo(-24000);
    assertThat(fen(upgrade.getAmount())).isEqualTo(-(2067 + 2133));
    assertThat(fen(renewal.getBalanceAfter())).isEqualTo(10_000_00 - 24000);
    assertThat(fen(upgrade.getBalanceAfter())).isEqualTo(10_000_00 - total);
    assertThat(renewal.getInstanceIdsList())
        .containsExactlyInAnyOrder(a.getInstanceId(), b.getInstanceId(), c.getInstanceId());
    assertThat(upgrade.getInstanceIdsList())
        .containsExactlyInAnyOrder(a.getInstanceId(), b.getInstanceId());

    assertThat(describe(acct, a.getInstanceId()).getBandwidthMbps()).isEqualTo(3);
    assertThat(describe(acct, b.getInstanceId()).getBandwidthMbps()).isEqualTo(3);
  }

  @Test
  void bandwidthIncreaseWithTwelveMonthsDiscountsOnlyTheRenewedPeriod() {
    TestAccount acct = account(RICH);
    Instance a = prepaid(acct, SMALL, 1, "2027-02-10T04:00:00Z");

    RenewInstancesResponse r =
        tenant(acct).renewInstances(renew(12, a.getInstanceId()).setBandwidthMbps(3).build());

    // Renewal at 80.00 x 12 = 960.00, charged 85% = 816.00; upgrade 20.67 for 31 days, no factor.
    assertThat(fen(r.getRenewals(0).getBandwidthUpgradePrice())).isEqualTo(2067);
    assertThat(fen(r.getRenewals(0).getPrice().getOriginalPrice())).isEqualTo(96000 + 2067);
    assertThat(fen(r.getRenewals(0).getPrice().getDiscountPrice())).isEqualTo(81600 + 2067);
    assertThat(fen(r.getTotalPrice())).isEqualTo(81600 + 2067);
    assertThat(balance(acct)).isEqualTo(RICH - 81600 - 2067);
  }

  @Test
  void bandwidthDecreaseIsNotRefundedAndRenewsAtTheNewRate() {
    TestAccount acct = account(10_000_00);
    Instance a = prepaid(acct, SMALL, 3, "2027-02-10T04:00:00Z");
    int recordsBefore = records(acct).size();

    RenewInstancesResponse r =
        tenant(acct).renewInstances(renew(2, a.getInstanceId()).setBandwidthMbps(1).build());

    // 60.00 x 2 months, no refund for the rest of the current period.
    assertThat(fen(r.getTotalPrice())).isEqualTo(12000);
    assertThat(fen(r.getRenewals(0).getBandwidthUpgradePrice())).isZero();
    assertThat(r.getRenewals(0).getBandwidthMbps()).isEqualTo(1);
    assertThat(balance(acct)).isEqualTo(10_000_00 - 12000);
    List<BillingRecord> records = records(acct);
    assertThat(records).hasSize(recordsBefore + 1);
    assertThat(records.get(0).getType()).isEqualTo(BillingRecord.Type.RENEW);
    assertThat(fen(records.get(0).getAmount())).isEqualTo(-12000);
    assertThat(describe(acct, a.getInstanceId()).getBandwidthMbps()).isEqualTo(1);
  }

  @Test
  void sameBandwidthIsNoChange() {
    TestAccount acct = account(RICH);
    Instance a = prepaid(acct, SMALL, 2, "2027-02-10T04:00:00Z");

    RenewInstancesResponse r =
        tenant(acct).renewInstances(renew(1, a.getInstanceId()).setBandwidthMbps(2).build());

    assertThat(fen(r.getTotalPrice())).isEqualTo(7000);
    assertThat(fen(r.getRenewals(0).getBandwidthUpgradePrice())).isZero();
    assertThat(records(acct).get(0).getType()).isEqualTo(BillingRecord.Type.RENEW);
  }

  @Test
  void renewingAnIsolatedInstanceRestoresItCountingFromTheOldExpiry() {
    TestAccount acct = account(RICH);
    Instance a = prepaid(acct, SMALL, 1, "2027-01-12T04:00:00Z");
    clock.set(t("2027-01-15T04:00:00Z")); // three days after expiry
    forceState(acct, a.getInstanceId(), InstanceState.ISOLATED);
    assertThat(describe(acct, a.getInstanceId()).getState()).isEqualTo(Instance.State.ISOLATED);

    RenewInstancesResponse r = tenant(acct).renewInstances(renew(1, a.getInstanceId()).build());

    // From the old expiry Jan 12, not from now (Jan 15).
    assertThat(instant(r.getRenewals(0).getOldExpiredTime())).isEqualTo(t("2027-01-12T04:00:00Z"));
    assertThat(instant(r.getRenewals(0).getNewExpiredTime())).isEqualTo(t("2027-02-12T04:00:00Z"));
    assertThat(fen(r.getTotalPrice())).isEqualTo(6000);
    Instance now = describe(acct, a.getInstanceId());
    assertThat(now.getState()).isEqualTo(Instance.State.RUNNING);
    assertThat(instant(now.getExpiredTime())).isEqualTo(t("2027-02-12T04:00:00Z"));
    assertThat(now.hasIsolatedTime()).as("isolated_time is set only while ISOLATED").isFalse();
    assertThat(balance(acct)).isEqualTo(RICH - 6000);
    Event last = events(acct).get(events(acct).size() - 1);
    assertThat(last.getType()).isEqualTo(Event.Type.RENEWED);
    assertThat(last.getInstanceId()).isEqualTo(a.getInstanceId());
  }

  @Test
  void isolatedInstanceWithBandwidthIncreaseHasNoRemainingPeriodToUpgrade() {
    TestAccount acct = account(RICH);
    Instance a = prepaid(acct, SMALL, 1, "2027-01-12T04:00:00Z");
    isolate(acct, a);

    RenewInstancesResponse r =
        tenant(acct).renewInstances(renew(1, a.getInstanceId()).setBandwidthMbps(2).build());

    assertThat(fen(r.getRenewals(0).getBandwidthUpgradePrice())).isZero();
    assertThat(fen(r.getTotalPrice())).isEqualTo(7000);
  }

  @Test
  void exactBalanceIsEnoughAndLeavesZero() {
    TestAccount acct = account(6000);
    Instance a = prepaid(acct, SMALL, 1, "2027-02-10T04:00:00Z");

    RenewInstancesResponse r = tenant(acct).renewInstances(renew(1, a.getInstanceId()).build());

    assertThat(fen(r.getBalance())).isZero();
    assertThat(balance(acct)).isZero();
  }

  // ---------------------------------------------------------------- all-or-nothing

  @Test
  void oneUnknownIdAmongGoodOnesChangesNothing() {
    TestAccount acct = account(RICH);
    Instance a = prepaid(acct, SMALL, 1, "2027-02-10T04:00:00Z");
    Instance b = prepaid(acct, MEDIUM, 1, "2027-02-20T04:00:00Z");
    Snapshot before = snapshot(acct);

    ErrorInfo info =
        notFound(
            "INSTANCE_NOT_FOUND",
            () ->
                tenant(acct)
                    .renewInstances(
                        renew(1, a.getInstanceId(), "ins-zz000000", b.getInstanceId())
                            .setClientToken("all-or-nothing")
                            .build()));

    assertThat(metaList(info, "instanceIds")).containsExactly("ins-zz000000");
    assertThat(snapshot(acct)).isEqualTo(before);
  }

  @Test
  void oneReleasedInstanceAmongGoodOnesChangesNothing() {
    TestAccount acct = account(RICH);
    Instance a = prepaid(acct, SMALL, 1, "2027-02-10T04:00:00Z");
    Instance gone = prepaid(acct, SMALL, 1, "2027-01-11T04:00:00Z");
    isolate(acct, gone);
    tenant(acct)
        .terminateInstances(
            TerminateInstancesRequest.newBuilder().addInstanceIds(gone.getInstanceId()).build());
    Snapshot before = snapshot(acct);

    ErrorInfo info =
        failedPrecondition(
            "INSTANCE_RELEASED",
            () ->
                tenant(acct)
                    .renewInstances(renew(1, a.getInstanceId(), gone.getInstanceId()).build()));

    assertThat(metaList(info, "instanceIds")).containsExactly(gone.getInstanceId());
    assertThat(snapshot(acct)).isEqualTo(before);
  }

  @Test
  void insufficientBalanceChangesNothing() {
    TestAccount acct = account(11_999); // two renewals cost 120.00
    Instance a = prepaid(acct, SMALL, 1, "2027-02-10T04:00:00Z");
    Instance b = prepaid(acct, SMALL, 1, "2027-02-10T04:00:00Z");
    Snapshot before = snapshot(acct);

    ErrorInfo info =
        failedPrecondition(
            "INSUFFICIENT_BALANCE",
            () ->
                tenant(acct)
                    .renewInstances(
                        renew(1, a.getInstanceId(), b.getInstanceId())
                            .setClientToken("poor-1")
                            .build()));

    assertThat(info.getMetadataMap())
        .containsEntry("required", "120.00")
        .containsEntry("balance", "119.99");
    assertThat(snapshot(acct)).isEqualTo(before);
  }

  @Test
  void insufficientBalanceWithBandwidthUpgradeChangesNothing() {
    // The renewal alone (80.00) fits, the upgrade (20.67) does not.
    TestAccount acct = account(8000 + 2066);
    Instance a = prepaid(acct, SMALL, 1, "2027-02-10T04:00:00Z");
    Snapshot before = snapshot(acct);

    failedPrecondition(
        "INSUFFICIENT_BALANCE",
        () -> tenant(acct).renewInstances(renew(1, a.getInstanceId()).setBandwidthMbps(3).build()));

    assertThat(snapshot(acct)).isEqualTo(before);
  }

  // ---------------------------------------------------------------- dry run and inquiry

  @Test
  void dryRunInquiryAndRealCallAgreeAndOnlyTheRealCallCharges() {
    TestAccount acct = account(10_000_00);
    Instance a = prepaid(acct, SMALL, 1, "2027-02-10T10:00:00Z");
    Instance b = prepaid(acct, LARGE, 4, "2027-01-31T04:00:00Z");
    List<String> ids = List.of(a.getInstanceId(), b.getInstanceId());
    Snapshot before = snapshot(acct);

    RenewInstancesResponse dry =
        tenant(acct).renewInstances(renew(12, ids).setBandwidthMbps(5).setDryRun(true).build());
    InquiryPriceRenewInstancesResponse inq =
        tenant(acct).inquiryPriceRenewInstances(inquiry(12, ids).setBandwidthMbps(5).build());

    assertThat(dry.getOrderId()).isEmpty();
    assertThat(fen(dry.getBalance())).as("balance before the charge").isEqualTo(10_000_00);
    assertThat(snapshot(acct)).isEqualTo(before);
    assertThat(dry.getRenewalsList()).isEqualTo(inq.getRenewalsList());
    assertThat(dry.getTotalPrice()).isEqualTo(inq.getTotalPrice());

    // a: 100.00 x 12 x 85% = 1020.00 + upgrade (100 - 60) x 32 / 30 = 42.67
    // b: 250.00 x 12 x 85% = 2550.00 + upgrade (250 - 240) x 21 / 30 = 7.00
    assertThat(fen(inq.getRenewals(0).getPrice().getDiscountPrice())).isEqualTo(102000 + 4267);
    assertThat(fen(inq.getRenewals(1).getPrice().getDiscountPrice())).isEqualTo(255000 + 700);
    assertThat(instant(inq.getRenewals(1).getNewExpiredTime()))
        .isEqualTo(t("2028-01-31T04:00:00Z"));
    long total = 102000 + 4267 + 255000 + 700;
    assertThat(fen(inq.getTotalPrice())).isEqualTo(total);

    RenewInstancesResponse real =
        tenant(acct).renewInstances(renew(12, ids).setBandwidthMbps(5).build());
    assertThat(real.getRenewalsList()).isEqualTo(dry.getRenewalsList());
    assertThat(real.getTotalPrice()).isEqualTo(dry.getTotalPrice());
    assertThat(real.getOrderId()).isNotEmpty();
    assertThat(balance(acct)).isEqualTo(10_000_00 - total);
  }

  @Test
  void dryRunStillValidatesTheBalance() {
    TestAccount acct = account(5999);
    Instance a = prepaid(acct, SMALL, 1, "2027-02-10T04:00:00Z");

    failedPrecondition(
        "INSUFFICIENT_BALANCE",
        () -> tenant(acct).renewInstances(renew(1, a.getInstanceId()).setDryRun(true).build()));
    // Inquiry only prices.
    assertThat(
            fen(
                tenant(acct)
                    .inquiryPriceRenewInstances(inquiry(1, List.of(a.getInstanceId())).build())
                    .getTotalPrice()))
        .isEqualTo(6000);
  }

  @Test
  void dryRunWithAClientTokenDoesNotConsumeIt() {
    TestAccount acct = account(RICH);
    Instance a = prepaid(acct, SMALL, 1, "2027-02-10T04:00:00Z");

    tenant(acct)
        .renewInstances(
            renew(1, a.getInstanceId()).setDryRun(true).setClientToken("tok-dry").build());
    RenewInstancesResponse real =
        tenant(acct).renewInstances(renew(1, a.getInstanceId()).setClientToken("tok-dry").build());

    assertThat(real.getOrderId()).isNotEmpty();
    assertThat(balance(acct)).isEqualTo(RICH - 6000);
  }

  // ---------------------------------------------------------------- idempotency

  @Test
  void repeatWithTheSameTokenReturnsTheStoredResponseAndChargesOnce() {
    TestAccount acct = account(RICH);
    Instance a = prepaid(acct, SMALL, 1, "2027-02-10T04:00:00Z");
    RenewInstancesRequest request =
        renew(1, a.getInstanceId()).setClientToken("renew-once").build();

    RenewInstancesResponse first = tenant(acct).renewInstances(request);
    Snapshot after = snapshot(acct);
    clock.set(NOW.plus(java.time.Duration.ofHours(23).plusMinutes(59))); // kept at least 24 h
    RenewInstancesResponse again = tenant(acct).renewInstances(request);

    assertThat(again).isEqualTo(first);
    assertThat(snapshot(acct)).isEqualTo(after);
    assertThat(balance(acct)).isEqualTo(RICH - 6000);
    assertThat(instant(describe(acct, a.getInstanceId()).getExpiredTime()))
        .isEqualTo(t("2027-03-10T04:00:00Z"));
  }

  @Test
  void sameTokenWithADifferentRequestIsRejected() {
    TestAccount acct = account(RICH);
    Instance a = prepaid(acct, SMALL, 1, "2027-02-10T04:00:00Z");
    tenant(acct).renewInstances(renew(1, a.getInstanceId()).setClientToken("tok-1").build());
    Snapshot before = snapshot(acct);

    invalidArgument(
        "IDEMPOTENCY_KEY_REUSED",
        "client_token",
        () ->
            tenant(acct)
                .renewInstances(renew(2, a.getInstanceId()).setClientToken("tok-1").build()));
    invalidArgument(
        "IDEMPOTENCY_KEY_REUSED",
        "client_token",
        () ->
            tenant(acct)
                .renewInstances(
                    renew(1, a.getInstanceId())
                        .setBandwidthMbps(2)
                        .setClientToken("tok-1")
                        .build()));

    assertThat(snapshot(acct)).isEqualTo(before);
  }

  @Test
  void tokensAreScopedToTheAccount() {
    TestAccount one = account(RICH);
    TestAccount two = account(RICH);
    Instance a = prepaid(one, SMALL, 1, "2027-02-10T04:00:00Z");
    Instance b = prepaid(two, SMALL, 1, "2027-02-10T04:00:00Z");

    tenant(one).renewInstances(renew(1, a.getInstanceId()).setClientToken("shared").build());
    RenewInstancesResponse r =
        tenant(two).renewInstances(renew(1, b.getInstanceId()).setClientToken("shared").build());

    assertThat(r.getRenewals(0).getInstanceId()).isEqualTo(b.getInstanceId());
    assertThat(balance(two)).isEqualTo(RICH - 6000);
  }

  @Test
  void aFailedRequestIsNotStoredAndCanBeRetriedWithTheSameToken() {
    TestAccount acct = account(5000);
    Instance a = prepaid(acct, SMALL, 1, "2027-02-10T04:00:00Z");
    RenewInstancesRequest request = renew(1, a.getInstanceId()).setClientToken("retry-me").build();

    failedPrecondition("INSUFFICIENT_BALANCE", () -> tenant(acct).renewInstances(request));
    server
        .admin()
        .topUpBalance(
            com.cvmbilling.renewal.v1.TopUpBalanceRequest.newBuilder()
                .setAccountId(acct.accountId())
                .setAmount(com.cvmbilling.renewal.server.testing.TestServer.money(1000))
                .build());
    RenewInstancesResponse r = tenant(acct).renewInstances(request);

    assertThat(fen(r.getBalance())).isZero();
  }

  @Test
  void a64CharacterTokenIsAccepted() {
    TestAccount acct = account(RICH);
    Instance a = prepaid(acct, SMALL, 1, "2027-02-10T04:00:00Z");
    String token = "~".repeat(32) + "!".repeat(32);

    RenewInstancesResponse r =
        tenant(acct).renewInstances(renew(1, a.getInstanceId()).setClientToken(token).build());

    assertThat(r.getOrderId()).isNotEmpty();
  }

  // ---------------------------------------------------------------- validation errors (both RPCs)

  /**
   * RenewInstances (real and dry run) and InquiryPriceRenewInstances fail alike; nothing changes.
   */
  private ErrorInfo assertBothFail(
      TestAccount acct,
      Status.Code code,
      String reason,
      String field,
      List<String> ids,
      int months,
      Integer mbps) {
    Snapshot before = snapshot(acct);
    RenewInstancesRequest.Builder r = renew(months, ids).setClientToken("tok-" + reason);
    InquiryPriceRenewInstancesRequest.Builder q = inquiry(months, ids);
    if (mbps != null) {
      r.setBandwidthMbps(mbps);
      q.setBandwidthMbps(mbps);
    }
    ErrorInfo fromRenew =
        field == null
            ? assertError(code, reason, () -> tenant(acct).renewInstances(r.build()))
            : assertFieldError(code, reason, field, () -> tenant(acct).renewInstances(r.build()));
    ErrorInfo fromDryRun =
        assertError(
            code,
            reason,
            () ->
                tenant(acct).renewInstances(r.clone().setDryRun(true).setClientToken("").build()));
    ErrorInfo fromInquiry =
        field == null
            ? assertError(code, reason, () -> tenant(acct).inquiryPriceRenewInstances(q.build()))
            : assertFieldError(
                code, reason, field, () -> tenant(acct).inquiryPriceRenewInstances(q.build()));
    assertThat(fromInquiry).isEqualTo(fromRenew);
    assertThat(fromDryRun).isEqualTo(fromRenew);
    assertThat(snapshot(acct)).isEqualTo(before);
    return fromRenew;
  }

  @ParameterizedTest
  @ValueSource(ints = {0, -1, 13, 18, 23, 25, 35, 37, 48, Integer.MAX_VALUE, Integer.MIN_VALUE})
  void invalidPeriod(int months) {
    TestAccount acct = account(RICH);
    Instance a = prepaid(acct, SMALL, 1, "2027-02-10T04:00:00Z");

    ErrorInfo info =
        assertBothFail(
            acct,
            Status.Code.INVALID_ARGUMENT,
            "INVALID_PERIOD",
            "period_months",
            List.of(a.getInstanceId()),
            months,
            null);

    assertThat(info.getMetadataMap()).containsEntry("periodMonths", Integer.toString(months));
  }

  @Test
  void emptyInstanceIdsIsInvalid() {
    TestAccount acct = account(RICH);
    assertBothFail(
        acct,
        Status.Code.INVALID_ARGUMENT,
        "INVALID_INSTANCE_ID",
        "instance_ids",
        List.of(),
        1,
        null);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "ins-ABCDEFGH",
        "ins-1234567",
        "ins-123456789",
        "ins_12345678",
        "12345678",
        "",
        " ins-12345678",
        "ins-1234567\u00e9",
        "ins-1234-678"
      })
  void malformedInstanceIdIsInvalid(String bad) {
    TestAccount acct = account(RICH);
    Instance a = prepaid(acct, SMALL, 1, "2027-02-10T04:00:00Z");

    ErrorInfo info =
        assertBothFail(
            acct,
            Status.Code.INVALID_ARGUMENT,
            "INVALID_INSTANCE_ID",
            "instance_ids",
            List.of(a.getInstanceId(), bad),
            1,
            null);

    assertThat(metaList(info, "instanceIds")).hasSize(1).doesNotContain(a.getInstanceId());
  }

  @Test
  void malformedIdsAreAllNamed() {
    TestAccount acct = account(RICH);
    ErrorInfo info =
        assertBothFail(
            acct,
            Status.Code.INVALID_ARGUMENT,
            "INVALID_INSTANCE_ID",
            "instance_ids",
            List.of("ins-00000000", "bad-1", "ins-00000001", "bad-2"),
            1,
            null);
    assertThat(metaList(info, "instanceIds")).containsExactly("bad-1", "bad-2");
  }

  @Test
  void tooManyInstances() {
    TestAccount acct = account(RICH);
    List<String> ids = new ArrayList<>();
    for (int n = 0; n < 101; n++) {
      ids.add(String.format("ins-%08d", n));
    }

    ErrorInfo info =
        assertBothFail(
            acct, Status.Code.INVALID_ARGUMENT, "TOO_MANY_INSTANCES", "instance_ids", ids, 1, null);

    assertThat(info.getMetadataMap()).containsEntry("count", "101").containsEntry("max", "100");
  }

  @Test
  void oneHundredInstancesIsTheLimitAndWorks() {
    TestAccount acct = account(RICH);
    List<Instance> many = server.createPrepaid(acct, SMALL, 0, 100, t("2027-02-10T04:00:00Z"));

    RenewInstancesResponse r = tenant(acct).renewInstances(renew(1, ids(many)).build());

    assertThat(r.getRenewalsCount()).isEqualTo(100);
    assertThat(fen(r.getTotalPrice())).isEqualTo(100 * 5000);
    assertThat(records(acct).get(0).getInstanceIdsList()).hasSize(100);
  }

  @Test
  void duplicateInstanceIds() {
    TestAccount acct = account(RICH);
    Instance a = prepaid(acct, SMALL, 1, "2027-02-10T04:00:00Z");
    Instance b = prepaid(acct, SMALL, 1, "2027-02-10T04:00:00Z");

    ErrorInfo info =
        assertBothFail(
            acct,
            Status.Code.INVALID_ARGUMENT,
            "DUPLICATE_INSTANCE_ID",
            "instance_ids",
            List.of(a.getInstanceId(), b.getInstanceId(), a.getInstanceId()),
            1,
            null);

    assertThat(metaList(info, "instanceIds")).containsExactly(a.getInstanceId());
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1001, -1, Integer.MIN_VALUE})
  void invalidBandwidth(int mbps) {
    TestAccount acct = account(RICH);
    Instance a = prepaid(acct, SMALL, 1, "2027-02-10T04:00:00Z");

    ErrorInfo info =
        assertBothFail(
            acct,
            Status.Code.INVALID_ARGUMENT,
            "INVALID_BANDWIDTH",
            "bandwidth_mbps",
            List.of(a.getInstanceId()),
            1,
            mbps);

    assertThat(info.getMetadataMap()).containsEntry("bandwidthMbps", Integer.toString(mbps));
  }

  @Test
  void bandwidthLimitsAreInclusive() {
    TestAccount acct = account(RICH);
    Instance a = prepaid(acct, SMALL, 5, "2027-02-10T04:00:00Z");

    assertThat(
            tenant(acct)
                .renewInstances(renew(1, a.getInstanceId()).setBandwidthMbps(1).build())
                .getRenewals(0)
                .getBandwidthMbps())
        .isEqualTo(1);
    // 50 + 1000 x 10 = 10050.00 per month.
    InquiryPriceRenewInstancesResponse max =
        tenant(acct)
            .inquiryPriceRenewInstances(
                inquiry(1, List.of(a.getInstanceId())).setBandwidthMbps(1000).build());
    assertThat(max.getRenewals(0).getBandwidthMbps()).isEqualTo(1000);
    // After the first renewal the expiry is Mar 10 12:00 Shanghai: 59 days from now (Jan 10 12:00).
    // Upgrade (10050.00 - 60.00) x 59 / 30 = 19647.00; renewal 10050.00.
    assertThat(fen(max.getRenewals(0).getBandwidthUpgradePrice())).isEqualTo(1_964_700);
    assertThat(fen(max.getTotalPrice())).isEqualTo(1_964_700 + 1_005_000);
  }

  @ParameterizedTest
  @ValueSource(strings = {"a b", "t\u00f6ken", "tab\there", "new\nline", "\u4e2d\u6587", " lead"})
  void invalidClientToken(String token) {
    TestAccount acct = account(RICH);
    Instance a = prepaid(acct, SMALL, 1, "2027-02-10T04:00:00Z");
    Snapshot before = snapshot(acct);

    invalidArgument(
        "INVALID_CLIENT_TOKEN",
        "client_token",
        () ->
            tenant(acct).renewInstances(renew(1, a.getInstanceId()).setClientToken(token).build()));
    invalidArgument(
        "INVALID_CLIENT_TOKEN",
        "client_token",
        () ->
            tenant(acct)
                .renewInstances(
                    renew(1, a.getInstanceId()).setClientToken(token).setDryRun(true).build()));

    assertThat(snapshot(acct)).isEqualTo(before);
  }

  @Test
  void clientTokenOf65CharactersIsInvalid() {
    TestAccount acct = account(RICH);
    Instance a = prepaid(acct, SMALL, 1, "2027-02-10T04:00:00Z");

    ErrorInfo info =
        invalidArgument(
            "INVALID_CLIENT_TOKEN",
            "client_token",
            () ->
                tenant(acct)
                    .renewInstances(
                        renew(1, a.getInstanceId()).setClientToken("x".repeat(65)).build()));

    assertThat(info.getMetadataMap()).containsEntry("length", "65");
    assertThat(balance(acct)).isEqualTo(RICH);
  }

  @Test
  void unknownInstanceIsNotFound() {
    TestAccount acct = account(RICH);
    Instance a = prepaid(acct, SMALL, 1, "2027-02-10T04:00:00Z");

    ErrorInfo info =
        assertBothFail(
            acct,
            Status.Code.NOT_FOUND,
            "INSTANCE_NOT_FOUND",
            null,
            List.of("ins-00000000", a.getInstanceId(), "ins-00000001"),
            1,
            null);

    assertThat(metaList(info, "instanceIds")).containsExactly("ins-00000000", "ins-00000001");
  }

  @Test
  void anotherTenantsInstanceIsNotFoundExactlyLikeAnUnknownOne() {
    TestAccount mine = account(RICH);
    TestAccount theirs = account(RICH);
    Instance their = prepaid(theirs, SMALL, 1, "2027-02-10T04:00:00Z");
    String unknown = "ins-zzzzzzzz";
    Snapshot theirsBefore = snapshot(theirs);

    StatusRuntimeException forTheirs =
        failure(() -> tenant(mine).renewInstances(renew(1, their.getInstanceId()).build()));
    StatusRuntimeException forUnknown =
        failure(() -> tenant(mine).renewInstances(renew(1, unknown).build()));

    assertThat(forTheirs.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
    ErrorInfo theirsInfo =
        assertError(
            Status.Code.NOT_FOUND,
            "INSTANCE_NOT_FOUND",
            () -> tenant(mine).renewInstances(renew(1, their.getInstanceId()).build()));
    ErrorInfo unknownInfo =
        assertError(
            Status.Code.NOT_FOUND,
            "INSTANCE_NOT_FOUND",
            () -> tenant(mine).renewInstances(renew(1, unknown).build()));
    // Indistinguishable apart from the id itself.
    assertThat(forTheirs.getStatus().getDescription().replace(their.getInstanceId(), "ID"))
        .isEqualTo(forUnknown.getStatus().getDescription().replace(unknown, "ID"));
    assertThat(theirsInfo.toBuilder().clearMetadata().build())
        .isEqualTo(unknownInfo.toBuilder().clearMetadata().build());
    assertThat(metaList(theirsInfo, "instanceIds")).containsExactly(their.getInstanceId());
    assertThat(metaList(unknownInfo, "instanceIds")).containsExactly(unknown);
    assertThat(theirsInfo.getMetadataMap().keySet())
        .isEqualTo(unknownInfo.getMetadataMap().keySet());
    // Inquiry does not leak it either, and their instance and balance are untouched.
    notFound(
        "INSTANCE_NOT_FOUND",
        () ->
            tenant(mine)
                .inquiryPriceRenewInstances(inquiry(1, List.of(their.getInstanceId())).build()));
    assertThat(snapshot(theirs)).isEqualTo(theirsBefore);
    assertThat(balance(mine)).isEqualTo(RICH);
  }

  @Test
  void postpaidIsNotPrepaid() {
    TestAccount acct = account(RICH);
    Instance a = prepaid(acct, SMALL, 1, "2027-02-10T04:00:00Z");
    Instance p = postpaid(acct);

    ErrorInfo info =
        assertBothFail(
            acct,
            Status.Code.FAILED_PRECONDITION,
            "NOT_PREPAID",
            null,
            List.of(a.getInstanceId(), p.getInstanceId()),
            1,
            null);

    assertThat(metaList(info, "instanceIds")).containsExactly(p.getInstanceId());
  }

  @Test
  void releasedInstance() {
    TestAccount acct = account(RICH);
    Instance gone = prepaid(acct, SMALL, 1, "2027-01-11T04:00:00Z");
    isolate(acct, gone);
    tenant(acct)
        .terminateInstances(
            TerminateInstancesRequest.newBuilder().addInstanceIds(gone.getInstanceId()).build());

    ErrorInfo info =
        assertBothFail(
            acct,
            Status.Code.FAILED_PRECONDITION,
            "INSTANCE_RELEASED",
            null,
            List.of(gone.getInstanceId()),
            1,
            null);

    assertThat(metaList(info, "instanceIds")).containsExactly(gone.getInstanceId());
  }

  @Test
  void releasedPostpaidReportsReleased() {
    TestAccount acct = account(RICH);
    Instance p = postpaid(acct);
    tenant(acct)
        .terminateInstances(
            TerminateInstancesRequest.newBuilder().addInstanceIds(p.getInstanceId()).build());

    assertBothFail(
        acct,
        Status.Code.FAILED_PRECONDITION,
        "INSTANCE_RELEASED",
        null,
        List.of(p.getInstanceId()),
        1,
        null);
  }

  @Test
  void insufficientBalanceOnlyOnTheRealCallAndDryRun() {
    TestAccount acct = account(5999);
    Instance a = prepaid(acct, SMALL, 1, "2027-02-10T04:00:00Z");

    ErrorInfo info =
        failedPrecondition(
            "INSUFFICIENT_BALANCE",
            () -> tenant(acct).renewInstances(renew(1, a.getInstanceId()).build()));
    ErrorInfo dry =
        failedPrecondition(
            "INSUFFICIENT_BALANCE",
            () -> tenant(acct).renewInstances(renew(1, a.getInstanceId()).setDryRun(true).build()));

    assertThat(dry).isEqualTo(info);
    assertThat(balance(acct)).isEqualTo(5999);
  }

  @Test
  void validationPrecedesLookupSoABadPeriodWithUnknownIdsIsInvalidPeriod() {
    TestAccount acct = account(RICH);
    invalidArgument(
        "INVALID_PERIOD",
        "period_months",
        () -> tenant(acct).renewInstances(renew(13, "ins-00000000").build()));
  }
}
