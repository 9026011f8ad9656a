package com.cvmbilling.renewal.server.lifecycle;

import static com.cvmbilling.renewal.server.lifecycle.LifecycleFixtures.balance;
import static com.cvmbilling.renewal.server.lifecycle.LifecycleFixtures.create;
import static com.cvmbilling.renewal.server.lifecycle.LifecycleFixtures.records;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.tuple;

import com.cvmbilling.renewal.server.config.PriceSettings;
import com.cvmbilling.renewal.server.service.LifecycleService;
import com.cvmbilling.renewal.server.service.TestClock;
import com.cvmbilling.renewal.server.testing.Errors;
import com.cvmbilling.renewal.server.testing.TestDatabases;
import com.cvmbilling.renewal.server.testing.TestDatabases.Kind;
import com.cvmbilling.renewal.server.testing.TestServer;
import com.cvmbilling.renewal.server.testing.TestServer.TestAccount;
import com.cvmbilling.renewal.server.testing.Tier;
import com.cvmbilling.renewal.v1.AdminServiceGrpc.AdminServiceBlockingStub;
import com.cvmbilling.renewal.v1.BillingRecord;
import com.cvmbilling.renewal.v1.DescribePriceCatalogRequest;
import com.cvmbilling.renewal.v1.DescribePriceCatalogResponse;
import com.cvmbilling.renewal.v1.DescribePricesRequest;
import com.cvmbilling.renewal.v1.InquiryPriceRenewInstancesRequest;
import com.cvmbilling.renewal.v1.InquiryPriceRenewInstancesResponse;
import com.cvmbilling.renewal.v1.InstanceTypePrice;
import com.cvmbilling.renewal.v1.PeriodDiscount;
import com.cvmbilling.renewal.v1.PriceCatalogVersion;
import com.cvmbilling.renewal.v1.RenewFlag;
import com.cvmbilling.renewal.v1.RenewInstancesRequest;
import com.cvmbilling.renewal.v1.RenewInstancesResponse;
import com.cvmbilling.renewal.v1.RenewalServiceGrpc.RenewalServiceBlockingStub;
import com.cvmbilling.renewal.v1.SetPriceCatalogRequest;
import com.cvmbilling.renewal.v1.SetPriceCatalogResponse;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Price changes without SQL (issue #12 point 3) through the public API on a real database, driven
 * by test clocks: SetPriceCatalog, DescribePriceCatalog, and every charge priced at its own time.
 */
@Tier.H2
@Tier.MariaDb
class PriceChangeTest {
  static final ZoneId SHANGHAI = ZoneId.of("Asia/Shanghai");

  static Instant local(String dateTime) {
    return LocalDateTime.parse(dateTime).atZone(SHANGHAI).toInstant();
  }

  static TestServer server(TestDatabases.TestDatabase db, TestClock clock) {
    return new TestServer(
        LifecycleFixtures.config(db.settings()).lifecycleInterval(Duration.ofHours(1)).build(),
        clock);
  }

  static TestServer server(TestDatabases.TestDatabase db, TestClock clock, PriceSettings prices) {
    return new TestServer(
        LifecycleFixtures.config(db.settings())
            .lifecycleInterval(Duration.ofHours(1))
            .prices(prices)
            .build(),
        clock);
  }

  /** Version-1 discounts except 12 months at {@code yearPercent}. */
  static SetPriceCatalogRequest.Builder catalog(long smallFen, long bandwidthFen, int yearPercent) {
    SetPriceCatalogRequest.Builder b =
        SetPriceCatalogRequest.newBuilder()
            .setBandwidthMonthlyPricePerMbps(TestServer.money(bandwidthFen));
    Map<String, Long> types =
        new TreeMap<>(Map.of("S5.SMALL2", smallFen, "S5.MEDIUM4", 10_000L, "S5.LARGE8", 20_000L));
    types.forEach(
        (t, fen) ->
            b.addInstanceTypes(
                InstanceTypePrice.newBuilder()
                    .setInstanceType(t)
                    .setMonthlyPrice(TestServer.money(fen))));
    Map<Integer, Integer> discounts = new TreeMap<>();
    for (int m = 1; m <= 11; m++) {
      discounts.put(m, 100);
    }
    discounts.put(12, yearPercent);
    discounts.put(24, 70);
    discounts.put(36, 60);
    discounts.forEach(
        (m, p) ->
            b.addPeriodDiscounts(
                PeriodDiscount.newBuilder().setPeriodMonths(m).setDiscountPercent(p)));
    return b;
  }

  static long smallPrice(RenewalServiceBlockingStub tenant) {
    return tenant
        .describePrices(DescribePricesRequest.getDefaultInstance())
        .getInstanceTypesList()
        .stream()
        .filter(p -> p.getInstanceType().equals("S5.SMALL2"))
        .mapToLong(p -> TestServer.fen(p.getMonthlyPrice()))
        .findFirst()
        .orElseThrow();
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void anAutoRenewalBeforeTheEffectiveTimeChargesTheOldPriceAndAfterItTheNew(Kind kind) {
    TestClock clock = new TestClock(Instant.parse("2027-01-10T00:00:00Z"));
    Instant effective = local("2027-02-01T00:00");
    try (TestDatabases.TestDatabase db = TestDatabases.create(kind);
        TestServer server = server(db, clock)) {
      LifecycleService lifecycle = LifecycleFixtures.lifecycle(server);
      TestAccount acct = server.createAccount(1_000_000);
      RenewalServiceBlockingStub tenant = server.tenant(acct);
      String early =
          create(
                  server,
                  acct,
                  "S5.SMALL2",
                  1,
                  RenewFlag.NOTIFY_AND_AUTO_RENEW,
                  1,
                  1,
                  local("2027-01-20T10:00"))
              .get(0)
              .getInstanceId();
      String late =
          create(
                  server,
                  acct,
                  "S5.SMALL2",
                  1,
                  RenewFlag.NOTIFY_AND_AUTO_RENEW,
                  1,
                  1,
                  local("2027-02-25T10:00"))
              .get(0)
              .getInstanceId();
      // From Feb 1: S5.SMALL2 55.00 and 12.00 per Mbps, so 67.00 a month at 1 Mbps (was 60.00).
      server
          .admin()
          .setPriceCatalog(
              catalog(5_500, 1_200, 85).setEffectiveTime(TestServer.timestamp(effective)).build());

      lifecycle.advanceTo(clock, local("2027-02-26T00:00"));

      assertThat(records(tenant))
          .filteredOn(r -> r.getType() == BillingRecord.Type.AUTO_RENEW)
          .extracting(
              r -> r.getInstanceIds(0),
              r -> TestServer.instant(r.getCreatedTime()),
              r -> -TestServer.fen(r.getAmount()))
          .containsExactlyInAnyOrder(
              tuple(early, local("2027-01-19T10:00"), 6_000L),
              tuple(early, local("2027-02-19T10:00"), 6_700L),
              tuple(late, local("2027-02-24T10:00"), 6_700L));
      assertThat(balance(tenant)).isEqualTo(1_000_000 - 6_000 - 6_700 - 6_700);
    }
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void anInquiryAndTheRenewalThatFollowsAgreeToTheFenUnderTheSamePrices(Kind kind) {
    Instant t0 = Instant.parse("2027-01-10T00:00:00Z");
    TestClock clock = new TestClock(t0);
    try (TestDatabases.TestDatabase db = TestDatabases.create(kind);
        TestServer server = server(db, clock)) {
      TestAccount acct = server.createAccount(10_000_000);
      RenewalServiceBlockingStub tenant = server.tenant(acct);
      String id =
          create(
                  server,
                  acct,
                  "S5.SMALL2",
                  3,
                  RenewFlag.NOTIFY_AND_MANUAL_RENEW,
                  1,
                  1,
                  local("2027-03-15T10:00"))
              .get(0)
              .getInstanceId();
      // From t0 + 1 h: S5.SMALL2 51.23, 11.11 per Mbps, a year at 83%.
      server
          .admin()
          .setPriceCatalog(
              catalog(5_123, 1_111, 83)
                  .setEffectiveTime(TestServer.timestamp(t0.plus(Duration.ofHours(1))))
                  .build());

      long before = renewAsInquired(tenant, id, "r-1");
      assertThat(before).isEqualTo(Math.round((5_000 + 3 * 1_000) * 12 * 0.85)); // 81,600
      assertThat(smallPrice(tenant)).isEqualTo(5_000);

      clock.set(t0.plus(Duration.ofHours(1)));

      long after = renewAsInquired(tenant, id, "r-2");
      // (51.23 + 3 x 11.11) x 12 x 83% = 84.56 x 12 x 0.83 = 842.2176 -> 842.22
      assertThat(after).isEqualTo(84_222);
      assertThat(smallPrice(tenant)).isEqualTo(5_123);
      assertThat(balance(tenant)).isEqualTo(10_000_000 - before - after);
    }
  }

  private static void refused(
      org.assertj.core.api.ThrowableAssert.ThrowingCallable call, String reason, String field) {
    StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class, call);
    assertThat(e).as(reason).isNotNull();
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(Errors.errorInfo(e).getReason()).isEqualTo(reason);
    if (field != null) {
      assertThat(Errors.badRequest(e).getFieldViolationsList())
          .extracting(v -> v.getField())
          .contains(field);
    }
  }

  /** Inquires, renews, and checks both (and the ledger) agree; returns the charge. */
  private static long renewAsInquired(RenewalServiceBlockingStub tenant, String id, String token) {
    InquiryPriceRenewInstancesResponse inquiry =
        tenant.inquiryPriceRenewInstances(
            InquiryPriceRenewInstancesRequest.newBuilder()
                .addInstanceIds(id)
                .setPeriodMonths(12)
                .build());
    long balanceBefore = balance(tenant);
    RenewInstancesResponse renewed =
        tenant.renewInstances(
            RenewInstancesRequest.newBuilder()
                .addInstanceIds(id)
                .setPeriodMonths(12)
                .setClientToken(token)
                .build());
    long quoted = TestServer.fen(inquiry.getTotalPrice());
    assertThat(TestServer.fen(renewed.getTotalPrice())).isEqualTo(quoted);
    assertThat(renewed.getRenewals(0).getPrice()).isEqualTo(inquiry.getRenewals(0).getPrice());
    assertThat(balanceBefore - balance(tenant)).isEqualTo(quoted);
    return quoted;
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void aChangeWrittenOnOneReplicaIsUsedByAnotherFromItsEffectiveTime(Kind kind) {
    Instant t0 = Instant.parse("2027-01-10T00:00:00Z");
    TestClock clockA = new TestClock(t0);
    TestClock clockB = new TestClock(t0);
    try (TestDatabases.TestDatabase db = TestDatabases.create(kind);
        TestServer a = server(db, clockA);
        TestServer b = server(db, clockB)) {
      TestAccount acct = a.createAccount(0);
      // Replica B reads (and caches) the catalog before A changes it.
      assertThat(smallPrice(b.tenant(acct))).isEqualTo(5_000);
      Instant effective = t0.plus(Duration.ofMinutes(1));
      a.admin()
          .setPriceCatalog(
              catalog(7_000, 1_000, 85).setEffectiveTime(TestServer.timestamp(effective)).build());

      clockB.set(t0.plusSeconds(5));
      assertThat(smallPrice(b.tenant(acct))).isEqualTo(5_000);
      clockB.set(effective.minusMillis(1));
      assertThat(smallPrice(b.tenant(acct))).isEqualTo(5_000);
      clockB.set(effective);
      assertThat(smallPrice(b.tenant(acct))).isEqualTo(7_000);
      assertThat(
              b.admin()
                  .describePriceCatalog(DescribePriceCatalogRequest.getDefaultInstance())
                  .getCatalog()
                  .getVersion())
          .isEqualTo(2);
    }
  }

  /**
   * {@code --price-refresh-interval 1m --price-change-lead-time 5m}: a change 4 min 59 s ahead
   * (enough for the defaults) is refused, stating the configured lead; one 5 min ahead is taken,
   * and the other replica, which checks once a minute, reads it then and prices with it from its
   * effective time.
   */
  @ParameterizedTest
  @EnumSource(Kind.class)
  void theConfiguredLeadAndRefreshIntervalAreTheOnesApplied(Kind kind) {
    Instant t0 = Instant.parse("2027-01-10T00:00:00Z");
    TestClock clockA = new TestClock(t0);
    TestClock clockB = new TestClock(t0);
    PriceSettings slow = new PriceSettings(Duration.ofMinutes(1), Duration.ofMinutes(5));
    try (TestDatabases.TestDatabase db = TestDatabases.create(kind);
        TestServer a = server(db, clockA, slow);
        TestServer b = server(db, clockB, slow)) {
      TestAccount acct = a.createAccount(0);
      assertThat(smallPrice(b.tenant(acct))).isEqualTo(5_000);

      StatusRuntimeException early =
          catchThrowableOfType(
              StatusRuntimeException.class,
              () ->
                  a.admin()
                      .setPriceCatalog(
                          catalog(7_000, 1_000, 85)
                              .setEffectiveTime(TestServer.timestamp(t0.plusSeconds(299)))
                              .build()));
      assertThat(early.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
      assertThat(Errors.errorInfo(early).getReason()).isEqualTo("INVALID_TIMESTAMP");
      assertThat(Errors.errorInfo(early).getMetadataMap())
          .containsEntry("earliestEffectiveTime", t0.plus(Duration.ofMinutes(5)).toString());
      assertThat(early.getStatus().getDescription()).contains("at least 300 s");

      Instant effective = t0.plus(Duration.ofMinutes(5));
      a.admin()
          .setPriceCatalog(
              catalog(7_000, 1_000, 85).setEffectiveTime(TestServer.timestamp(effective)).build());

      // B checked at t0: within the minute it does not know version 2 yet, after it it does.
      DescribePriceCatalogRequest history =
          DescribePriceCatalogRequest.newBuilder().setIncludeHistory(true).build();
      clockB.set(t0.plusSeconds(50));
      assertThat(b.admin().describePriceCatalog(history).getVersionsList()).hasSize(1);
      clockB.set(t0.plusSeconds(60));
      assertThat(b.admin().describePriceCatalog(history).getVersionsList()).hasSize(2);
      clockB.set(effective.minusMillis(1));
      assertThat(smallPrice(b.tenant(acct))).isEqualTo(5_000);
      clockB.set(effective);
      assertThat(smallPrice(b.tenant(acct))).isEqualTo(7_000);
    }
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void theCatalogIsReadAtAnyTimeWithItsHistoryAndBadChangesAreRefusedWithNothingWritten(Kind kind) {
    Instant t0 = Instant.parse("2027-01-10T00:00:00Z");
    TestClock clock = new TestClock(t0);
    try (TestDatabases.TestDatabase db = TestDatabases.create(kind);
        TestServer server = server(db, clock)) {
      AdminServiceBlockingStub admin = server.admin();
      Instant effective = t0.plus(Duration.ofDays(1));
      SetPriceCatalogRequest change =
          catalog(5_500, 1_200, 80)
              .setEffectiveTime(TestServer.timestamp(effective))
              .setClientToken("prices-1")
              .build();

      SetPriceCatalogResponse set = admin.setPriceCatalog(change);
      // A retry with the same token replays; the catalog is written once.
      assertThat(admin.setPriceCatalog(change)).isEqualTo(set);

      PriceCatalogVersion v2 = set.getCatalog();
      assertThat(v2.getVersion()).isEqualTo(2);
      assertThat(TestServer.instant(v2.getEffectiveTime())).isEqualTo(effective);
      assertThat(TestServer.instant(v2.getCreateTime())).isEqualTo(t0);
      assertThat(v2.getCreatedBy()).isNotEmpty();
      assertThat(v2.getInstanceTypesList())
          .extracting(InstanceTypePrice::getInstanceType, p -> TestServer.fen(p.getMonthlyPrice()))
          .containsExactly(
              tuple("S5.LARGE8", 20_000L),
              tuple("S5.MEDIUM4", 10_000L),
              tuple("S5.SMALL2", 5_500L));
      assertThat(v2.getPeriodDiscountsList())
          .hasSize(14)
          .contains(PeriodDiscount.newBuilder().setPeriodMonths(12).setDiscountPercent(80).build());

      DescribePriceCatalogResponse now =
          admin.describePriceCatalog(DescribePriceCatalogRequest.getDefaultInstance());
      assertThat(now.getCatalog().getVersion()).isEqualTo(1);
      assertThat(now.getCatalog().getCreatedBy()).isEqualTo("migration V5");
      assertThat(TestServer.fen(now.getCatalog().getBandwidthMonthlyPricePerMbps()))
          .isEqualTo(1_000);
      assertThat(now.getVersionsList()).isEmpty();
      DescribePriceCatalogResponse then =
          admin.describePriceCatalog(
              DescribePriceCatalogRequest.newBuilder()
                  .setEffectiveTime(TestServer.timestamp(effective))
                  .setIncludeHistory(true)
                  .build());
      assertThat(then.getCatalog()).isEqualTo(v2);
      assertThat(then.getVersionsList())
          .extracting(PriceCatalogVersion::getVersion)
          .containsExactly(1L, 2L);

      // Before version 1 (the epoch) no catalog is in force: a bad effective_time, not INTERNAL.
      refused(
          () ->
              admin.describePriceCatalog(
                  DescribePriceCatalogRequest.newBuilder()
                      .setEffectiveTime(TestServer.timestamp(Instant.EPOCH.minusSeconds(1)))
                      .build()),
          "INVALID_TIMESTAMP",
          "effective_time");

      // Refused, nothing written: in the past, too soon, missing, an instance type withdrawn, a
      // free bandwidth, a discount out of range, the same token for another change.
      refused(
          () ->
              admin.setPriceCatalog(
                  catalog(1, 1, 85)
                      .setEffectiveTime(TestServer.timestamp(t0.minusSeconds(60)))
                      .build()),
          "INVALID_TIMESTAMP",
          "effective_time");
      refused(
          () ->
              admin.setPriceCatalog(
                  catalog(1, 1, 85)
                      .setEffectiveTime(TestServer.timestamp(t0.plusSeconds(29)))
                      .build()),
          "INVALID_TIMESTAMP",
          "effective_time");
      refused(
          () -> admin.setPriceCatalog(catalog(1, 1, 85).build()),
          "INVALID_TIMESTAMP",
          "effective_time");
      refused(
          () ->
              admin.setPriceCatalog(
                  catalog(1, 1, 85)
                      .removeInstanceTypes(0)
                      .setEffectiveTime(TestServer.timestamp(effective))
                      .build()),
          "INVALID_INSTANCE_TYPE",
          "instance_types");
      refused(
          () ->
              admin.setPriceCatalog(
                  catalog(1, 0, 85).setEffectiveTime(TestServer.timestamp(effective)).build()),
          "INVALID_AMOUNT",
          "bandwidth_monthly_price_per_mbps");
      refused(
          () ->
              admin.setPriceCatalog(
                  catalog(1, 1, 101).setEffectiveTime(TestServer.timestamp(effective)).build()),
          "INVALID_DISCOUNT",
          "period_discounts[11].discount_percent");
      refused(
          () ->
              admin.setPriceCatalog(
                  change.toBuilder()
                      .setEffectiveTime(TestServer.timestamp(effective.plusSeconds(1)))
                      .build()),
          "IDEMPOTENCY_KEY_REUSED",
          null);
      assertThat(
              admin
                  .describePriceCatalog(
                      DescribePriceCatalogRequest.newBuilder().setIncludeHistory(true).build())
                  .getVersionsCount())
          .isEqualTo(2);
    }
  }
}
