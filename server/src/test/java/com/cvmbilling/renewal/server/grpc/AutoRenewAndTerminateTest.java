package com.cvmbilling.renewal.server.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import com.cvmbilling.renewal.server.testing.TestServer.TestAccount;
import com.cvmbilling.renewal.v1.Event;
import com.cvmbilling.renewal.v1.Instance;
import com.cvmbilling.renewal.v1.RenewFlag;
import com.cvmbilling.renewal.v1.SetAutoRenewRequest;
import com.cvmbilling.renewal.v1.SetAutoRenewResponse;
import com.cvmbilling.renewal.v1.TerminateInstancesRequest;
import com.cvmbilling.renewal.v1.TerminateInstancesResponse;
import com.google.rpc.ErrorInfo;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/** SetAutoRenew and TerminateInstances (SPEC 3, 4, 9). */
abstract class AutoRenewAndTerminateTest extends ServiceTestBase {

  static SetAutoRenewRequest.Builder setFlag(RenewFlag flag, int months, String... ids) {
    return SetAutoRenewRequest.newBuilder()
        .addAllInstanceIds(List.of(ids))
        .setRenewFlag(flag)
        .setAutoRenewPeriodMonths(months);
  }

  static TerminateInstancesRequest terminate(String... ids) {
    return TerminateInstancesRequest.newBuilder().addAllInstanceIds(List.of(ids)).build();
  }

  // ---------------------------------------------------------------- SetAutoRenew

  @Test
  void newInstancesDefaultToManualRenewWithOneMonth() {
    TestAccount acct = account(RICH);
    Instance a = prepaid(acct, SMALL, 1, "2027-02-10T04:00:00Z");
    Instance now = describe(acct, a.getInstanceId());
    assertThat(now.getRenewFlag()).isEqualTo(RenewFlag.NOTIFY_AND_MANUAL_RENEW);
    assertThat(now.getAutoRenewPeriodMonths()).isEqualTo(1);
  }

  @Test
  void setsFlagAndPeriodAndWritesAnEventPerInstance() {
    TestAccount acct = account(RICH);
    Instance a = prepaid(acct, SMALL, 1, "2027-02-10T04:00:00Z");
    Instance b = prepaid(acct, MEDIUM, 1, "2027-03-10T04:00:00Z");
    int eventsBefore = events(acct).size();
    long balanceBefore = balance(acct);

    SetAutoRenewResponse r =
        tenant(acct)
            .setAutoRenew(
                setFlag(RenewFlag.NOTIFY_AND_AUTO_RENEW, 3, b.getInstanceId(), a.getInstanceId())
                    .build());

    assertThat(r.getInstancesList())
        .extracting(Instance::getInstanceId)
        .containsExactly(b.getInstanceId(), a.getInstanceId());
    assertThat(r.getInstancesList())
        .allSatisfy(
            i -> {
              assertThat(i.getRenewFlag()).isEqualTo(RenewFlag.NOTIFY_AND_AUTO_RENEW);
              assertThat(i.getAutoRenewPeriodMonths()).isEqualTo(3);
            });
    for (Instance i : List.of(a, b)) {
      Instance now = describe(acct, i.getInstanceId());
      assertThat(now.getRenewFlag()).isEqualTo(RenewFlag.NOTIFY_AND_AUTO_RENEW);
      assertThat(now.getAutoRenewPeriodMonths()).isEqualTo(3);
      assertThat(now.getExpiredTime()).isEqualTo(i.getExpiredTime());
    }
    List<Event> events = events(acct);
    List<Event> added = events.subList(eventsBefore, events.size());
    assertThat(added)
        .hasSize(2)
        .allSatisfy(
            e -> {
              assertThat(e.getType()).isEqualTo(Event.Type.RENEW_FLAG_CHANGED);
              assertThat(e.getOrderId()).isEmpty();
              assertThat(instant(e.getOccurredTime())).isEqualTo(NOW);
            });
    assertThat(added)
        .extracting(Event::getInstanceId)
        .containsExactlyInAnyOrder(a.getInstanceId(), b.getInstanceId());
    assertThat(balance(acct)).as("setting flags is free").isEqualTo(balanceBefore);
  }

  @Test
  void periodZeroKeepsEachInstancesPeriod() {
    TestAccount acct = account(RICH);
    Instance a = prepaid(acct, SMALL, 1, "2027-02-10T04:00:00Z");
    Instance b = prepaid(acct, SMALL, 1, "2027-02-10T04:00:00Z");
    tenant(acct)
        .setAutoRenew(setFlag(RenewFlag.NOTIFY_AND_AUTO_RENEW, 6, a.getInstanceId()).build());

    SetAutoRenewResponse r =
        tenant(acct)
            .setAutoRenew(
                setFlag(
                        RenewFlag.DISABLE_NOTIFY_AND_MANUAL_RENEW,
                        0,
                        a.getInstanceId(),
                        b.getInstanceId())
                    .build());

    assertThat(r.getInstances(0).getAutoRenewPeriodMonths()).isEqualTo(6);
    assertThat(r.getInstances(1).getAutoRenewPeriodMonths()).isEqualTo(1);
    assertThat(describe(acct, a.getInstanceId()).getAutoRenewPeriodMonths()).isEqualTo(6);
    assertThat(describe(acct, a.getInstanceId()).getRenewFlag())
        .isEqualTo(RenewFlag.DISABLE_NOTIFY_AND_MANUAL_RENEW);
    assertThat(describe(acct, b.getInstanceId()).getRenewFlag())
        .isEqualTo(RenewFlag.DISABLE_NOTIFY_AND_MANUAL_RENEW);
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 11, 12})
  void periodsOneToTwelveAreAllowed(int months) {
    TestAccount acct = account(RICH);
    Instance a = prepaid(acct, SMALL, 1, "2027-02-10T04:00:00Z");

    SetAutoRenewResponse r =
        tenant(acct)
            .setAutoRenew(
                setFlag(RenewFlag.NOTIFY_AND_AUTO_RENEW, months, a.getInstanceId()).build());

    assertThat(r.getInstances(0).getAutoRenewPeriodMonths()).isEqualTo(months);
    assertThat(describe(acct, a.getInstanceId()).getAutoRenewPeriodMonths()).isEqualTo(months);
  }

  @ParameterizedTest
  @EnumSource(
      value = RenewFlag.class,
      names = {
        "NOTIFY_AND_MANUAL_RENEW",
        "NOTIFY_AND_AUTO_RENEW",
        "DISABLE_NOTIFY_AND_MANUAL_RENEW"
      })
  void everyFlagCanBeSet(RenewFlag flag) {
    TestAccount acct = account(RICH);
    Instance a = prepaid(acct, SMALL, 1, "2027-02-10T04:00:00Z");

    tenant(acct).setAutoRenew(setFlag(flag, 2, a.getInstanceId()).build());

    assertThat(describe(acct, a.getInstanceId()).getRenewFlag()).isEqualTo(flag);
  }

  @Test
  void anIsolatedInstanceCanBeSetToAutoRenew() {
    TestAccount acct = account(RICH);
    Instance a = prepaid(acct, SMALL, 1, "2027-01-11T04:00:00Z");
    isolate(acct, a);

    SetAutoRenewResponse r =
        tenant(acct)
            .setAutoRenew(setFlag(RenewFlag.NOTIFY_AND_AUTO_RENEW, 1, a.getInstanceId()).build());

    assertThat(r.getInstances(0).getState()).isEqualTo(Instance.State.ISOLATED);
    assertThat(r.getInstances(0).getRenewFlag()).isEqualTo(RenewFlag.NOTIFY_AND_AUTO_RENEW);
  }

  @Test
  void settingTheSameValuesAgainWritesNoEvent() {
    TestAccount acct = account(RICH);
    Instance a = prepaid(acct, SMALL, 1, "2027-02-10T04:00:00Z");
    tenant(acct)
        .setAutoRenew(setFlag(RenewFlag.NOTIFY_AND_AUTO_RENEW, 2, a.getInstanceId()).build());
    Snapshot before = snapshot(acct);

    SetAutoRenewResponse r =
        tenant(acct)
            .setAutoRenew(setFlag(RenewFlag.NOTIFY_AND_AUTO_RENEW, 2, a.getInstanceId()).build());

    assertThat(r.getInstances(0).getRenewFlag()).isEqualTo(RenewFlag.NOTIFY_AND_AUTO_RENEW);
    assertThat(snapshot(acct)).isEqualTo(before);
  }

  @Test
  void setAutoRenewRepeatWithTheSameTokenReturnsTheFirstResponse() {
    TestAccount acct = account(RICH);
    Instance a = prepaid(acct, SMALL, 1, "2027-02-10T04:00:00Z");
    SetAutoRenewRequest request =
        setFlag(RenewFlag.NOTIFY_AND_AUTO_RENEW, 4, a.getInstanceId())
            .setClientToken("flag-1")
            .build();

    SetAutoRenewResponse first = tenant(acct).setAutoRenew(request);
    tenant(acct)
        .setAutoRenew(setFlag(RenewFlag.NOTIFY_AND_MANUAL_RENEW, 4, a.getInstanceId()).build());
    SetAutoRenewResponse again = tenant(acct).setAutoRenew(request);

    assertThat(again).isEqualTo(first);
    // The replay did not run again: the later change stands.
    assertThat(describe(acct, a.getInstanceId()).getRenewFlag())
        .isEqualTo(RenewFlag.NOTIFY_AND_MANUAL_RENEW);
    invalidArgument(
        "IDEMPOTENCY_KEY_REUSED",
        "client_token",
        () ->
            tenant(acct)
                .setAutoRenew(
                    setFlag(RenewFlag.NOTIFY_AND_AUTO_RENEW, 5, a.getInstanceId())
                        .setClientToken("flag-1")
                        .build()));
  }

  @Test
  void unspecifiedRenewFlagIsInvalid() {
    TestAccount acct = account(RICH);
    Instance a = prepaid(acct, SMALL, 1, "2027-02-10T04:00:00Z");
    Snapshot before = snapshot(acct);

    invalidArgument(
        "INVALID_RENEW_FLAG",
        "renew_flag",
        () ->
            tenant(acct)
                .setAutoRenew(
                    setFlag(RenewFlag.RENEW_FLAG_UNSPECIFIED, 1, a.getInstanceId()).build()));

    assertThat(snapshot(acct)).isEqualTo(before);
  }

  @Test
  void unknownRenewFlagNumberIsInvalid() {
    TestAccount acct = account(RICH);
    Instance a = prepaid(acct, SMALL, 1, "2027-02-10T04:00:00Z");
    Snapshot before = snapshot(acct);

    invalidArgument(
        "INVALID_RENEW_FLAG",
        "renew_flag",
        () ->
            tenant(acct)
                .setAutoRenew(
                    SetAutoRenewRequest.newBuilder()
                        .addInstanceIds(a.getInstanceId())
                        .setRenewFlagValue(99)
                        .setAutoRenewPeriodMonths(1)
                        .setClientToken("flag-99")
                        .build()));

    assertThat(snapshot(acct)).isEqualTo(before);
  }

  @ParameterizedTest
  @ValueSource(ints = {13, 24, 36, -1, Integer.MAX_VALUE})
  void invalidAutoRenewPeriod(int months) {
    TestAccount acct = account(RICH);
    Instance a = prepaid(acct, SMALL, 1, "2027-02-10T04:00:00Z");
    Snapshot before = snapshot(acct);

    ErrorInfo info =
        invalidArgument(
            "INVALID_PERIOD",
            "auto_renew_period_months",
            () ->
                tenant(acct)
                    .setAutoRenew(
                        setFlag(RenewFlag.NOTIFY_AND_AUTO_RENEW, months, a.getInstanceId())
                            .build()));

    assertThat(info.getMetadataMap())
        .containsEntry("autoRenewPeriodMonths", Integer.toString(months));
    assertThat(snapshot(acct)).isEqualTo(before);
  }

  @Test
  void postpaidIsNotPrepaidAndNothingInTheBatchChanges() {
    TestAccount acct = account(RICH);
    Instance a = prepaid(acct, SMALL, 1, "2027-02-10T04:00:00Z");
    Instance p = postpaid(acct);
    Snapshot before = snapshot(acct);

    ErrorInfo info =
        failedPrecondition(
            "NOT_PREPAID",
            () ->
                tenant(acct)
                    .setAutoRenew(
                        setFlag(
                                RenewFlag.NOTIFY_AND_AUTO_RENEW,
                                1,
                                a.getInstanceId(),
                                p.getInstanceId())
                            .build()));

    assertThat(metaList(info, "instanceIds")).containsExactly(p.getInstanceId());
    assertThat(snapshot(acct)).isEqualTo(before);
  }

  @Test
  void releasedInstanceCannotBeChanged() {
    TestAccount acct = account(RICH);
    Instance a = prepaid(acct, SMALL, 1, "2027-02-10T04:00:00Z");
    Instance gone = prepaid(acct, SMALL, 1, "2027-01-11T04:00:00Z");
    isolate(acct, gone);
    tenant(acct).terminateInstances(terminate(gone.getInstanceId()));
    Snapshot before = snapshot(acct);

    ErrorInfo info =
        failedPrecondition(
            "INSTANCE_RELEASED",
            () ->
                tenant(acct)
                    .setAutoRenew(
                        setFlag(
                                RenewFlag.NOTIFY_AND_AUTO_RENEW,
                                1,
                                a.getInstanceId(),
                                gone.getInstanceId())
                            .build()));

    assertThat(metaList(info, "instanceIds")).containsExactly(gone.getInstanceId());
    assertThat(snapshot(acct)).isEqualTo(before);
  }

  @Test
  void instanceIdErrors() {
    TestAccount acct = account(RICH);
    TestAccount other = account(RICH);
    Instance theirs = prepaid(other, SMALL, 1, "2027-02-10T04:00:00Z");

    invalidArgument(
        "INVALID_INSTANCE_ID",
        "instance_ids",
        () -> tenant(acct).setAutoRenew(setFlag(RenewFlag.NOTIFY_AND_AUTO_RENEW, 1).build()));
    invalidArgument(
        "INVALID_INSTANCE_ID",
        "instance_ids",
        () ->
            tenant(acct)
                .setAutoRenew(setFlag(RenewFlag.NOTIFY_AND_AUTO_RENEW, 1, "i-123").build()));
    invalidArgument(
        "DUPLICATE_INSTANCE_ID",
        "instance_ids",
        () ->
            tenant(acct)
                .setAutoRenew(
                    setFlag(RenewFlag.NOTIFY_AND_AUTO_RENEW, 1, "ins-00000000", "ins-00000000")
                        .build()));
    List<String> many = new ArrayList<>();
    for (int n = 0; n < 101; n++) {
      many.add(String.format("ins-%08d", n));
    }
    invalidArgument(
        "TOO_MANY_INSTANCES",
        "instance_ids",
        () ->
            tenant(acct)
                .setAutoRenew(
                    setFlag(RenewFlag.NOTIFY_AND_AUTO_RENEW, 1, many.toArray(String[]::new))
                        .build()));
    ErrorInfo nf =
        notFound(
            "INSTANCE_NOT_FOUND",
            () ->
                tenant(acct)
                    .setAutoRenew(
                        setFlag(RenewFlag.NOTIFY_AND_AUTO_RENEW, 1, theirs.getInstanceId())
                            .build()));
    assertThat(metaList(nf, "instanceIds")).containsExactly(theirs.getInstanceId());
    assertThat(describe(other, theirs.getInstanceId()).getRenewFlag())
        .isEqualTo(RenewFlag.NOTIFY_AND_MANUAL_RENEW);
    invalidArgument(
        "INVALID_CLIENT_TOKEN",
        "client_token",
        () ->
            tenant(acct)
                .setAutoRenew(
                    setFlag(RenewFlag.NOTIFY_AND_AUTO_RENEW, 1, "ins-00000000")
                        .setClientToken("x".repeat(65))
                        .build()));
  }

  // ---------------------------------------------------------------- TerminateInstances

  @Test
  void postpaidRunningIsReleasedWithATerminatedEvent() {
    TestAccount acct = account(RICH);
    Instance p = postpaid(acct);
    Instance q = postpaid(acct);
    clock.set(NOW.plusSeconds(7200));
    int eventsBefore = events(acct).size();
    long balanceBefore = balance(acct);

    TerminateInstancesResponse r =
        tenant(acct).terminateInstances(terminate(q.getInstanceId(), p.getInstanceId()));

    assertThat(r.getInstancesList())
        .extracting(Instance::getInstanceId)
        .containsExactly(q.getInstanceId(), p.getInstanceId());
    assertThat(r.getInstancesList())
        .allSatisfy(
            i -> {
              assertThat(i.getState()).isEqualTo(Instance.State.RELEASED);
              assertThat(instant(i.getReleasedTime())).isEqualTo(NOW.plusSeconds(7200));
            });
    assertThat(describe(acct, p.getInstanceId()).getState()).isEqualTo(Instance.State.RELEASED);
    List<Event> events = events(acct);
    List<Event> added = events.subList(eventsBefore, events.size());
    assertThat(added)
        .hasSize(2)
        .allSatisfy(
            e -> {
              assertThat(e.getType()).isEqualTo(Event.Type.TERMINATED);
              assertThat(instant(e.getOccurredTime())).isEqualTo(NOW.plusSeconds(7200));
            });
    assertThat(added)
        .extracting(Event::getInstanceId)
        .containsExactlyInAnyOrder(p.getInstanceId(), q.getInstanceId());
    assertThat(balance(acct)).isEqualTo(balanceBefore);
  }

  @Test
  void prepaidIsolatedIsReleasedEarly() {
    TestAccount acct = account(RICH);
    Instance a = prepaid(acct, SMALL, 1, "2027-01-11T04:00:00Z");
    isolate(acct, a); // clock now 2027-01-11T05:00Z

    TerminateInstancesResponse r = tenant(acct).terminateInstances(terminate(a.getInstanceId()));

    Instance released = r.getInstances(0);
    assertThat(released.getState()).isEqualTo(Instance.State.RELEASED);
    assertThat(instant(released.getReleasedTime())).isEqualTo(t("2027-01-11T05:00:00Z"));
    assertThat(instant(released.getIsolatedTime()))
        .as("kept once released")
        .isEqualTo(t("2027-01-11T04:00:00Z"));
    assertThat(describe(acct, a.getInstanceId())).isEqualTo(released);
    Event last = events(acct).get(events(acct).size() - 1);
    assertThat(last.getType()).isEqualTo(Event.Type.TERMINATED);
    assertThat(last.getInstanceId()).isEqualTo(a.getInstanceId());
  }

  @Test
  void prepaidRunningIsNotTerminableAndNothingInTheBatchChanges() {
    TestAccount acct = account(RICH);
    Instance p = postpaid(acct);
    Instance a = prepaid(acct, SMALL, 1, "2027-02-10T04:00:00Z");
    Snapshot before = snapshot(acct);

    ErrorInfo info =
        failedPrecondition(
            "PREPAID_NOT_TERMINABLE",
            () ->
                tenant(acct)
                    .terminateInstances(
                        TerminateInstancesRequest.newBuilder()
                            .addInstanceIds(p.getInstanceId())
                            .addInstanceIds(a.getInstanceId())
                            .setClientToken("term-1")
                            .build()));

    assertThat(metaList(info, "instanceIds")).containsExactly(a.getInstanceId());
    assertThat(snapshot(acct)).isEqualTo(before);
  }

  @Test
  void releasedIsTerminal() {
    TestAccount acct = account(RICH);
    Instance p = postpaid(acct);
    tenant(acct).terminateInstances(terminate(p.getInstanceId()));
    Snapshot before = snapshot(acct);

    ErrorInfo info =
        failedPrecondition(
            "INSTANCE_RELEASED",
            () -> tenant(acct).terminateInstances(terminate(p.getInstanceId())));

    assertThat(metaList(info, "instanceIds")).containsExactly(p.getInstanceId());
    assertThat(snapshot(acct)).isEqualTo(before);
  }

  @Test
  void terminateRepeatWithTheSameTokenReturnsTheFirstResponse() {
    TestAccount acct = account(RICH);
    Instance p = postpaid(acct);
    TerminateInstancesRequest request =
        TerminateInstancesRequest.newBuilder()
            .addInstanceIds(p.getInstanceId())
            .setClientToken("bye")
            .build();

    TerminateInstancesResponse first = tenant(acct).terminateInstances(request);
    TerminateInstancesResponse again = tenant(acct).terminateInstances(request);

    assertThat(again).isEqualTo(first);
    assertThat(events(acct)).filteredOn(e -> e.getType() == Event.Type.TERMINATED).hasSize(1);
  }

  @Test
  void anotherTenantsInstanceIsNotFound() {
    TestAccount acct = account(RICH);
    TestAccount other = account(RICH);
    Instance theirs = postpaid(other);

    ErrorInfo info =
        notFound(
            "INSTANCE_NOT_FOUND",
            () -> tenant(acct).terminateInstances(terminate(theirs.getInstanceId())));

    assertThat(metaList(info, "instanceIds")).containsExactly(theirs.getInstanceId());
    assertThat(describe(other, theirs.getInstanceId()).getState())
        .isEqualTo(Instance.State.RUNNING);
  }

  @Test
  void terminateIdErrors() {
    TestAccount acct = account(RICH);
    invalidArgument(
        "INVALID_INSTANCE_ID", "instance_ids", () -> tenant(acct).terminateInstances(terminate()));
    invalidArgument(
        "INVALID_INSTANCE_ID",
        "instance_ids",
        () -> tenant(acct).terminateInstances(terminate("nope")));
    invalidArgument(
        "DUPLICATE_INSTANCE_ID",
        "instance_ids",
        () -> tenant(acct).terminateInstances(terminate("ins-00000000", "ins-00000000")));
    invalidArgument(
        "INVALID_CLIENT_TOKEN",
        "client_token",
        () ->
            tenant(acct)
                .terminateInstances(
                    TerminateInstancesRequest.newBuilder()
                        .addInstanceIds("ins-00000000")
                        .setClientToken("with space")
                        .build()));
  }
}
