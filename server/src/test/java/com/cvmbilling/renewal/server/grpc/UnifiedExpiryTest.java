package com.cvmbilling.renewal.server.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import com.cvmbilling.renewal.server.testing.TestServer.TestAccount;
import com.cvmbilling.renewal.v1.BillingRecord;
import com.cvmbilling.renewal.v1.Event;
import com.cvmbilling.renewal.v1.InquiryPriceUnifiedExpiryRequest;
import com.cvmbilling.renewal.v1.InquiryPriceUnifiedExpiryResponse;
import com.cvmbilling.renewal.v1.Instance;
import com.cvmbilling.renewal.v1.InstanceRenewal;
import com.cvmbilling.renewal.v1.RenewInstancesRequest;
import com.cvmbilling.renewal.v1.SetUnifiedExpiryRequest;
import com.cvmbilling.renewal.v1.SetUnifiedExpiryResponse;
import com.cvmbilling.renewal.v1.TerminateInstancesRequest;
import com.google.rpc.ErrorInfo;
import io.grpc.Status;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * SetUnifiedExpiry and InquiryPriceUnifiedExpiry (SPEC 5): new expiry = the first 00:00 of
 * expiry_day in the billing zone not before the current expiry; charge = monthly rate x extension
 * days (rounded up) / 30, half-up, no period factor.
 */
abstract class UnifiedExpiryTest extends ServiceTestBase {

  static SetUnifiedExpiryRequest.Builder align(int day, String... ids) {
    return SetUnifiedExpiryRequest.newBuilder().addAllInstanceIds(List.of(ids)).setExpiryDay(day);
  }

  static SetUnifiedExpiryRequest.Builder align(int day, List<String> ids) {
    return SetUnifiedExpiryRequest.newBuilder().addAllInstanceIds(ids).setExpiryDay(day);
  }

  static InquiryPriceUnifiedExpiryRequest inquiry(int day, List<String> ids) {
    return InquiryPriceUnifiedExpiryRequest.newBuilder()
        .addAllInstanceIds(ids)
        .setExpiryDay(day)
        .build();
  }

  @Test
  void alignsToALaterDayOfTheSameMonthInShanghai() {
    TestAccount acct = account(10_000_00);
    // Both expire Feb 10 12:00 Shanghai. Day 15 -> Feb 15 00:00 Shanghai = Feb 14 16:00 UTC.
    // Extension 4.5 days -> 5 days. a: 60.00 x 5 / 30 = 10.00; b: 50.00 x 5 / 30 = 8.333 -> 8.33.
    Instance a = prepaid(acct, SMALL, 1, "2027-02-10T04:00:00Z");
    Instance b = prepaid(acct, SMALL, 0, "2027-02-10T04:00:00Z");
    int recordsBefore = records(acct).size();
    int eventsBefore = events(acct).size();

    SetUnifiedExpiryResponse r =
        tenant(acct)
            .setUnifiedExpiry(
                align(15, b.getInstanceId(), a.getInstanceId()).setClientToken("align-1").build());

    assertThat(r.getRenewalsList())
        .extracting(InstanceRenewal::getInstanceId)
        .containsExactly(b.getInstanceId(), a.getInstanceId());
    InstanceRenewal rb = r.getRenewals(0);
    InstanceRenewal ra = r.getRenewals(1);
    assertThat(instant(ra.getOldExpiredTime())).isEqualTo(t("2027-02-10T04:00:00Z"));
    assertThat(instant(ra.getNewExpiredTime())).isEqualTo(t("2027-02-14T16:00:00Z"));
    assertThat(fen(ra.getPrice().getDiscountPrice())).isEqualTo(1000);
    assertThat(fen(ra.getPrice().getOriginalPrice())).isEqualTo(1000);
    assertThat(fen(rb.getPrice().getDiscountPrice())).isEqualTo(833);
    assertThat(fen(r.getTotalPrice())).isEqualTo(1833);
    assertThat(r.getOrderId()).matches("ord-[a-z0-9]+");
    assertThat(fen(r.getBalance())).isEqualTo(10_000_00 - 1833);
    assertThat(balance(acct)).isEqualTo(10_000_00 - 1833);

    assertThat(instant(describe(acct, a.getInstanceId()).getExpiredTime()))
        .isEqualTo(t("2027-02-14T16:00:00Z"));
    assertThat(instant(describe(acct, b.getInstanceId()).getExpiredTime()))
        .isEqualTo(t("2027-02-14T16:00:00Z"));

    List<BillingRecord> records = records(acct);
    assertThat(records).hasSize(recordsBefore + 1);
    BillingRecord rec = records.get(0);
    assertThat(rec.getType()).isEqualTo(BillingRecord.Type.UNIFIED_EXPIRY);
    assertThat(rec.getOrderId()).isEqualTo(r.getOrderId());
    assertThat(fen(rec.getAmount())).isEqualTo(-1833);
    assertThat(fen(rec.getBalanceAfter())).isEqualTo(10_000_00 - 1833);
    assertThat(rec.getInstanceIdsList())
        .containsExactlyInAnyOrder(a.getInstanceId(), b.getInstanceId());

    List<Event> events = events(acct);
    List<Event> added = events.subList(eventsBefore, events.size());
    assertThat(added)
        .hasSize(2)
        .allSatisfy(
            e -> {
              assertThat(e.getType()).isEqualTo(Event.Type.EXPIRY_ALIGNED);
              assertThat(e.getOrderId()).isEqualTo(r.getOrderId());
              assertThat(instant(e.getExpiredTime())).isEqualTo(t("2027-02-14T16:00:00Z"));
            });
  }

  @Test
  void aDayAlreadyPassedThisMonthMovesToNextMonth() {
    TestAccount acct = account(RICH);
    // Feb 10 12:00 -> Mar 5 00:00 Shanghai (Mar 4 16:00 UTC): 22.5 days -> 23; 60.00 x 23 / 30 =
    // 46.00.
    Instance a = prepaid(acct, SMALL, 1, "2027-02-10T04:00:00Z");
    // Mar 20 12:00 Shanghai -> Apr 5 00:00 (Apr 4 16:00 UTC): 15.5 -> 16 days; 50.00 x 16 / 30 =
    // 26.67.
    Instance b = prepaid(acct, SMALL, 0, "2027-03-20T04:00:00Z");

    SetUnifiedExpiryResponse r =
        tenant(acct).setUnifiedExpiry(align(5, a.getInstanceId(), b.getInstanceId()).build());

    assertThat(instant(r.getRenewals(0).getNewExpiredTime())).isEqualTo(t("2027-03-04T16:00:00Z"));
    assertThat(fen(r.getRenewals(0).getPrice().getDiscountPrice())).isEqualTo(4600);
    assertThat(instant(r.getRenewals(1).getNewExpiredTime())).isEqualTo(t("2027-04-04T16:00:00Z"));
    assertThat(fen(r.getRenewals(1).getPrice().getDiscountPrice())).isEqualTo(2667);
    assertThat(fen(r.getTotalPrice())).isEqualTo(4600 + 2667);
    assertThat(balance(acct)).isEqualTo(RICH - 7267);
  }

  @Test
  void expiryAtMidnightOfAnEarlierDayStillMovesForward() {
    TestAccount acct = account(RICH);
    // Feb 10 00:00 Shanghai exactly -> Feb 28 00:00: 18 whole days; 100.00 x 18 / 30 = 60.00.
    Instance a = prepaid(acct, MEDIUM, 0, "2027-02-09T16:00:00Z");

    SetUnifiedExpiryResponse r =
        tenant(acct).setUnifiedExpiry(align(28, a.getInstanceId()).build());

    assertThat(instant(r.getRenewals(0).getNewExpiredTime())).isEqualTo(t("2027-02-27T16:00:00Z"));
    assertThat(fen(r.getTotalPrice())).isEqualTo(6000);
  }

  @Test
  void alreadyAlignedInstanceIsUnchangedAndFree() {
    TestAccount acct = account(RICH);
    // Feb 15 00:00 Shanghai exactly.
    Instance c = prepaid(acct, LARGE, 10, "2027-02-14T16:00:00Z");
    Snapshot before = snapshot(acct);

    SetUnifiedExpiryResponse r =
        tenant(acct).setUnifiedExpiry(align(15, c.getInstanceId()).setClientToken("noop").build());

    assertThat(r.getOrderId()).as("nothing charged: no order").isEmpty();
    assertThat(fen(r.getTotalPrice())).isZero();
    assertThat(fen(r.getBalance())).isEqualTo(RICH);
    assertThat(r.getRenewals(0).getOldExpiredTime())
        .isEqualTo(r.getRenewals(0).getNewExpiredTime());
    assertThat(fen(r.getRenewals(0).getPrice().getDiscountPrice())).isZero();
    assertThat(snapshot(acct)).isEqualTo(before);
  }

  @Test
  void mixedBatchChargesOnlyTheInstancesThatMove() {
    TestAccount acct = account(RICH);
    Instance aligned = prepaid(acct, LARGE, 10, "2027-02-14T16:00:00Z");
    Instance moving = prepaid(acct, SMALL, 1, "2027-02-10T04:00:00Z");
    int eventsBefore = events(acct).size();

    SetUnifiedExpiryResponse r =
        tenant(acct)
            .setUnifiedExpiry(align(15, aligned.getInstanceId(), moving.getInstanceId()).build());

    assertThat(fen(r.getRenewals(0).getPrice().getDiscountPrice())).isZero();
    assertThat(fen(r.getRenewals(1).getPrice().getDiscountPrice())).isEqualTo(1000);
    assertThat(fen(r.getTotalPrice())).isEqualTo(1000);
    assertThat(records(acct).get(0).getInstanceIdsList()).containsExactly(moving.getInstanceId());
    List<Event> events = events(acct);
    assertThat(events.subList(eventsBefore, events.size()))
        .extracting(Event::getInstanceId)
        .containsExactly(moving.getInstanceId());
  }

  @Test
  void theAnchorMovesSoALaterRenewalLandsOnTheSameDay() {
    TestAccount acct = account(RICH);
    // Jan 31 12:00 Shanghai: anchor 31. Align to day 5: Feb 5 00:00 Shanghai, 4.5 -> 5 days =
    // 10.00.
    Instance a = prepaid(acct, SMALL, 1, "2027-01-31T04:00:00Z");

    SetUnifiedExpiryResponse r = tenant(acct).setUnifiedExpiry(align(5, a.getInstanceId()).build());
    assertThat(instant(r.getRenewals(0).getNewExpiredTime())).isEqualTo(t("2027-02-04T16:00:00Z"));
    assertThat(fen(r.getTotalPrice())).isEqualTo(1000);

    var renewal =
        tenant(acct)
            .renewInstances(
                RenewInstancesRequest.newBuilder()
                    .addInstanceIds(a.getInstanceId())
                    .setPeriodMonths(1)
                    .build());
    // Mar 5 00:00 Shanghai, not Mar 31 (the old anchor) nor Mar 4.
    assertThat(instant(renewal.getRenewals(0).getNewExpiredTime()))
        .isEqualTo(t("2027-03-04T16:00:00Z"));
    var again =
        tenant(acct)
            .renewInstances(
                RenewInstancesRequest.newBuilder()
                    .addInstanceIds(a.getInstanceId())
                    .setPeriodMonths(1)
                    .build());
    assertThat(instant(again.getRenewals(0).getNewExpiredTime()))
        .isEqualTo(t("2027-04-04T16:00:00Z"));
  }

  @Test
  void anInstanceAlreadyOnTheDayByClampingIsFreeButFollowsTheNewDayAfterwards() {
    TestAccount acct = account(RICH);
    // Jan 31 00:00 Shanghai (anchor 31); one month later it is Feb 28 00:00 by clamping.
    Instance a = prepaid(acct, SMALL, 1, "2027-01-30T16:00:00Z");
    tenant(acct)
        .renewInstances(
            RenewInstancesRequest.newBuilder()
                .addInstanceIds(a.getInstanceId())
                .setPeriodMonths(1)
                .build());
    assertThat(instant(describe(acct, a.getInstanceId()).getExpiredTime()))
        .isEqualTo(t("2027-02-27T16:00:00Z"));
    long balanceBefore = balance(acct);
    int recordsBefore = records(acct).size();

    SetUnifiedExpiryResponse r =
        tenant(acct).setUnifiedExpiry(align(28, a.getInstanceId()).build());

    assertThat(instant(r.getRenewals(0).getNewExpiredTime())).isEqualTo(t("2027-02-27T16:00:00Z"));
    assertThat(fen(r.getTotalPrice())).isZero();
    assertThat(r.getOrderId()).isEmpty();
    assertThat(balance(acct)).isEqualTo(balanceBefore);
    assertThat(records(acct)).hasSize(recordsBefore);
    // Day 28 from now on: Mar 28 00:00 Shanghai, not Mar 31 (the old anchor).
    var renewal =
        tenant(acct)
            .renewInstances(
                RenewInstancesRequest.newBuilder()
                    .addInstanceIds(a.getInstanceId())
                    .setPeriodMonths(1)
                    .build());
    assertThat(instant(renewal.getRenewals(0).getNewExpiredTime()))
        .isEqualTo(t("2027-03-27T16:00:00Z"));
  }

  @Test
  void theDayIsMidnightInTheAccountsZone() {
    TestAccount shanghai = account(RICH);
    TestAccount newYork = server.createAccount(RICH, "America/New_York");
    // 2027-02-10T04:00Z is Feb 10 12:00 in Shanghai and Feb 9 23:00 in New York (EST, UTC-5).
    Instance s = prepaid(shanghai, SMALL, 1, "2027-02-10T04:00:00Z");
    Instance n = prepaid(newYork, SMALL, 1, "2027-02-10T04:00:00Z");

    SetUnifiedExpiryResponse rs =
        tenant(shanghai).setUnifiedExpiry(align(15, s.getInstanceId()).build());
    SetUnifiedExpiryResponse rn =
        tenant(newYork).setUnifiedExpiry(align(15, n.getInstanceId()).build());

    assertThat(instant(rs.getRenewals(0).getNewExpiredTime())).isEqualTo(t("2027-02-14T16:00:00Z"));
    // Feb 15 00:00 EST = 05:00 UTC. Feb 9 23:00 -> Feb 15 00:00: 5 days 1 hour -> 6 days = 12.00.
    assertThat(instant(rn.getRenewals(0).getNewExpiredTime())).isEqualTo(t("2027-02-15T05:00:00Z"));
    assertThat(fen(rs.getTotalPrice())).isEqualTo(1000);
    assertThat(fen(rn.getTotalPrice())).isEqualTo(1200);
  }

  @Test
  void acrossTheStartOfDaylightSavingTheDayIsStillLocalMidnight() {
    TestAccount newYork = server.createAccount(RICH, "America/New_York");
    // Mar 10 00:00 EST; DST starts Mar 14 2027. Mar 15 00:00 EDT = 04:00 UTC; 5 local days = 10.00.
    Instance n = prepaid(newYork, SMALL, 1, "2027-03-10T05:00:00Z");

    SetUnifiedExpiryResponse r =
        tenant(newYork).setUnifiedExpiry(align(15, n.getInstanceId()).build());

    assertThat(instant(r.getRenewals(0).getNewExpiredTime())).isEqualTo(t("2027-03-15T04:00:00Z"));
    assertThat(fen(r.getTotalPrice())).isEqualTo(1000);
  }

  @Test
  void inquiryDryRunAndRealCallAgree() {
    TestAccount acct = account(RICH);
    Instance a = prepaid(acct, SMALL, 1, "2027-02-10T04:00:00Z");
    Instance b = prepaid(acct, MEDIUM, 3, "2027-03-20T10:00:00Z");
    List<String> ids = List.of(a.getInstanceId(), b.getInstanceId());
    Snapshot before = snapshot(acct);

    InquiryPriceUnifiedExpiryResponse inq = tenant(acct).inquiryPriceUnifiedExpiry(inquiry(1, ids));
    SetUnifiedExpiryResponse dry =
        tenant(acct).setUnifiedExpiry(align(1, ids).setDryRun(true).build());

    assertThat(snapshot(acct)).isEqualTo(before);
    assertThat(dry.getOrderId()).isEmpty();
    assertThat(fen(dry.getBalance())).isEqualTo(RICH);
    assertThat(dry.getRenewalsList()).isEqualTo(inq.getRenewalsList());
    assertThat(dry.getTotalPrice()).isEqualTo(inq.getTotalPrice());
    // a: Feb 10 12:00 -> Mar 1 00:00 Shanghai: 18.5 -> 19 days; 60.00 x 19 / 30 = 38.00.
    // b: Mar 20 18:00 -> Apr 1 00:00 Shanghai: 11.25 -> 12 days; 130.00 x 12 / 30 = 52.00.
    assertThat(instant(inq.getRenewals(0).getNewExpiredTime()))
        .isEqualTo(t("2027-02-28T16:00:00Z"));
    assertThat(instant(inq.getRenewals(1).getNewExpiredTime()))
        .isEqualTo(t("2027-03-31T16:00:00Z"));
    assertThat(fen(inq.getTotalPrice())).isEqualTo(3800 + 5200);

    SetUnifiedExpiryResponse real = tenant(acct).setUnifiedExpiry(align(1, ids).build());
    assertThat(real.getRenewalsList()).isEqualTo(dry.getRenewalsList());
    assertThat(real.getTotalPrice()).isEqualTo(dry.getTotalPrice());
    assertThat(balance(acct)).isEqualTo(RICH - 9000);
  }

  @Test
  void repeatWithTheSameTokenChargesOnce() {
    TestAccount acct = account(RICH);
    Instance a = prepaid(acct, SMALL, 1, "2027-02-10T04:00:00Z");
    SetUnifiedExpiryRequest request =
        align(15, a.getInstanceId()).setClientToken("align-once").build();

    SetUnifiedExpiryResponse first = tenant(acct).setUnifiedExpiry(request);
    SetUnifiedExpiryResponse again = tenant(acct).setUnifiedExpiry(request);

    assertThat(again).isEqualTo(first);
    assertThat(balance(acct)).isEqualTo(RICH - 1000);
    invalidArgument(
        "IDEMPOTENCY_KEY_REUSED",
        "client_token",
        () ->
            tenant(acct)
                .setUnifiedExpiry(
                    align(16, a.getInstanceId()).setClientToken("align-once").build()));
  }

  // ---------------------------------------------------------------- errors

  /** Both RPCs (and the dry run) fail alike and change nothing. */
  private ErrorInfo assertBothFail(
      TestAccount acct, Status.Code code, String reason, String field, List<String> ids, int day) {
    Snapshot before = snapshot(acct);
    ErrorInfo real =
        field == null
            ? assertError(
                code,
                reason,
                () -> tenant(acct).setUnifiedExpiry(align(day, ids).setClientToken("t").build()))
            : assertFieldError(
                code,
                reason,
                field,
                () -> tenant(acct).setUnifiedExpiry(align(day, ids).setClientToken("t").build()));
    ErrorInfo dry =
        assertError(
            code,
            reason,
            () -> tenant(acct).setUnifiedExpiry(align(day, ids).setDryRun(true).build()));
    ErrorInfo inq =
        field == null
            ? assertError(
                code, reason, () -> tenant(acct).inquiryPriceUnifiedExpiry(inquiry(day, ids)))
            : assertFieldError(
                code,
                reason,
                field,
                () -> tenant(acct).inquiryPriceUnifiedExpiry(inquiry(day, ids)));
    assertThat(dry).isEqualTo(real);
    assertThat(inq).isEqualTo(real);
    assertThat(snapshot(acct)).isEqualTo(before);
    return real;
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 29, 30, 31, -1, Integer.MAX_VALUE})
  void invalidExpiryDay(int day) {
    TestAccount acct = account(RICH);
    Instance a = prepaid(acct, SMALL, 1, "2027-02-10T04:00:00Z");

    ErrorInfo info =
        assertBothFail(
            acct,
            Status.Code.INVALID_ARGUMENT,
            "INVALID_EXPIRY_DAY",
            "expiry_day",
            List.of(a.getInstanceId()),
            day);

    assertThat(info.getMetadataMap()).containsEntry("expiryDay", Integer.toString(day));
  }

  @Test
  void days1And28AreAllowed() {
    TestAccount acct = account(RICH);
    Instance a = prepaid(acct, SMALL, 1, "2027-02-10T04:00:00Z");
    assertThat(
            tenant(acct)
                .inquiryPriceUnifiedExpiry(inquiry(1, List.of(a.getInstanceId())))
                .getRenewalsCount())
        .isEqualTo(1);
    assertThat(
            tenant(acct)
                .inquiryPriceUnifiedExpiry(inquiry(28, List.of(a.getInstanceId())))
                .getRenewalsCount())
        .isEqualTo(1);
  }

  @Test
  void isolatedInstanceMustBeRenewedFirst() {
    TestAccount acct = account(RICH);
    Instance running = prepaid(acct, SMALL, 1, "2027-02-10T04:00:00Z");
    Instance isolated = prepaid(acct, SMALL, 1, "2027-01-11T04:00:00Z");
    isolate(acct, isolated);

    ErrorInfo info =
        assertBothFail(
            acct,
            Status.Code.FAILED_PRECONDITION,
            "INSTANCE_ISOLATED",
            null,
            List.of(running.getInstanceId(), isolated.getInstanceId()),
            15);

    assertThat(metaList(info, "instanceIds")).containsExactly(isolated.getInstanceId());
  }

  @Test
  void postpaidIsNotPrepaid() {
    TestAccount acct = account(RICH);
    Instance running = prepaid(acct, SMALL, 1, "2027-02-10T04:00:00Z");
    Instance p = postpaid(acct);

    ErrorInfo info =
        assertBothFail(
            acct,
            Status.Code.FAILED_PRECONDITION,
            "NOT_PREPAID",
            null,
            List.of(running.getInstanceId(), p.getInstanceId()),
            15);

    assertThat(metaList(info, "instanceIds")).containsExactly(p.getInstanceId());
  }

  @Test
  void releasedInstance() {
    TestAccount acct = account(RICH);
    Instance running = prepaid(acct, SMALL, 1, "2027-02-10T04:00:00Z");
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
            List.of(running.getInstanceId(), gone.getInstanceId()),
            15);

    assertThat(metaList(info, "instanceIds")).containsExactly(gone.getInstanceId());
  }

  @Test
  void insufficientBalanceChangesNothing() {
    TestAccount acct = account(1832);
    Instance a = prepaid(acct, SMALL, 1, "2027-02-10T04:00:00Z");
    Instance b = prepaid(acct, SMALL, 0, "2027-02-10T04:00:00Z");
    Snapshot before = snapshot(acct);
    List<String> ids = List.of(a.getInstanceId(), b.getInstanceId());

    ErrorInfo info =
        failedPrecondition(
            "INSUFFICIENT_BALANCE",
            () -> tenant(acct).setUnifiedExpiry(align(15, ids).setClientToken("poor").build()));
    failedPrecondition(
        "INSUFFICIENT_BALANCE",
        () -> tenant(acct).setUnifiedExpiry(align(15, ids).setDryRun(true).build()));

    assertThat(info.getMetadataMap())
        .containsEntry("required", "18.33")
        .containsEntry("balance", "18.32");
    assertThat(snapshot(acct)).isEqualTo(before);
    // Inquiry only prices.
    assertThat(fen(tenant(acct).inquiryPriceUnifiedExpiry(inquiry(15, ids)).getTotalPrice()))
        .isEqualTo(1833);
  }

  @Test
  void zeroBalanceIsEnoughWhenNothingMoves() {
    TestAccount acct = account(0);
    Instance aligned = prepaid(acct, SMALL, 1, "2027-02-14T16:00:00Z");

    SetUnifiedExpiryResponse r =
        tenant(acct).setUnifiedExpiry(align(15, aligned.getInstanceId()).build());

    assertThat(fen(r.getTotalPrice())).isZero();
    assertThat(r.getOrderId()).isEmpty();
  }

  @Test
  void instanceIdErrors() {
    TestAccount acct = account(RICH);
    TestAccount other = account(RICH);
    Instance a = prepaid(acct, SMALL, 1, "2027-02-10T04:00:00Z");
    Instance theirs = prepaid(other, SMALL, 1, "2027-02-10T04:00:00Z");

    assertBothFail(
        acct, Status.Code.INVALID_ARGUMENT, "INVALID_INSTANCE_ID", "instance_ids", List.of(), 15);
    ErrorInfo bad =
        assertBothFail(
            acct,
            Status.Code.INVALID_ARGUMENT,
            "INVALID_INSTANCE_ID",
            "instance_ids",
            List.of(a.getInstanceId(), "INS-00000000"),
            15);
    assertThat(metaList(bad, "instanceIds")).containsExactly("INS-00000000");
    ErrorInfo dup =
        assertBothFail(
            acct,
            Status.Code.INVALID_ARGUMENT,
            "DUPLICATE_INSTANCE_ID",
            "instance_ids",
            List.of(a.getInstanceId(), a.getInstanceId()),
            15);
    assertThat(metaList(dup, "instanceIds")).containsExactly(a.getInstanceId());
    List<String> many = new ArrayList<>();
    for (int n = 0; n < 101; n++) {
      many.add(String.format("ins-%08d", n));
    }
    assertBothFail(
        acct, Status.Code.INVALID_ARGUMENT, "TOO_MANY_INSTANCES", "instance_ids", many, 15);
    ErrorInfo missing =
        assertBothFail(
            acct,
            Status.Code.NOT_FOUND,
            "INSTANCE_NOT_FOUND",
            null,
            List.of(a.getInstanceId(), theirs.getInstanceId()),
            15);
    assertThat(metaList(missing, "instanceIds")).containsExactly(theirs.getInstanceId());
    assertThat(instant(describe(other, theirs.getInstanceId()).getExpiredTime()))
        .isEqualTo(t("2027-02-10T04:00:00Z"));
  }

  @Test
  void invalidClientToken() {
    TestAccount acct = account(RICH);
    Instance a = prepaid(acct, SMALL, 1, "2027-02-10T04:00:00Z");
    for (String token : List.of("x".repeat(65), "caf\u00e9", "a b")) {
      invalidArgument(
          "INVALID_CLIENT_TOKEN",
          "client_token",
          () ->
              tenant(acct)
                  .setUnifiedExpiry(align(15, a.getInstanceId()).setClientToken(token).build()));
    }
    assertThat(balance(acct)).isEqualTo(RICH);
  }
}
