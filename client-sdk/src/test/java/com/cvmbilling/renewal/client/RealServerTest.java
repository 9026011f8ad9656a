package com.cvmbilling.renewal.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.cvmbilling.renewal.client.error.IdempotencyKeyReusedException;
import com.cvmbilling.renewal.client.error.InstanceNotFoundException;
import com.cvmbilling.renewal.client.error.InsufficientBalanceException;
import com.cvmbilling.renewal.client.error.InvalidArgumentException;
import com.cvmbilling.renewal.client.error.NotFoundException;
import com.cvmbilling.renewal.client.error.NotPrepaidException;
import com.cvmbilling.renewal.client.error.PermissionDeniedException;
import com.cvmbilling.renewal.client.error.PrepaidNotTerminableException;
import com.cvmbilling.renewal.client.error.StatusCode;
import com.cvmbilling.renewal.client.error.UnauthenticatedException;
import com.cvmbilling.renewal.client.model.AccountInfo;
import com.cvmbilling.renewal.client.model.Amount;
import com.cvmbilling.renewal.client.model.ApiKeyInfo;
import com.cvmbilling.renewal.client.model.BillingRecordInfo;
import com.cvmbilling.renewal.client.model.EventInfo;
import com.cvmbilling.renewal.client.model.ForecastCharge;
import com.cvmbilling.renewal.client.model.InstanceInfo;
import com.cvmbilling.renewal.client.model.NewAccount;
import com.cvmbilling.renewal.client.model.NewApiKey;
import com.cvmbilling.renewal.client.model.PriceCatalogInfo;
import com.cvmbilling.renewal.client.model.PriceCatalogSnapshot;
import com.cvmbilling.renewal.client.model.PriceQuote;
import com.cvmbilling.renewal.client.model.ProtoTypes;
import com.cvmbilling.renewal.client.model.RenewalForecast;
import com.cvmbilling.renewal.client.model.RenewalOrder;
import com.cvmbilling.renewal.client.testing.DropResponses;
import com.cvmbilling.renewal.client.testing.RealServer;
import com.cvmbilling.renewal.server.testing.Tier;
import com.cvmbilling.renewal.v1.BillingRecord;
import com.cvmbilling.renewal.v1.CreateApiKeyRequest;
import com.cvmbilling.renewal.v1.CreateInstancesRequest;
import com.cvmbilling.renewal.v1.DescribeBillingRecordsRequest;
import com.cvmbilling.renewal.v1.DescribeInstancesRequest;
import com.cvmbilling.renewal.v1.DescribePriceCatalogRequest;
import com.cvmbilling.renewal.v1.DescribeRenewalForecastRequest;
import com.cvmbilling.renewal.v1.Event;
import com.cvmbilling.renewal.v1.Instance;
import com.cvmbilling.renewal.v1.InstanceTypePrice;
import com.cvmbilling.renewal.v1.ListEventsRequest;
import com.cvmbilling.renewal.v1.PeriodDiscount;
import com.cvmbilling.renewal.v1.RenewInstancesRequest;
import com.cvmbilling.renewal.v1.RenewalServiceGrpc;
import com.cvmbilling.renewal.v1.SetPriceCatalogRequest;
import com.cvmbilling.renewal.v1.TerminateInstancesRequest;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The SDK against the real server over a real port. */
@Tier.H2
@Tier.Network
class RealServerTest {
  private static final DropResponses DROP = new DropResponses("RenewInstances");
  private static RealServer server;

  @BeforeAll
  static void startServer() {
    server = RealServer.start(DROP);
  }

  @AfterAll
  static void stopServer() {
    server.close();
  }

  private static Instant inDays(int days) {
    return Instant.now().plus(days, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS);
  }

  @Test
  void aRetryAfterTheServerCommittedButTheResponseWasLostChargesOnce() {
    NewAccount account = server.createAccount("1000.00");
    InstanceInfo instance =
        server.createPrepaid(account.account().accountId(), 1, inDays(10)).get(0);
    Instant oldExpiry = instance.expiredTime().orElseThrow();
    DROP.reset();
    DROP.dropNext(1);

    try (RenewalClient client = server.tenantBuilder(account.apiKey()).build()) {
      RenewalOrder order = client.renewInstances(List.of(instance.instanceId()), 1);

      // The first attempt committed and its response was dropped; the retry got the stored order.
      assertThat(DROP.dropped()).isEqualTo(1);
      assertThat(DROP.requests()).hasSize(2);
      List<String> tokens =
          DROP.requests().stream()
              .map(r -> ((RenewInstancesRequest) r).getClientToken())
              .distinct()
              .toList();
      assertThat(tokens).containsExactly(order.clientToken());
      assertThat(DROP.requestIds().stream().distinct()).hasSize(1);

      // Charged once: 5 Mbps S5.SMALL2 = 50 + 5 x 10 = 100.00 a month.
      assertThat(order.totalPrice()).isEqualTo(Amount.cny("100.00"));
      assertThat(order.balance()).isEqualTo(Amount.cny("900.00"));
      assertThat(client.describeAccount().balance()).isEqualTo(Amount.cny("900.00"));
      List<BillingRecordInfo> records =
          client
              .describeBillingRecords(DescribeBillingRecordsRequest.getDefaultInstance())
              .streamAll()
              .toList();
      assertThat(records).filteredOn(r -> r.type() == BillingRecord.Type.RENEW).hasSize(1);
      assertThat(records.stream().map(BillingRecordInfo::amount).reduce(Amount::add).orElseThrow())
          .isEqualTo(Amount.cny("900.00"));

      // Extended by one month exactly once.
      Instant newExpiry = order.line(instance.instanceId()).orElseThrow().newExpiredTime();
      assertThat(order.line(instance.instanceId()).orElseThrow().oldExpiredTime())
          .isEqualTo(oldExpiry);
      assertThat(newExpiry)
          .isEqualTo(
              ZonedDateTime.ofInstant(oldExpiry, ZoneId.of("Asia/Shanghai"))
                  .plusMonths(1)
                  .toInstant());
      InstanceInfo after =
          client
              .describeInstances(
                  DescribeInstancesRequest.newBuilder()
                      .addInstanceIds(instance.instanceId())
                      .build())
              .items()
              .get(0);
      assertThat(after.expiredTime()).contains(newExpiry);
    }
  }

  @Test
  void pagingOverAThousandInstancesYieldsEachExactlyOnce() {
    NewAccount account = server.createAccount("0.00");
    List<InstanceInfo> created =
        server.createPrepaid(account.account().accountId(), 1000, inDays(30));
    Set<String> expected = new HashSet<>();
    created.forEach(i -> expected.add(i.instanceId()));
    assertThat(expected).hasSize(1000);

    try (RenewalClient client = server.tenantBuilder(account.apiKey()).build()) {
      Page<InstanceInfo> first =
          client.describeInstances(DescribeInstancesRequest.newBuilder().setPageSize(37).build());
      assertThat(first.items()).hasSize(37);
      assertThat(first.hasNextPage()).isTrue();

      List<String> seen = new ArrayList<>();
      for (InstanceInfo i : first.iterateAll()) {
        seen.add(i.instanceId());
      }
      assertThat(seen).hasSize(1000).doesNotHaveDuplicates();
      assertThat(new HashSet<>(seen)).isEqualTo(expected);
      assertThat(seen).isSorted();

      int pages = 0;
      Page<InstanceInfo> last = null;
      for (Page<InstanceInfo> p : first.iteratePages()) {
        pages++;
        assertThat(p.items()).isNotEmpty();
        last = p;
      }
      assertThat(pages).isEqualTo(28); // ceil(1000 / 37)
      assertThat(last.items()).hasSize(1000 - 27 * 37);
      assertThat(last.hasNextPage()).isFalse();
      assertThatThrownBy(last::nextPage).isInstanceOf(java.util.NoSuchElementException.class);

      // Async first page, then the rest; the filters travel with the page token.
      Page<InstanceInfo> running =
          client
              .describeInstancesCallable()
              .futureCall(
                  DescribeInstancesRequest.newBuilder()
                      .addStates(Instance.State.RUNNING)
                      .setPageSize(100)
                      .build())
              .join();
      assertThat(running.streamAll().count()).isEqualTo(1000);
      assertThat(client.listAllInstances()).hasSize(1000);
    }
  }

  @Test
  void typedErrorsFromTheRealServer() {
    NewAccount account = server.createAccount("50.00");
    InstanceInfo prepaid = server.createPrepaid(account.account().accountId(), 1, inDays(5)).get(0);
    InstanceInfo postpaid;
    try (AdminClient admin = server.admin()) {
      postpaid =
          admin
              .createInstances(
                  CreateInstancesRequest.newBuilder()
                      .setAccountId(account.account().accountId())
                      .setInstanceType("S5.SMALL2")
                      .setChargeType(Instance.ChargeType.POSTPAID_BY_HOUR)
                      .setCount(1)
                      .build())
              .get(0);
      assertThat(admin.createApiKey(account.account().accountId())).isNotBlank();
    }
    try (RenewalClient client = server.tenantBuilder(account.apiKey()).build()) {
      InsufficientBalanceException poor =
          catchThrowableOfType(
              InsufficientBalanceException.class,
              () -> client.renewInstances(List.of(prepaid.instanceId()), 1));
      assertThat(poor.statusCode()).isEqualTo(StatusCode.FAILED_PRECONDITION);
      assertThat(poor.reason()).isEqualTo("INSUFFICIENT_BALANCE");
      assertThat(poor.domain()).isEqualTo("renewal.cvmbilling.com");
      assertThat(poor.requestId()).isNotBlank();
      assertThat(poor.clientToken()).isPresent();
      assertThat(poor.attempts()).isEqualTo(1);
      // The amounts, typed: the balance it was checked against and the charge of this renewal.
      assertThat(poor.balance()).contains(Amount.cny("50.00"));
      assertThat(poor.required())
          .contains(
              client.inquiryPriceRenewInstances(List.of(prepaid.instanceId()), 1).totalPrice());
      assertThat(poor.required().orElseThrow()).isGreaterThan(poor.balance().orElseThrow());

      InstanceNotFoundException missing =
          catchThrowableOfType(
              InstanceNotFoundException.class,
              () -> client.renewInstances(List.of(prepaid.instanceId(), "ins-zzzz9999"), 1));
      assertThat(missing.instanceIds()).containsExactly("ins-zzzz9999");

      NotPrepaidException notPrepaid =
          catchThrowableOfType(
              NotPrepaidException.class,
              () -> client.renewInstances(List.of(postpaid.instanceId()), 1));
      assertThat(notPrepaid.instanceIds()).containsExactly(postpaid.instanceId());

      assertThat(
              catchThrowableOfType(
                  PrepaidNotTerminableException.class,
                  () ->
                      client.terminateInstances(
                          TerminateInstancesRequest.newBuilder()
                              .addInstanceIds(prepaid.instanceId())
                              .build())))
          .isNotNull();

      InvalidArgumentException badPeriod =
          catchThrowableOfType(
              InvalidArgumentException.class,
              () -> client.renewInstances(List.of(prepaid.instanceId()), 13));
      assertThat(badPeriod.reason()).isEqualTo("INVALID_PERIOD");
      assertThat(badPeriod.fieldViolations()).extracting(f -> f.field()).contains("period_months");

      // The same token with a different request.
      TerminateInstancesRequest terminate =
          TerminateInstancesRequest.newBuilder()
              .addInstanceIds(postpaid.instanceId())
              .setClientToken("tok-term")
              .build();
      assertThat(client.terminateInstances(terminate).get(0).state())
          .isEqualTo(Instance.State.RELEASED);
      assertThat(client.terminateInstances(terminate).get(0).state())
          .isEqualTo(Instance.State.RELEASED); // replayed
      assertThat(
              catchThrowableOfType(
                  IdempotencyKeyReusedException.class,
                  () ->
                      client.terminateInstances(
                          terminate.toBuilder().addInstanceIds(prepaid.instanceId()).build())))
          .isNotNull();
    }
    try (RenewalClient wrongKey = server.tenantBuilder("rk_not_a_key").build()) {
      assertThat(
              catchThrowableOfType(UnauthenticatedException.class, wrongKey::describeAccount)
                  .reason())
          .isEqualTo("INVALID_CREDENTIALS");
    }
    try (AdminClient tenantAsAdmin =
        AdminClient.newBuilder()
            .target(server.target())
            .plaintext()
            .apiKey(account.apiKey())
            .build()) {
      assertThat(
              catchThrowableOfType(
                      PermissionDeniedException.class,
                      () -> tenantAsAdmin.createApiKey(account.account().accountId()))
                  .reason())
          .isEqualTo("ADMIN_REQUIRED");
    }
  }

  @Test
  void renewalForecastAgainstTheRealServer() {
    NewAccount account = server.createAccount("80.00");
    Instant expiry = inDays(5);
    Instant dayBefore = expiry.minus(Duration.ofDays(1)); // the default auto-renew lead
    List<String> ids;
    try (AdminClient admin = server.admin()) {
      ids =
          admin
              .createInstances(
                  CreateInstancesRequest.newBuilder()
                      .setAccountId(account.account().accountId())
                      .setInstanceType("S5.SMALL2")
                      .setChargeType(Instance.ChargeType.PREPAID)
                      .setRenewFlag(com.cvmbilling.renewal.v1.RenewFlag.NOTIFY_AND_AUTO_RENEW)
                      .setCount(2)
                      .setExpiredTime(ProtoTypes.toTimestamp(expiry))
                      .build())
              .stream()
              .map(InstanceInfo::instanceId)
              .sorted()
              .toList();
    }
    try (RenewalClient client = server.tenantBuilder(account.apiKey()).build()) {
      // 50.00 each a day before the same expiry: the first (by id) is covered, the second not.
      RenewalForecast forecast = client.describeRenewalForecast(20);
      assertThat(forecast.balance()).isEqualTo(Amount.cny("80.00"));
      assertThat(forecast.charges())
          .extracting(
              ForecastCharge::instanceId,
              ForecastCharge::price,
              ForecastCharge::balanceAfter,
              ForecastCharge::covered,
              ForecastCharge::chargeTime)
          .containsExactly(
              org.assertj.core.api.Assertions.tuple(
                  ids.get(0), Amount.cny("50.00"), Amount.cny("30.00"), true, dayBefore),
              org.assertj.core.api.Assertions.tuple(
                  ids.get(1), Amount.cny("50.00"), Amount.cny("30.00"), false, dayBefore));
      assertThat(forecast.shortfallTime()).contains(dayBefore);
      assertThat(forecast.atRiskInstanceIds()).containsExactly(ids.get(1));
      assertThat(
              client
                  .describeRenewalForecastCallable()
                  .futureCall(
                      DescribeRenewalForecastRequest.newBuilder().setHorizonDays(20).build())
                  .join())
          .isEqualTo(forecast);

      InvalidArgumentException tooFar =
          catchThrowableOfType(
              InvalidArgumentException.class, () -> client.describeRenewalForecast(401));
      assertThat(tooFar.reason()).isEqualTo("INVALID_HORIZON");
      assertThat(tooFar.fieldViolations()).extracting(f -> f.field()).contains("horizon_days");
    }
  }

  @Test
  void aPriceChangeIsWrittenWithAnEffectiveTimeAndReadBackAtThatTime() {
    Instant effective = Instant.parse("2099-01-01T00:00:00Z");
    SetPriceCatalogRequest.Builder change =
        SetPriceCatalogRequest.newBuilder()
            .setBandwidthMonthlyPricePerMbps(Amount.cny("12.00").toProto())
            .setEffectiveTime(
                com.google.protobuf.Timestamp.newBuilder().setSeconds(effective.getEpochSecond()));
    for (String[] t :
        new String[][] {
          {"S5.SMALL2", "55.00"}, {"S5.MEDIUM4", "100.00"}, {"S5.LARGE8", "200.00"}
        }) {
      change.addInstanceTypes(
          InstanceTypePrice.newBuilder()
              .setInstanceType(t[0])
              .setMonthlyPrice(Amount.cny(t[1]).toProto()));
    }
    for (int m : new int[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 24, 36}) {
      change.addPeriodDiscounts(
          PeriodDiscount.newBuilder()
              .setPeriodMonths(m)
              .setDiscountPercent(m == 12 ? 80 : m == 24 ? 70 : m == 36 ? 60 : 100));
    }
    try (AdminClient admin = server.admin()) {
      PriceCatalogInfo written = admin.setPriceCatalog(change.build());
      assertThat(written.effectiveTime()).isEqualTo(effective);
      assertThat(written.monthlyPrices()).containsEntry("S5.SMALL2", Amount.cny("55.00"));
      assertThat(written.discountPercentByPeriodMonths()).containsEntry(12, 80).hasSize(14);

      assertThat(admin.describePriceCatalog(effective).toProto()).isEqualTo(written.toProto());
      PriceCatalogSnapshot now =
          admin.describePriceCatalog(
              DescribePriceCatalogRequest.newBuilder().setIncludeHistory(true).build());
      assertThat(now.inForce().version()).isLessThan(written.version());
      assertThat(now.versions())
          .last()
          .extracting(PriceCatalogInfo::version)
          .isEqualTo(written.version());

      change.setPeriodDiscounts(
          11, PeriodDiscount.newBuilder().setPeriodMonths(12).setDiscountPercent(0));
      InvalidArgumentException bad =
          catchThrowableOfType(
              InvalidArgumentException.class, () -> admin.setPriceCatalog(change.build()));
      assertThat(bad.reason()).isEqualTo("INVALID_DISCOUNT");
    }
  }

  @Test
  void rotatesATenantKeyWithListAndRevoke() {
    NewAccount account = server.createAccount("1.00");
    String accountId = account.account().accountId();
    Instant expiry = inDays(30);
    try (AdminClient admin = server.admin()) {
      String newKey =
          admin.createApiKey(
              CreateApiKeyRequest.newBuilder()
                  .setAccountId(accountId)
                  .setDescription("rotated")
                  .setExpireTime(ProtoTypes.toTimestamp(expiry))
                  .build());
      List<ApiKeyInfo> keys = new ArrayList<>();
      admin.listAllApiKeys(accountId).forEach(keys::add);
      assertThat(keys).hasSize(2);
      assertThat(keys.toString()).doesNotContain(newKey).doesNotContain(account.apiKey());
      ApiKeyInfo old = keys.stream().filter(k -> k.description().isEmpty()).findFirst().get();
      ApiKeyInfo rotated = keys.stream().filter(k -> !k.equals(old)).findFirst().get();
      assertThat(account.apiKey()).startsWith(old.prefix());
      assertThat(newKey).startsWith(rotated.prefix());
      assertThat(rotated.description()).isEqualTo("rotated");
      assertThat(rotated.expireTime()).isEqualTo(expiry);
      assertThat(old.expireTime()).isNull();

      ApiKeyInfo revoked = admin.revokeApiKey(old.keyId());
      assertThat(revoked.revoked()).isTrue();
      assertThat(admin.revokeApiKey(old.keyId())).isEqualTo(revoked);
      try (RenewalClient oldClient = server.tenantBuilder(account.apiKey()).build();
          RenewalClient newClient = server.tenantBuilder(newKey).build()) {
        UnauthenticatedException refused =
            catchThrowableOfType(UnauthenticatedException.class, oldClient::describeAccount);
        assertThat(refused.reason()).isEqualTo("API_KEY_REVOKED");
        assertThat(newClient.describeAccount().accountId()).isEqualTo(accountId);
      }
      NotFoundException unknown =
          catchThrowableOfType(
              NotFoundException.class, () -> admin.revokeApiKey("key-0123456789abcdef0123"));
      assertThat(unknown.reason()).isEqualTo("API_KEY_NOT_FOUND");
    }
  }

  @Test
  void createApiKeyWithInfoReturnsTheSecretAndTheKeyAndSupportKeysOnlyRead() throws Exception {
    NewAccount account = server.createAccount("1.00");
    String accountId = account.account().accountId();
    Instant expiry = inDays(30);
    try (AdminClient admin = server.admin()) {
      NewApiKey tenantKey =
          admin.createApiKeyWithInfo(
              CreateApiKeyRequest.newBuilder()
                  .setAccountId(accountId)
                  .setDescription("billing robot")
                  .setExpireTime(ProtoTypes.toTimestamp(expiry))
                  .build());
      assertThat(tenantKey.apiKey()).startsWith(tenantKey.info().prefix());
      assertThat(tenantKey.info().accountId()).isEqualTo(accountId);
      assertThat(tenantKey.info().description()).isEqualTo("billing robot");
      assertThat(tenantKey.info().expireTime()).isEqualTo(expiry);
      assertThat(tenantKey.info().admin()).isFalse();
      assertThat(tenantKey.info().support()).isFalse();
      assertThat(tenantKey.toString()).doesNotContain(tenantKey.apiKey());
      List<String> listed = new ArrayList<>();
      admin.listAllApiKeys(accountId).forEach(k -> listed.add(k.keyId()));
      assertThat(listed).contains(tenantKey.info().keyId());

      NewApiKey adminKey =
          admin
              .createApiKeyWithInfoCallable()
              .futureCall(
                  CreateApiKeyRequest.newBuilder().setAdmin(true).setName("sdk-ops").build())
              .get();
      assertThat(adminKey.info().admin()).isTrue();
      assertThat(adminKey.info().name()).isEqualTo("sdk-ops");

      NewApiKey supportKey = admin.createSupportApiKey("sdk-helpdesk");
      ApiKeyInfo info = supportKey.info();
      assertThat(info.support()).isTrue();
      assertThat(info.admin()).isFalse();
      assertThat(info.name()).isEqualTo("sdk-helpdesk");
      assertThat(info.accountId()).isEmpty();
      assertThat(info.toString()).contains("support sdk-helpdesk");
      assertThat(supportKey.toString()).doesNotContain(supportKey.apiKey());

      try (RenewalClient support = server.tenantBuilder(supportKey.apiKey()).build();
          AdminClient supportAsAdmin =
              AdminClient.newBuilder()
                  .target(server.target())
                  .plaintext()
                  .apiKey(supportKey.apiKey())
                  .build()) {
        assertThat(
                support
                    .describeAccount(
                        com.cvmbilling.renewal.v1.DescribeAccountRequest.newBuilder()
                            .setAccountId(accountId)
                            .build())
                    .accountId())
            .isEqualTo(accountId);
        PermissionDeniedException refused =
            catchThrowableOfType(
                PermissionDeniedException.class, () -> supportAsAdmin.createSupportApiKey("more"));
        assertThat(refused.reason()).isEqualTo("SUPPORT_KEY_READ_ONLY");
      }
      InvalidArgumentException both =
          catchThrowableOfType(
              InvalidArgumentException.class,
              () ->
                  admin.createApiKeyWithInfo(
                      CreateApiKeyRequest.newBuilder()
                          .setAdmin(true)
                          .setSupport(true)
                          .setName("both")
                          .build()));
      assertThat(both.reason()).isEqualTo("INVALID_KEY_KIND");
    }
  }

  @Test
  void javaTypesListsAndAsyncFormsAgainstTheRealServer() {
    NewAccount account = server.createAccount("1000.00");
    assertThat(account.toString()).doesNotContain(account.apiKey());
    List<InstanceInfo> instances =
        server.createPrepaid(account.account().accountId(), 3, inDays(20));
    List<String> ids = instances.stream().map(InstanceInfo::instanceId).toList();
    try (RenewalClient client = server.tenantBuilder(account.apiKey()).build();
        AdminClient admin = server.admin()) {
      AccountInfo info = client.describeAccount();
      assertThat(info.billingTimeZone()).isEqualTo(ZoneId.of("Asia/Shanghai"));
      assertThat(info.balance().value()).isEqualByComparingTo("1000");
      assertThat(client.describePrices().monthlyPrices())
          .containsEntry("S5.SMALL2", Amount.cny("50.00"));

      PriceQuote quote = client.inquiryPriceRenewInstances(ids, 12);
      assertThat(quote.totalPrice()).isEqualTo(Amount.cny("3060.00")); // 3 x 100 x 12 x 85%
      assertThat(quote.lines())
          .hasSize(3)
          .allSatisfy(
              l -> {
                assertThat(l.originalPrice()).isEqualTo(Amount.cny("1200.00"));
                assertThat(l.price()).isEqualTo(Amount.cny("1020.00"));
              });

      // Async: renew each instance in parallel (three orders, three events).
      List<CompletableFuture<RenewalOrder>> futures =
          ids.stream()
              .map(
                  id ->
                      client
                          .renewInstancesCallable()
                          .futureCall(
                              RenewInstancesRequest.newBuilder()
                                  .addInstanceIds(id)
                                  .setPeriodMonths(1)
                                  .build()))
              .toList();
      futures.forEach(CompletableFuture::join);
      assertThat(
              client
                  .describeAccountCallable()
                  .futureCall(com.cvmbilling.renewal.v1.DescribeAccountRequest.getDefaultInstance())
                  .join()
                  .balance())
          .isEqualTo(Amount.cny("700.00"));
      assertThat(admin.topUpBalance(account.account().accountId(), Amount.cny("0.55")).balance())
          .isEqualTo(Amount.cny("700.55"));

      List<EventInfo> events =
          client
              .listEvents(ListEventsRequest.newBuilder().setPageSize(2).build())
              .streamAll()
              .toList();
      assertThat(events)
          .hasSize(3)
          .allSatisfy(e -> assertThat(e.type()).isEqualTo(Event.Type.RENEWED));
      assertThat(events).extracting(EventInfo::eventId).isSorted().doesNotHaveDuplicates();
      assertThat(events).extracting(EventInfo::instanceId).containsExactlyInAnyOrderElementsOf(ids);
      assertThat(events.get(0).orderId()).isPresent();

      List<BillingRecordInfo> ledger =
          client
              .describeBillingRecords(
                  DescribeBillingRecordsRequest.newBuilder().setPageSize(1).build())
              .streamAll()
              .toList();
      assertThat(ledger).hasSize(5); // initial top-up, three renewals, one top-up; newest first
      assertThat(ledger.get(0).type()).isEqualTo(BillingRecord.Type.TOP_UP);
      assertThat(ledger.get(0).balanceAfter()).isEqualTo(Amount.cny("700.55"));
      assertThat(ledger.get(1).amount()).isEqualTo(Amount.cny("-100.00"));

      // The generated stubs stay usable on the client's channel.
      var stub =
          RenewalServiceGrpc.newBlockingStub(client.channel())
              .withCallCredentials(client.settings().credentials());
      assertThat(
              stub.describeAccount(
                      com.cvmbilling.renewal.v1.DescribeAccountRequest.getDefaultInstance())
                  .getAccount()
                  .getAccountId())
          .isEqualTo(account.account().accountId());
      assertThat(Duration.between(Instant.now(), instances.get(0).expiredTime().orElseThrow()))
          .isPositive();
    }
  }
}
