package com.cvmbilling.renewal.server.persistence;

import static com.cvmbilling.renewal.server.domain.ChargeType.POSTPAID_BY_HOUR;
import static com.cvmbilling.renewal.server.domain.ChargeType.PREPAID;
import static com.cvmbilling.renewal.server.domain.InstanceState.ISOLATED;
import static com.cvmbilling.renewal.server.domain.InstanceState.RELEASED;
import static com.cvmbilling.renewal.server.domain.InstanceState.RUNNING;
import static com.cvmbilling.renewal.server.domain.RenewFlag.NOTIFY_AND_AUTO_RENEW;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.cvmbilling.renewal.server.domain.ChargeType;
import com.cvmbilling.renewal.server.domain.Instance;
import com.cvmbilling.renewal.server.domain.InstanceState;
import com.cvmbilling.renewal.server.error.ApiException;
import com.cvmbilling.renewal.server.testing.TestDatabases;
import com.cvmbilling.renewal.v1.ErrorReason;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The instance store's lifecycle queue and its version-checked writes. */
class InstanceStoreTest extends RepositoryTestBase {
  private static final Instant CREATED = Instant.parse("2026-01-31T16:00:00.250Z");
  private static final Instant EXPIRY = Instant.parse("2026-03-31T16:00:00.250Z");
  private static final Instant NOW = Instant.parse("2026-03-01T00:00:00Z");

  private static Instance instance(String id, ChargeType chargeType, InstanceState state) {
    return new Instance(
        id,
        "acc-1",
        "S5.SMALL2",
        chargeType,
        state,
        CREATED,
        chargeType == PREPAID ? EXPIRY : null,
        chargeType == PREPAID ? 31 : null,
        null,
        state == RELEASED ? CREATED : null,
        NOTIFY_AND_AUTO_RENEW,
        3,
        5,
        1);
  }

  private InstanceStore store() {
    return mapper(InstanceStore.class);
  }

  private void insert(Instance... instances) {
    inTx(() -> List.of(instances).forEach(store()::insert));
  }

  @Test
  void claimDueMapsEveryDueRowWithItsSchedule() {
    // Three rows with identical schedule columns (due now, no reminder yet): three claims.
    Instance a = instance("ins-a0000001", PREPAID, RUNNING);
    Instance b = instance("ins-a0000002", PREPAID, RUNNING);
    Instance c = instance("ins-a0000003", PREPAID, ISOLATED);
    insert(c, a, b, instance("ins-a0000004", PREPAID, RELEASED));
    insert(instance("ins-a0000005", POSTPAID_BY_HOUR, RUNNING));

    List<DueInstance> due = inTx(() -> store().claimDue(NOW, 10));

    assertThat(due).extracting(DueInstance::instance).containsExactlyInAnyOrder(a, b, c);
    assertThat(due)
        .allSatisfy(
            d -> {
              assertThat(d.instanceId()).isEqualTo(d.instance().instanceId());
              assertThat(d.accountId()).isEqualTo("acc-1");
              assertThat(d.nextDue()).isEqualTo(Instant.EPOCH);
              assertThat(d.remindedExpiry()).isNull();
              assertThat(d.remindedDaysBefore()).isNull();
            });
    assertThat(inTx(() -> store().claimDue(NOW, 2))).hasSize(2);
  }

  @Test
  void applyStepWritesTheScheduleFromThePreviousVersionOnly() {
    Instance a = instance("ins-a0000001", PREPAID, RUNNING);
    insert(a);
    Instance isolated = a.change().state(ISOLATED).isolatedTime(EXPIRY).build();
    Instant next = EXPIRY.plusSeconds(3600);

    assertThat(inTx(() -> store().applyStep(isolated, next, EXPIRY, 7))).isEqualTo(1);
    // The same version again: the row has moved on.
    assertThat(inTx(() -> store().applyStep(isolated, next, EXPIRY, 7))).isZero();

    assertThat(inTx(() -> store().claimDue(NOW, 10))).isEmpty();
    assertThat(inTx(() -> store().earliestDue())).isEqualTo(next);
    assertThat(inTx(() -> store().earliestScheduledDue())).isEqualTo(next);
    DueInstance claimed = inTx(() -> store().claimOne(a.instanceId(), next));
    assertThat(claimed.instance()).isEqualTo(isolated);
    assertThat(claimed.nextDue()).isEqualTo(next);
    assertThat(claimed.remindedExpiry()).isEqualTo(EXPIRY);
    assertThat(claimed.remindedDaysBefore()).isEqualTo(7);
    assertThat(inTx(() -> store().claimOne(a.instanceId(), next.minusMillis(1)))).isNull();
  }

  @Test
  void aPendingStepForAMissingInstanceIsReported() {
    Instance a = instance("ins-a0000001", PREPAID, RUNNING);
    insert(a);
    Instance isolatedA = a.change().state(ISOLATED).isolatedTime(EXPIRY).build();
    Instance missing = instance("ins-a0000009", PREPAID, RUNNING).change().state(ISOLATED).build();

    List<String> unchanged =
        inTx(
            () -> {
              InstanceStore.PendingSteps steps = store().pendingSteps();
              steps.add(isolatedA, null, null, null);
              steps.add(missing, null, null, null);
              return steps.write();
            });

    // The lifecycle job rolls its batch back on any reported id (LifecycleService.Writes).
    assertThat(unchanged).contains(missing.instanceId());
  }

  @Test
  void pendingStepsAreWrittenTogetherAndReportRowsThatDidNotChange() {
    Instance a = instance("ins-a0000001", PREPAID, RUNNING);
    Instance b = instance("ins-a0000002", PREPAID, RUNNING);
    Instance c = instance("ins-a0000003", PREPAID, RUNNING);
    insert(a, b, c);
    Instance isolatedA = a.change().state(ISOLATED).isolatedTime(EXPIRY).build();
    Instance isolatedC = c.change().state(ISOLATED).isolatedTime(EXPIRY).build();
    // b's step is stale: written from a version the row does not have.
    Instance staleB = b.change().build().change().state(ISOLATED).build();
    Instant next = EXPIRY.plusSeconds(3600);

    List<String> unchanged =
        inTx(
            () -> {
              InstanceStore.PendingSteps steps = store().pendingSteps();
              steps.add(isolatedA, next, EXPIRY, 7);
              steps.add(staleB, next, EXPIRY, 7);
              steps.add(isolatedC, null, null, null);
              List<String> first = steps.write();
              // Written steps are forgotten: a second write sends nothing.
              assertThat(steps.write()).isEmpty();
              return first;
            });

    if (kind == TestDatabases.Kind.H2) {
      assertThat(unchanged).containsExactly(b.instanceId());
    } else {
      // One statement (MariaDB) cannot tell which row stayed: it names every step it carried.
      assertThat(unchanged).containsExactly(a.instanceId(), b.instanceId(), c.instanceId());
    }
    assertThat(
            inTx(
                () ->
                    store()
                        .findByIds(
                            "acc-1", List.of(a.instanceId(), b.instanceId(), c.instanceId()))))
        .containsExactly(isolatedA, b, isolatedC);
    DueInstance claimedA = inTx(() -> store().claimOne(a.instanceId(), next));
    assertThat(claimedA.remindedExpiry()).isEqualTo(EXPIRY);
    assertThat(claimedA.remindedDaysBefore()).isEqualTo(7);
    assertThat(inTx(() -> store().claimOne(c.instanceId(), NOW.plusSeconds(10L * 365 * 86_400))))
        .as("no next due: nothing scheduled")
        .isNull();
  }

  @Test
  void saveRenewalsChecksEveryVersion() {
    Instance a = instance("ins-a0000001", PREPAID, RUNNING);
    Instance b = instance("ins-a0000002", PREPAID, ISOLATED);
    insert(a, b);
    Instance renewedA = a.change().expiredTime(EXPIRY.plusSeconds(86_400)).build();
    Instance renewedB = b.change().state(RUNNING).expiredTime(EXPIRY.plusSeconds(86_400)).build();

    inTx(() -> store().saveRenewals(List.of(renewedA, renewedB)));
    assertThat(inTx(() -> store().findByIds("acc-1", List.of(a.instanceId(), b.instanceId()))))
        .containsExactly(renewedA, renewedB);

    // Stale versions: nothing is written, and the caller learns why.
    for (List<Instance> stale : List.of(List.of(renewedA), List.of(renewedA, renewedB))) {
      assertThatThrownBy(() -> inTx(() -> store().saveRenewals(stale)))
          .isInstanceOfSatisfying(
              ApiException.class,
              e -> assertThat(e.reason()).isEqualTo(ErrorReason.CONCURRENT_MODIFICATION));
    }
  }

  @Test
  void accountStoreLooksUpAndLocksInOnePlace() {
    insertAccount("acc-2", 5);
    insertAccount("acc-1", 7);
    AccountStore accounts = mapper(AccountStore.class);

    assertThat(inTx(() -> accounts.require("acc-1")).balanceFen()).isEqualTo(7);
    assertThat(inTx(() -> accounts.lockAll(List.of("acc-2", "acc-9", "acc-1"))))
        .extracting(a -> a.accountId())
        .containsExactly("acc-1", "acc-2");
    for (Runnable missing :
        List.<Runnable>of(
            () -> accounts.require("acc-9"),
            () -> accounts.lock("acc-9"),
            () -> accounts.credit("acc-9", 1))) {
      assertThatThrownBy(() -> inTx(missing))
          .isInstanceOfSatisfying(
              ApiException.class,
              e -> assertThat(e.reason()).isEqualTo(ErrorReason.ACCOUNT_NOT_FOUND));
    }
  }
}
