package com.cvmbilling.renewal.server.persistence;

import static com.cvmbilling.renewal.server.domain.ChargeType.POSTPAID_BY_HOUR;
import static com.cvmbilling.renewal.server.domain.ChargeType.PREPAID;
import static com.cvmbilling.renewal.server.domain.InstanceState.ISOLATED;
import static com.cvmbilling.renewal.server.domain.InstanceState.RELEASED;
import static com.cvmbilling.renewal.server.domain.InstanceState.RUNNING;
import static com.cvmbilling.renewal.server.domain.RenewFlag.DISABLE_NOTIFY_AND_MANUAL_RENEW;
import static com.cvmbilling.renewal.server.domain.RenewFlag.NOTIFY_AND_AUTO_RENEW;
import static com.cvmbilling.renewal.server.domain.RenewFlag.NOTIFY_AND_MANUAL_RENEW;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.cvmbilling.renewal.server.domain.ChargeType;
import com.cvmbilling.renewal.server.domain.Instance;
import com.cvmbilling.renewal.server.domain.InstanceState;
import com.cvmbilling.renewal.server.domain.RenewFlag;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class InstanceMapperTest extends RepositoryTestBase {
  private static final Instant CREATED = Instant.parse("2026-01-31T16:00:00.250Z");
  private static final Instant T1 = Instant.parse("2026-03-31T16:00:00.250Z");
  private static final Instant T2 = Instant.parse("2026-04-30T16:00:00.250Z");
  private static final Instant T3 = Instant.parse("2026-05-31T16:00:00.250Z");

  // Account acc-1, inserted out of id order on purpose.
  private static final Instance RUN_MANUAL =
      prepaid("ins-a0000001", "acc-1", RUNNING, T1, NOTIFY_AND_MANUAL_RENEW);
  private static final Instance RUN_AUTO =
      prepaid("ins-a0000002", "acc-1", RUNNING, T2, NOTIFY_AND_AUTO_RENEW);
  private static final Instance ISOLATED_MANUAL =
      isolated(
          prepaid(
              "ins-a0000003", "acc-1", ISOLATED, CREATED.plusSeconds(1), NOTIFY_AND_MANUAL_RENEW));
  private static final Instance RELEASED_DISABLED =
      prepaid("ins-a0000004", "acc-1", RELEASED, T1, DISABLE_NOTIFY_AND_MANUAL_RENEW);
  private static final Instance POSTPAID_RUNNING = postpaid("ins-a0000005", "acc-1", RUNNING);
  private static final Instance RUN_AUTO_LATE =
      prepaid("ins-a0000006", "acc-1", RUNNING, T3, NOTIFY_AND_AUTO_RENEW);
  private static final Instance POSTPAID_RELEASED = postpaid("ins-a0000007", "acc-1", RELEASED);
  private static final List<Instance> ACC1 =
      List.of(
          RUN_MANUAL,
          RUN_AUTO,
          ISOLATED_MANUAL,
          RELEASED_DISABLED,
          POSTPAID_RUNNING,
          RUN_AUTO_LATE,
          POSTPAID_RELEASED);

  // Account acc-2: ids sort before, between and after acc-1's.
  private static final Instance OTHER_FIRST =
      prepaid("ins-a0000000", "acc-2", RUNNING, T1, NOTIFY_AND_AUTO_RENEW);
  private static final Instance OTHER_MIDDLE =
      prepaid("ins-a0000003x", "acc-2", RUNNING, T1, NOTIFY_AND_AUTO_RENEW);
  private static final Instance OTHER_LAST = postpaid("ins-a0000009", "acc-2", RUNNING);

  private static Instance prepaid(
      String id, String account, InstanceState state, Instant expired, RenewFlag flag) {
    return new Instance(
        id, account, "S5.SMALL2", PREPAID, state, CREATED, expired, 31, null, null, flag, 1, 5, 1);
  }

  private static Instance postpaid(String id, String account, InstanceState state) {
    return new Instance(
        id,
        account,
        "S5.MEDIUM4",
        POSTPAID_BY_HOUR,
        state,
        CREATED,
        null,
        null,
        null,
        state == RELEASED ? CREATED.plusSeconds(60) : null,
        NOTIFY_AND_MANUAL_RENEW,
        1,
        1,
        1);
  }

  private static Instance isolated(Instance i) {
    return withState(i, ISOLATED, i.expiredTime(), i.version());
  }

  private static Instance withState(
      Instance i, InstanceState state, Instant expired, long version) {
    return new Instance(
        i.instanceId(),
        i.accountId(),
        i.instanceType(),
        i.chargeType(),
        state,
        i.createdTime(),
        expired,
        i.expiryAnchorDay(),
        state == ISOLATED ? expired : null,
        null,
        i.renewFlag(),
        i.autoRenewPeriodMonths(),
        i.bandwidthMbps(),
        version);
  }

  private void insertAll() {
    InstanceMapper instances = mapper(InstanceMapper.class);
    List<Instance> all = new ArrayList<>(ACC1);
    all.add(2, OTHER_LAST);
    all.add(0, OTHER_MIDDLE);
    all.add(OTHER_FIRST);
    java.util.Collections.reverse(all);
    inTx(() -> all.forEach(instances::insert));
  }

  private List<Instance> search(
      List<String> ids,
      List<InstanceState> states,
      ChargeType chargeType,
      RenewFlag flag,
      Instant before) {
    InstanceQuery q = new InstanceQuery("acc-1", ids, states, chargeType, flag, before, null, 100);
    return inTx(() -> mapper(InstanceMapper.class).search(q));
  }

  @Test
  void findByIdsReturnsTheAccountsRowsInIdOrder() {
    insertAll();
    InstanceMapper instances = mapper(InstanceMapper.class);
    List<String> ids =
        List.of(
            "ins-a0000006",
            "ins-a0000001",
            OTHER_FIRST.instanceId(),
            "ins-a0000003",
            "ins-nothere",
            OTHER_MIDDLE.instanceId());

    assertThat(inTx(() -> instances.findByIds("acc-1", ids)))
        .containsExactly(RUN_MANUAL, ISOLATED_MANUAL, RUN_AUTO_LATE);
    assertThat(inTx(() -> instances.findByIds("acc-2", ids)))
        .containsExactly(OTHER_FIRST, OTHER_MIDDLE);
    assertThat(inTx(() -> instances.findByIds("acc-3", ids))).isEmpty();
  }

  @Test
  void findByIdsForUpdateIsScopedAndOrderedToo() {
    insertAll();
    InstanceMapper instances = mapper(InstanceMapper.class);
    List<String> ids = List.of("ins-a0000005", OTHER_LAST.instanceId(), "ins-a0000002");

    assertThat(inTx(() -> instances.findByIdsForUpdate("acc-1", ids)))
        .containsExactly(RUN_AUTO, POSTPAID_RUNNING);
    assertThat(inTx(() -> instances.findByIdsForUpdate("acc-2", ids))).containsExactly(OTHER_LAST);
  }

  @Test
  void existsSeesEveryAccount() {
    insertAll();
    InstanceMapper instances = mapper(InstanceMapper.class);

    assertThat(inTx(() -> instances.exists("ins-a0000001"))).isTrue();
    assertThat(inTx(() -> instances.exists(OTHER_LAST.instanceId()))).isTrue();
    assertThat(inTx(() -> instances.exists("ins-zzzzzzzz"))).isFalse();
  }

  @Test
  void duplicateInstanceIdIsADuplicateKey() {
    insertAll();
    InstanceMapper instances = mapper(InstanceMapper.class);
    Instance clash = prepaid(RUN_MANUAL.instanceId(), "acc-2", RUNNING, T3, NOTIFY_AND_AUTO_RENEW);

    assertThatThrownBy(() -> inTx(() -> instances.insert(clash)))
        .matches(Transactions::isDuplicateKey, "is a duplicate key");
    assertThat(inTx(() -> instances.findByIds("acc-1", List.of(RUN_MANUAL.instanceId()))))
        .containsExactly(RUN_MANUAL);
  }

  @Test
  void updateSucceedsOnlyFromThePreviousVersion() {
    insertAll();
    InstanceMapper instances = mapper(InstanceMapper.class);
    Instance renewed =
        new Instance(
            RUN_MANUAL.instanceId(),
            RUN_MANUAL.accountId(),
            RUN_MANUAL.instanceType(),
            PREPAID,
            RUNNING,
            CREATED,
            T3,
            30,
            null,
            null,
            NOTIFY_AND_AUTO_RENEW,
            12,
            100,
            2);

    assertThat(inTx(() -> instances.update(renewed))).isEqualTo(1);
    assertThat(inTx(() -> instances.findByIds("acc-1", List.of(renewed.instanceId()))))
        .containsExactly(renewed);

    // A writer that also read version 1 now loses: nothing changes.
    Instance stale = withState(RUN_MANUAL, ISOLATED, T1, 2);
    assertThat(inTx(() -> instances.update(stale))).isZero();
    // Skipping a version does not work either.
    Instance skipping = withState(RUN_MANUAL, ISOLATED, T1, 4);
    assertThat(inTx(() -> instances.update(skipping))).isZero();
    assertThat(inTx(() -> instances.findByIds("acc-1", List.of(renewed.instanceId()))))
        .containsExactly(renewed);

    Instance next = withState(renewed, ISOLATED, T3, 3);
    assertThat(inTx(() -> instances.update(next))).isEqualTo(1);
    assertThat(inTx(() -> instances.findByIds("acc-1", List.of(renewed.instanceId()))))
        .containsExactly(next);
    // Other rows are untouched.
    assertThat(inTx(() -> instances.findByIds("acc-1", List.of(RUN_AUTO.instanceId()))))
        .containsExactly(RUN_AUTO);
  }

  @Test
  void updateLeavesImmutableColumnsAlone() {
    insertAll();
    InstanceMapper instances = mapper(InstanceMapper.class);
    Instance tampered =
        new Instance(
            RUN_MANUAL.instanceId(),
            "acc-2",
            "S5.LARGE8",
            POSTPAID_BY_HOUR,
            RUNNING,
            Instant.EPOCH,
            T2,
            30,
            null,
            null,
            NOTIFY_AND_MANUAL_RENEW,
            1,
            5,
            2);

    assertThat(inTx(() -> instances.update(tampered))).isEqualTo(1);

    Instance read =
        inTx(() -> instances.findByIds("acc-1", List.of(RUN_MANUAL.instanceId()))).get(0);
    assertThat(read.accountId()).isEqualTo("acc-1");
    assertThat(read.instanceType()).isEqualTo("S5.SMALL2");
    assertThat(read.chargeType()).isEqualTo(PREPAID);
    assertThat(read.createdTime()).isEqualTo(CREATED);
    assertThat(read.expiredTime()).isEqualTo(T2);
    assertThat(read.version()).isEqualTo(2);
  }

  @Test
  void searchWithoutFiltersListsOnlyTheAccountInIdOrder() {
    insertAll();

    assertThat(search(null, null, null, null, null)).containsExactlyElementsOf(ACC1);
    assertThat(search(List.of(), List.of(), null, null, null)).containsExactlyElementsOf(ACC1);
  }

  @Test
  void searchByIds() {
    insertAll();

    assertThat(
            search(
                List.of("ins-a0000007", "ins-a0000002", OTHER_FIRST.instanceId(), "ins-zzzzzzzz"),
                null,
                null,
                null,
                null))
        .containsExactly(RUN_AUTO, POSTPAID_RELEASED);
  }

  @Test
  void searchByStates() {
    insertAll();

    assertThat(search(null, List.of(ISOLATED, RELEASED), null, null, null))
        .containsExactly(ISOLATED_MANUAL, RELEASED_DISABLED, POSTPAID_RELEASED);
    assertThat(search(null, List.of(RUNNING), null, null, null))
        .containsExactly(RUN_MANUAL, RUN_AUTO, POSTPAID_RUNNING, RUN_AUTO_LATE);
  }

  @Test
  void searchByChargeType() {
    insertAll();

    assertThat(search(null, null, POSTPAID_BY_HOUR, null, null))
        .containsExactly(POSTPAID_RUNNING, POSTPAID_RELEASED);
    assertThat(search(null, null, PREPAID, null, null))
        .containsExactly(RUN_MANUAL, RUN_AUTO, ISOLATED_MANUAL, RELEASED_DISABLED, RUN_AUTO_LATE);
  }

  @Test
  void searchByRenewFlag() {
    insertAll();

    assertThat(search(null, null, null, NOTIFY_AND_AUTO_RENEW, null))
        .containsExactly(RUN_AUTO, RUN_AUTO_LATE);
    assertThat(search(null, null, null, DISABLE_NOTIFY_AND_MANUAL_RENEW, null))
        .containsExactly(RELEASED_DISABLED);
  }

  @Test
  void searchByExpiringBeforeIsStrictAndSkipsInstancesWithoutExpiry() {
    insertAll();

    // T2 itself is not "before T2".
    assertThat(search(null, null, null, null, T2))
        .containsExactly(RUN_MANUAL, ISOLATED_MANUAL, RELEASED_DISABLED);
    assertThat(search(null, null, null, null, T2.plusMillis(1)))
        .containsExactly(RUN_MANUAL, RUN_AUTO, ISOLATED_MANUAL, RELEASED_DISABLED);
    assertThat(search(null, null, null, null, CREATED.plusSeconds(1))).isEmpty();
  }

  @Test
  void searchCombinesFilters() {
    insertAll();

    assertThat(search(null, List.of(RUNNING), PREPAID, NOTIFY_AND_AUTO_RENEW, T3))
        .containsExactly(RUN_AUTO);
    assertThat(
            search(
                List.of("ins-a0000001", "ins-a0000006"),
                List.of(RUNNING),
                null,
                NOTIFY_AND_AUTO_RENEW,
                null))
        .containsExactly(RUN_AUTO_LATE);
  }

  @Test
  void keysetPagingVisitsEveryRowOnce() {
    insertAll();
    InstanceMapper instances = mapper(InstanceMapper.class);

    for (int limit = 1; limit <= 8; limit++) {
      List<Instance> seen = new ArrayList<>();
      List<Integer> pageSizes = new ArrayList<>();
      String after = null;
      for (int guard = 0; guard < 20; guard++) {
        InstanceQuery q = new InstanceQuery("acc-1", null, null, null, null, null, after, limit);
        List<Instance> page = inTx(() -> instances.search(q));
        assertThat(page.size()).isLessThanOrEqualTo(limit);
        pageSizes.add(page.size());
        if (page.isEmpty()) {
          break;
        }
        seen.addAll(page);
        after = page.get(page.size() - 1).instanceId();
      }
      assertThat(seen).as("limit %d", limit).containsExactlyElementsOf(ACC1);
      assertThat(pageSizes.get(0)).isEqualTo(Math.min(limit, ACC1.size()));
    }
  }

  @Test
  void keysetPagingWithAFilter() {
    insertAll();
    InstanceMapper instances = mapper(InstanceMapper.class);
    List<InstanceState> running = List.of(RUNNING);

    List<Instance> first =
        inTx(
            () ->
                instances.search(
                    new InstanceQuery("acc-1", null, running, null, null, null, null, 3)));
    assertThat(first).containsExactly(RUN_MANUAL, RUN_AUTO, POSTPAID_RUNNING);
    List<Instance> second =
        inTx(
            () ->
                instances.search(
                    new InstanceQuery(
                        "acc-1", null, running, null, null, null, "ins-a0000005", 3)));
    assertThat(second).containsExactly(RUN_AUTO_LATE);
    // A cursor that is not an existing id still works: it is just a position.
    List<Instance> fromGap =
        inTx(
            () ->
                instances.search(
                    new InstanceQuery("acc-1", null, null, null, null, null, "ins-a0000003a", 2)));
    assertThat(fromGap).containsExactly(RELEASED_DISABLED, POSTPAID_RUNNING);
  }

  @Test
  void searchScopesToTheAccountEvenWhenAskedForItsIds() {
    insertAll();
    InstanceMapper instances = mapper(InstanceMapper.class);

    List<Instance> acc2 =
        inTx(
            () ->
                instances.search(
                    new InstanceQuery(
                        "acc-2",
                        List.of(RUN_MANUAL.instanceId(), OTHER_LAST.instanceId()),
                        null,
                        null,
                        null,
                        null,
                        null,
                        10)));
    assertThat(acc2).containsExactly(OTHER_LAST);
    List<Instance> allAcc2 =
        inTx(
            () ->
                instances.search(
                    new InstanceQuery("acc-2", null, null, null, null, null, null, 10)));
    assertThat(allAcc2).containsExactly(OTHER_FIRST, OTHER_MIDDLE, OTHER_LAST);
  }
}
