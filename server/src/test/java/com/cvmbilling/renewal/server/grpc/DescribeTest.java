package com.cvmbilling.renewal.server.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import com.cvmbilling.renewal.server.testing.TestServer;
import com.cvmbilling.renewal.server.testing.TestServer.TestAccount;
import com.cvmbilling.renewal.v1.Account;
import com.cvmbilling.renewal.v1.BillingRecord;
import com.cvmbilling.renewal.v1.CreateAccountRequest;
import com.cvmbilling.renewal.v1.DescribeAccountRequest;
import com.cvmbilling.renewal.v1.DescribeBillingRecordsRequest;
import com.cvmbilling.renewal.v1.DescribeBillingRecordsResponse;
import com.cvmbilling.renewal.v1.DescribeInstancesRequest;
import com.cvmbilling.renewal.v1.DescribeInstancesResponse;
import com.cvmbilling.renewal.v1.DescribePricesRequest;
import com.cvmbilling.renewal.v1.DescribePricesResponse;
import com.cvmbilling.renewal.v1.Event;
import com.cvmbilling.renewal.v1.Instance;
import com.cvmbilling.renewal.v1.InstanceTypePrice;
import com.cvmbilling.renewal.v1.ListEventsRequest;
import com.cvmbilling.renewal.v1.RenewFlag;
import com.cvmbilling.renewal.v1.RenewInstancesRequest;
import com.cvmbilling.renewal.v1.SetAutoRenewRequest;
import com.cvmbilling.renewal.v1.TerminateInstancesRequest;
import com.cvmbilling.renewal.v1.TopUpBalanceRequest;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The read RPCs: DescribeInstances, DescribeAccount, DescribeBillingRecords, DescribePrices,
 * ListEvents.
 */
abstract class DescribeTest extends ServiceTestBase {

  static DescribeInstancesRequest.Builder query() {
    return DescribeInstancesRequest.newBuilder();
  }

  List<String> describeIds(TestAccount acct, DescribeInstancesRequest request) {
    DescribeInstancesResponse r = tenant(acct).describeInstances(request);
    assertThat(r.getNextPageToken()).isEmpty();
    return ids(r.getInstancesList());
  }

  /** A fixed mix of instances in one account, plus one in another account. */
  final class Fleet {
    final TestAccount acct = account(RICH);
    final TestAccount other = account(RICH);
    final Instance feb = prepaid(acct, SMALL, 1, "2027-02-10T04:00:00Z"); // running, manual
    final Instance marAuto =
        prepaid(acct, MEDIUM, 2, "2027-03-10T04:00:00Z"); // running, auto renew
    final Instance isolated = prepaid(acct, LARGE, 3, "2027-01-11T04:00:00Z");
    final Instance post = postpaid(acct); // running
    final Instance postGone = postpaid(acct); // released
    final Instance foreign = prepaid(other, SMALL, 1, "2027-01-20T04:00:00Z");

    Fleet() {
      tenant(acct)
          .setAutoRenew(
              SetAutoRenewRequest.newBuilder()
                  .addInstanceIds(marAuto.getInstanceId())
                  .setRenewFlag(RenewFlag.NOTIFY_AND_AUTO_RENEW)
                  .setAutoRenewPeriodMonths(1)
                  .build());
      tenant(acct)
          .terminateInstances(
              TerminateInstancesRequest.newBuilder()
                  .addInstanceIds(postGone.getInstanceId())
                  .build());
      forceState(
          acct,
          isolated.getInstanceId(),
          com.cvmbilling.renewal.server.domain.InstanceState.ISOLATED);
    }

    List<String> all() {
      return List.of(
          feb.getInstanceId(),
          marAuto.getInstanceId(),
          isolated.getInstanceId(),
          post.getInstanceId(),
          postGone.getInstanceId());
    }
  }

  // ---------------------------------------------------------------- DescribeInstances

  @Test
  void listsOnlyTheCallersInstancesInIdOrder() {
    Fleet f = new Fleet();

    List<String> found = describeIds(f.acct, query().build());

    assertThat(found).containsExactlyElementsOf(f.all().stream().sorted().toList());
    assertThat(found).doesNotContain(f.foreign.getInstanceId());
  }

  @Test
  void returnsEveryField() {
    TestAccount acct = account(RICH);
    Instance created = prepaid(acct, MEDIUM, 7, "2027-02-10T04:00:00Z");

    Instance found = describe(acct, created.getInstanceId());

    assertThat(found).isEqualTo(created);
    assertThat(found.getInstanceId()).matches("ins-[a-z0-9]{8}");
    assertThat(found.getAccountId()).isEqualTo(acct.accountId());
    assertThat(found.getInstanceType()).isEqualTo(MEDIUM);
    assertThat(found.getChargeType()).isEqualTo(Instance.ChargeType.PREPAID);
    assertThat(found.getState()).isEqualTo(Instance.State.RUNNING);
    assertThat(instant(found.getCreatedTime())).isEqualTo(NOW);
    assertThat(instant(found.getExpiredTime())).isEqualTo(t("2027-02-10T04:00:00Z"));
    assertThat(found.hasIsolatedTime()).isFalse();
    assertThat(found.hasReleasedTime()).isFalse();
    assertThat(found.getRenewFlag()).isEqualTo(RenewFlag.NOTIFY_AND_MANUAL_RENEW);
    assertThat(found.getAutoRenewPeriodMonths()).isEqualTo(1);
    assertThat(found.getBandwidthMbps()).isEqualTo(7);
  }

  @Test
  void filtersByIdsIgnoringUnknownAndForeignOnes() {
    Fleet f = new Fleet();

    List<String> found =
        describeIds(
            f.acct,
            query()
                .addInstanceIds(f.post.getInstanceId())
                .addInstanceIds(f.feb.getInstanceId())
                .addInstanceIds(f.foreign.getInstanceId())
                .addInstanceIds("ins-zzzzzzzz")
                .build());

    assertThat(found).containsExactlyInAnyOrder(f.feb.getInstanceId(), f.post.getInstanceId());
  }

  @Test
  void filtersByStates() {
    Fleet f = new Fleet();

    assertThat(
            describeIds(
                f.acct,
                query()
                    .addStates(Instance.State.ISOLATED)
                    .addStates(Instance.State.RELEASED)
                    .build()))
        .containsExactlyInAnyOrder(f.isolated.getInstanceId(), f.postGone.getInstanceId());
    assertThat(describeIds(f.acct, query().addStates(Instance.State.RUNNING).build()))
        .containsExactlyInAnyOrder(
            f.feb.getInstanceId(), f.marAuto.getInstanceId(), f.post.getInstanceId());
  }

  @Test
  void filtersByChargeType() {
    Fleet f = new Fleet();

    assertThat(
            describeIds(
                f.acct, query().setChargeType(Instance.ChargeType.POSTPAID_BY_HOUR).build()))
        .containsExactlyInAnyOrder(f.post.getInstanceId(), f.postGone.getInstanceId());
    assertThat(describeIds(f.acct, query().setChargeType(Instance.ChargeType.PREPAID).build()))
        .containsExactlyInAnyOrder(
            f.feb.getInstanceId(), f.marAuto.getInstanceId(), f.isolated.getInstanceId());
  }

  @Test
  void filtersByRenewFlag() {
    Fleet f = new Fleet();

    assertThat(describeIds(f.acct, query().setRenewFlag(RenewFlag.NOTIFY_AND_AUTO_RENEW).build()))
        .containsExactly(f.marAuto.getInstanceId());
    assertThat(
            describeIds(
                f.acct, query().setRenewFlag(RenewFlag.DISABLE_NOTIFY_AND_MANUAL_RENEW).build()))
        .isEmpty();
  }

  @Test
  void filtersByExpiringBeforeOnPrepaidOnly() {
    Fleet f = new Fleet();

    assertThat(describeIds(f.acct, query().setExpiringBefore(ts("2027-03-01T00:00:00Z")).build()))
        .containsExactlyInAnyOrder(f.feb.getInstanceId(), f.isolated.getInstanceId());
    // Strictly before: an instance expiring exactly then is not included.
    assertThat(describeIds(f.acct, query().setExpiringBefore(ts("2027-02-10T04:00:00Z")).build()))
        .containsExactly(f.isolated.getInstanceId());
    assertThat(describeIds(f.acct, query().setExpiringBefore(ts("2030-01-01T00:00:00Z")).build()))
        .containsExactlyInAnyOrder(
            f.feb.getInstanceId(), f.marAuto.getInstanceId(), f.isolated.getInstanceId());
  }

  @Test
  void combinesFilters() {
    Fleet f = new Fleet();

    assertThat(
            describeIds(
                f.acct,
                query()
                    .addStates(Instance.State.RUNNING)
                    .setChargeType(Instance.ChargeType.PREPAID)
                    .setRenewFlag(RenewFlag.NOTIFY_AND_MANUAL_RENEW)
                    .build()))
        .containsExactly(f.feb.getInstanceId());
    assertThat(
            describeIds(
                f.acct,
                query()
                    .addInstanceIds(f.feb.getInstanceId())
                    .addStates(Instance.State.ISOLATED)
                    .build()))
        .isEmpty();
  }

  @Test
  void pagesOverFortyFiveInstancesVisitingEachOnce() {
    TestAccount acct = account(RICH);
    List<Instance> created =
        new ArrayList<>(server.createPrepaid(acct, SMALL, 1, 25, t("2027-02-10T04:00:00Z")));
    created.addAll(server.createPostpaid(acct, MEDIUM, 20));

    List<String> seen = new ArrayList<>();
    List<Integer> sizes = new ArrayList<>();
    Set<String> tokens = new HashSet<>();
    String token = "";
    do {
      DescribeInstancesResponse page =
          tenant(acct).describeInstances(query().setPageSize(20).setPageToken(token).build());
      sizes.add(page.getInstancesCount());
      seen.addAll(ids(page.getInstancesList()));
      token = page.getNextPageToken();
      assertThat(tokens.add(token)).as("a new token each page").isTrue();
    } while (!token.isEmpty());

    assertThat(sizes).containsExactly(20, 20, 5);
    assertThat(seen).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(ids(created));
  }

  @Test
  void pagesWithAFilterKeepTheFilter() {
    TestAccount acct = account(RICH);
    List<Instance> prepaid = server.createPrepaid(acct, SMALL, 1, 7, t("2027-02-10T04:00:00Z"));
    server.createPostpaid(acct, SMALL, 6);

    List<String> seen = new ArrayList<>();
    String token = "";
    DescribeInstancesRequest.Builder q =
        query().setChargeType(Instance.ChargeType.PREPAID).setPageSize(3);
    do {
      DescribeInstancesResponse page =
          tenant(acct).describeInstances(q.setPageToken(token).build());
      seen.addAll(ids(page.getInstancesList()));
      token = page.getNextPageToken();
    } while (!token.isEmpty());

    assertThat(seen).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(ids(prepaid));
  }

  @Test
  void defaultPageSizeIsTwenty() {
    TestAccount acct = account(RICH);
    server.createPostpaid(acct, SMALL, 21);

    DescribeInstancesResponse first = tenant(acct).describeInstances(query().build());

    assertThat(first.getInstancesCount()).isEqualTo(20);
    assertThat(first.getNextPageToken()).isNotEmpty();
    DescribeInstancesResponse second =
        tenant(acct).describeInstances(query().setPageToken(first.getNextPageToken()).build());
    assertThat(second.getInstancesCount()).isEqualTo(1);
    assertThat(second.getNextPageToken()).isEmpty();
  }

  @Test
  void exactlyOnePageHasNoNextToken() {
    TestAccount acct = account(RICH);
    server.createPostpaid(acct, SMALL, 20);

    DescribeInstancesResponse first =
        tenant(acct).describeInstances(query().setPageSize(20).build());

    assertThat(first.getInstancesCount()).isEqualTo(20);
    assertThat(first.getNextPageToken()).isEmpty();
  }

  @Test
  void pageSizeAboveOneHundredIsClamped() {
    TestAccount acct = account(RICH);
    server.createPostpaid(acct, SMALL, 100);
    server.createPostpaid(acct, SMALL, 5);

    DescribeInstancesResponse first =
        tenant(acct).describeInstances(query().setPageSize(1000).build());

    assertThat(first.getInstancesCount()).isEqualTo(100);
    assertThat(first.getNextPageToken()).isNotEmpty();
    DescribeInstancesResponse second =
        tenant(acct)
            .describeInstances(
                query()
                    .setPageSize(Integer.MAX_VALUE)
                    .setPageToken(first.getNextPageToken())
                    .build());
    assertThat(second.getInstancesCount()).isEqualTo(5);
    assertThat(second.getNextPageToken()).isEmpty();
  }

  @Test
  void invalidPageTokens() {
    TestAccount acct = account(RICH);
    TestAccount other = account(RICH);
    server.createPostpaid(acct, SMALL, 3);
    server.createPostpaid(other, SMALL, 3);
    String token =
        tenant(acct).describeInstances(query().setPageSize(1).build()).getNextPageToken();
    String prepaidToken =
        tenant(acct)
            .describeInstances(query().setPageSize(1).addStates(Instance.State.RUNNING).build())
            .getNextPageToken();
    String otherToken =
        tenant(other).describeInstances(query().setPageSize(1).build()).getNextPageToken();
    assertThat(token).isNotEmpty();

    // Garbage, a well-formed token with a made-up fingerprint, and damaged tokens (tokens carry a
    // checksum, so even a change that still decodes to a well-formed position is refused).
    for (String garbage :
        List.of(
            "garbage!",
            "abc",
            "djF8eHh4fGlucy0wMDAwMDAwMA",
            token.substring(1),
            token.substring(0, token.length() - 1) + "*",
            "v1|x|y",
            token + "A",
            token + "x0")) {
      invalidArgument(
          "INVALID_PAGE_TOKEN",
          "page_token",
          () ->
              tenant(acct).describeInstances(query().setPageSize(1).setPageToken(garbage).build()));
    }
    // A token from a query with other filters.
    invalidArgument(
        "INVALID_PAGE_TOKEN",
        "page_token",
        () ->
            tenant(acct)
                .describeInstances(query().setPageSize(1).setPageToken(prepaidToken).build()));
    invalidArgument(
        "INVALID_PAGE_TOKEN",
        "page_token",
        () ->
            tenant(acct)
                .describeInstances(
                    query()
                        .setPageSize(1)
                        .setChargeType(Instance.ChargeType.POSTPAID_BY_HOUR)
                        .setPageToken(token)
                        .build()));
    // Another tenant's token for the very same query.
    invalidArgument(
        "INVALID_PAGE_TOKEN",
        "page_token",
        () ->
            tenant(acct)
                .describeInstances(query().setPageSize(1).setPageToken(otherToken).build()));
    // A different page size with the same filters is fine.
    assertThat(
            tenant(acct)
                .describeInstances(query().setPageSize(5).setPageToken(token).build())
                .getInstancesCount())
        .isEqualTo(2);
  }

  @Test
  void negativePageSizeIsInvalid() {
    TestAccount acct = account(RICH);
    invalidArgument(
        "INVALID_PAGE_SIZE",
        "page_size",
        () -> tenant(acct).describeInstances(query().setPageSize(-1).build()));
    invalidArgument(
        "INVALID_PAGE_SIZE",
        "page_size",
        () -> tenant(acct).describeInstances(query().setPageSize(Integer.MIN_VALUE).build()));
  }

  @Test
  void unknownOrUnspecifiedStateIsInvalid() {
    TestAccount acct = account(RICH);
    invalidArgument(
        "INVALID_STATE",
        "states",
        () -> tenant(acct).describeInstances(query().addStatesValue(99).build()));
    invalidArgument(
        "INVALID_STATE",
        "states",
        () ->
            tenant(acct)
                .describeInstances(
                    query()
                        .addStates(Instance.State.RUNNING)
                        .addStates(Instance.State.STATE_UNSPECIFIED)
                        .build()));
  }

  @Test
  void unknownChargeTypeOrRenewFlagIsInvalid() {
    TestAccount acct = account(RICH);
    invalidArgument(
        "INVALID_CHARGE_TYPE",
        "charge_type",
        () -> tenant(acct).describeInstances(query().setChargeTypeValue(7).build()));
    invalidArgument(
        "INVALID_RENEW_FLAG",
        "renew_flag",
        () -> tenant(acct).describeInstances(query().setRenewFlagValue(99).build()));
  }

  @Test
  void malformedOrTooManyFilterIds() {
    TestAccount acct = account(RICH);
    invalidArgument(
        "INVALID_INSTANCE_ID",
        "instance_ids",
        () ->
            tenant(acct)
                .describeInstances(
                    query().addInstanceIds("ins-00000000").addInstanceIds("x").build()));
    List<String> many = new ArrayList<>();
    for (int n = 0; n < 101; n++) {
      many.add(String.format("ins-%08d", n));
    }
    invalidArgument(
        "TOO_MANY_INSTANCES",
        "instance_ids",
        () -> tenant(acct).describeInstances(query().addAllInstanceIds(many).build()));
  }

  // ---------------------------------------------------------------- DescribeAccount

  @Test
  void describesTheCallersAccount() {
    clock.set(t("2027-01-05T01:02:03Z"));
    var created =
        server
            .admin()
            .createAccount(
                CreateAccountRequest.newBuilder()
                    .setDisplayName("Acme Ltd")
                    .setBillingTimeZone("Europe/Berlin")
                    .setInitialBalance(TestServer.money(123_45))
                    .build());
    clock.set(NOW);

    Account account =
        server
            .tenant(created.getApiKey())
            .describeAccount(DescribeAccountRequest.getDefaultInstance())
            .getAccount();

    assertThat(account.getAccountId()).isEqualTo(created.getAccount().getAccountId());
    assertThat(account.getDisplayName()).isEqualTo("Acme Ltd");
    assertThat(fen(account.getBalance())).isEqualTo(123_45);
    assertThat(account.getBillingTimeZone()).isEqualTo("Europe/Berlin");
    assertThat(instant(account.getCreatedTime())).isEqualTo(t("2027-01-05T01:02:03Z"));
    assertThat(account).isEqualTo(created.getAccount());
  }

  // ---------------------------------------------------------------- DescribeBillingRecords

  @Test
  void billingRecordsAreNewestFirstWithRunningBalances() {
    TestAccount acct = account(100_00);
    Instance a = prepaid(acct, SMALL, 1, "2027-02-10T04:00:00Z");
    topUp(acct, 50_00);
    clock.set(NOW.plusSeconds(60));
    var renewal =
        tenant(acct)
            .renewInstances(
                RenewInstancesRequest.newBuilder()
                    .addInstanceIds(a.getInstanceId())
                    .setPeriodMonths(1)
                    .build());
    topUp(acct, 1);

    List<BillingRecord> records = records(acct);

    assertThat(records)
        .extracting(BillingRecord::getType)
        .containsExactly(
            BillingRecord.Type.TOP_UP,
            BillingRecord.Type.RENEW,
            BillingRecord.Type.TOP_UP,
            BillingRecord.Type.TOP_UP);
    assertThat(records)
        .extracting(r -> fen(r.getAmount()))
        .containsExactly(1L, -6000L, 5000L, 10000L);
    assertThat(records)
        .extracting(r -> fen(r.getBalanceAfter()))
        .containsExactly(9001L, 9000L, 15000L, 10000L);
    assertThat(records)
        .extracting(BillingRecord::getRecordId)
        .isSortedAccordingTo((x, y) -> Long.compare(y, x));
    assertThat(records.get(1).getOrderId()).isEqualTo(renewal.getOrderId());
    assertThat(instant(records.get(1).getCreatedTime())).isEqualTo(NOW.plusSeconds(60));
    assertThat(records.get(3).getInstanceIdsList()).isEmpty();
    assertThat(records.stream().map(BillingRecord::getOrderId).collect(Collectors.toSet()))
        .as("every record has its own order here")
        .hasSize(4);
  }

  @Test
  void billingRecordsPageWithoutGapsOrRepeats() {
    TestAccount acct = account(1);
    for (int n = 2; n <= 7; n++) {
      topUp(acct, n);
    }
    // Seven records: amounts 7, 6, ..., 1 newest first.
    List<Long> amounts = new ArrayList<>();
    List<Integer> sizes = new ArrayList<>();
    String token = "";
    do {
      DescribeBillingRecordsResponse page =
          tenant(acct)
              .describeBillingRecords(
                  DescribeBillingRecordsRequest.newBuilder()
                      .setPageSize(3)
                      .setPageToken(token)
                      .build());
      sizes.add(page.getRecordsCount());
      page.getRecordsList().forEach(r -> amounts.add(fen(r.getAmount())));
      token = page.getNextPageToken();
    } while (!token.isEmpty());

    assertThat(sizes).containsExactly(3, 3, 1);
    assertThat(amounts).containsExactly(7L, 6L, 5L, 4L, 3L, 2L, 1L);
  }

  @Test
  void billingRecordsOfOtherAccountsAreNotShown() {
    TestAccount acct = account(100);
    TestAccount other = account(200);
    topUp(other, 300);

    assertThat(records(acct)).extracting(r -> fen(r.getAmount())).containsExactly(100L);
  }

  @Test
  void billingRecordsDefaultPageSizeIsTwenty() {
    TestAccount acct = account(1);
    for (int n = 0; n < 21; n++) {
      topUp(acct, 1);
    }
    DescribeBillingRecordsResponse first =
        tenant(acct).describeBillingRecords(DescribeBillingRecordsRequest.getDefaultInstance());
    assertThat(first.getRecordsCount()).isEqualTo(20);
    assertThat(first.getNextPageToken()).isNotEmpty();
  }

  @Test
  void billingRecordsInvalidPageTokens() {
    TestAccount acct = account(1);
    TestAccount other = account(1);
    topUp(acct, 1);
    topUp(other, 1);
    String otherToken =
        tenant(other)
            .describeBillingRecords(
                DescribeBillingRecordsRequest.newBuilder().setPageSize(1).build())
            .getNextPageToken();
    String instancesToken;
    server.createPostpaid(acct, SMALL, 2);
    instancesToken =
        tenant(acct).describeInstances(query().setPageSize(1).build()).getNextPageToken();
    assertThat(otherToken).isNotEmpty();

    for (String bad : List.of("nope", "%%%", otherToken, instancesToken)) {
      invalidArgument(
          "INVALID_PAGE_TOKEN",
          "page_token",
          () ->
              tenant(acct)
                  .describeBillingRecords(
                      DescribeBillingRecordsRequest.newBuilder().setPageToken(bad).build()));
    }
    invalidArgument(
        "INVALID_PAGE_SIZE",
        "page_size",
        () ->
            tenant(acct)
                .describeBillingRecords(
                    DescribeBillingRecordsRequest.newBuilder().setPageSize(-5).build()));
  }

  // ---------------------------------------------------------------- DescribePrices

  @Test
  void describesTheDefaultCatalog() {
    TestAccount acct = account(0);

    DescribePricesResponse prices =
        tenant(acct).describePrices(DescribePricesRequest.getDefaultInstance());

    assertThat(prices.getInstanceTypesList())
        .extracting(InstanceTypePrice::getInstanceType)
        .containsExactlyInAnyOrder(SMALL, MEDIUM, LARGE);
    assertThat(prices.getInstanceTypesList())
        .allSatisfy(
            p -> {
              long expected =
                  switch (p.getInstanceType()) {
                    case SMALL -> 5000;
                    case MEDIUM -> 10000;
                    case LARGE -> 20000;
                    default -> throw new AssertionError(p.getInstanceType());
                  };
              assertThat(fen(p.getMonthlyPrice())).isEqualTo(expected);
            });
    assertThat(prices.getBandwidthMonthlyPricePerMbps())
        .isEqualTo(com.google.type.Money.newBuilder().setCurrencyCode("CNY").setUnits(10).build());
  }

  // ---------------------------------------------------------------- ListEvents

  @Test
  void eventsPageByAfterEventIdAndAreScopedToTheAccount() {
    TestAccount acct = account(RICH);
    TestAccount other = account(RICH);
    List<Instance> mine = server.createPrepaid(acct, SMALL, 1, 3, t("2027-02-10T04:00:00Z"));
    Instance theirs = prepaid(other, SMALL, 1, "2027-02-10T04:00:00Z");
    // Interleave the two accounts' events.
    renew(acct, mine.get(0));
    renew(other, theirs);
    renew(acct, mine.get(1));
    renew(other, theirs);
    renew(acct, mine.get(2));
    tenant(acct)
        .setAutoRenew(
            SetAutoRenewRequest.newBuilder()
                .addInstanceIds(mine.get(0).getInstanceId())
                .setRenewFlag(RenewFlag.NOTIFY_AND_AUTO_RENEW)
                .build());

    List<Event> all =
        tenant(acct).listEvents(ListEventsRequest.getDefaultInstance()).getEventsList();

    assertThat(all)
        .extracting(Event::getType)
        .containsExactly(
            Event.Type.RENEWED,
            Event.Type.RENEWED,
            Event.Type.RENEWED,
            Event.Type.RENEW_FLAG_CHANGED);
    assertThat(all)
        .extracting(Event::getInstanceId)
        .containsExactly(
            mine.get(0).getInstanceId(),
            mine.get(1).getInstanceId(),
            mine.get(2).getInstanceId(),
            mine.get(0).getInstanceId());
    assertThat(all).allSatisfy(e -> assertThat(e.getAccountId()).isEqualTo(acct.accountId()));
    assertThat(all).extracting(Event::getEventId).isSorted().doesNotHaveDuplicates();

    // Pages of 3 after each last id.
    List<Event> page1 =
        tenant(acct)
            .listEvents(ListEventsRequest.newBuilder().setPageSize(3).build())
            .getEventsList();
    List<Event> page2 =
        tenant(acct)
            .listEvents(
                ListEventsRequest.newBuilder()
                    .setPageSize(3)
                    .setAfterEventId(page1.get(2).getEventId())
                    .build())
            .getEventsList();
    List<Event> page3 =
        tenant(acct)
            .listEvents(
                ListEventsRequest.newBuilder()
                    .setPageSize(3)
                    .setAfterEventId(page2.get(0).getEventId())
                    .build())
            .getEventsList();
    assertThat(page1).containsExactlyElementsOf(all.subList(0, 3));
    assertThat(page2).containsExactly(all.get(3));
    assertThat(page3).isEmpty();

    // The other account's events, even with an id from the middle of ours, stay theirs.
    List<Event> theirEvents =
        tenant(other).listEvents(ListEventsRequest.getDefaultInstance()).getEventsList();
    assertThat(theirEvents)
        .hasSize(2)
        .allSatisfy(e -> assertThat(e.getInstanceId()).isEqualTo(theirs.getInstanceId()));
    assertThat(
            tenant(acct)
                .listEvents(
                    ListEventsRequest.newBuilder()
                        .setAfterEventId(theirEvents.get(0).getEventId())
                        .build())
                .getEventsList())
        .extracting(Event::getAccountId)
        .containsOnly(acct.accountId());
  }

  @Test
  void eventsDefaultPageSizeIsTwentyAndLargerIsClamped() {
    TestAccount acct = account(RICH);
    List<Instance> many = server.createPrepaid(acct, SMALL, 0, 60, t("2027-02-10T04:00:00Z"));
    tenant(acct)
        .renewInstances(
            RenewInstancesRequest.newBuilder()
                .addAllInstanceIds(ids(many))
                .setPeriodMonths(1)
                .build());
    tenant(acct)
        .renewInstances(
            RenewInstancesRequest.newBuilder()
                .addAllInstanceIds(ids(many))
                .setPeriodMonths(1)
                .build());

    assertThat(tenant(acct).listEvents(ListEventsRequest.getDefaultInstance()).getEventsCount())
        .isEqualTo(20);
    assertThat(
            tenant(acct)
                .listEvents(ListEventsRequest.newBuilder().setPageSize(500).build())
                .getEventsCount())
        .isEqualTo(100);
    invalidArgument(
        "INVALID_PAGE_SIZE",
        "page_size",
        () -> tenant(acct).listEvents(ListEventsRequest.newBuilder().setPageSize(-1).build()));
  }

  @Test
  void negativeAfterEventIdIsRejected() {
    TestAccount acct = account(RICH);
    assertError(
        io.grpc.Status.Code.INVALID_ARGUMENT,
        "INVALID_EVENT_ID",
        () -> tenant(acct).listEvents(ListEventsRequest.newBuilder().setAfterEventId(-1).build()));
  }

  @Test
  void aNewAccountHasNoEvents() {
    TestAccount acct = account(RICH);
    assertThat(tenant(acct).listEvents(ListEventsRequest.getDefaultInstance()).getEventsList())
        .isEmpty();
  }

  // ---------------------------------------------------------------- helpers

  void topUp(TestAccount acct, long fen) {
    server
        .admin()
        .topUpBalance(
            TopUpBalanceRequest.newBuilder()
                .setAccountId(acct.accountId())
                .setAmount(TestServer.money(fen))
                .build());
  }

  void renew(TestAccount acct, Instance instance) {
    tenant(acct)
        .renewInstances(
            RenewInstancesRequest.newBuilder()
                .addInstanceIds(instance.getInstanceId())
                .setPeriodMonths(1)
                .build());
  }
}
