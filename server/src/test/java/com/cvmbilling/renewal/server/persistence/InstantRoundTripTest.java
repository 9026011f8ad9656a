package com.cvmbilling.renewal.server.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import com.cvmbilling.renewal.server.domain.ChargeType;
import com.cvmbilling.renewal.server.domain.Instance;
import com.cvmbilling.renewal.server.domain.InstanceState;
import com.cvmbilling.renewal.server.domain.RenewFlag;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Instants are BIGINT epoch millis: exact to the millisecond on both databases, nulls kept. */
class InstantRoundTripTest extends RepositoryTestBase {
  private static final Instant MILLIS_FRACTION = Instant.parse("2027-01-31T15:59:59.123Z");
  private static final Instant EPOCH_ISH = Instant.parse("1970-01-01T00:00:00.001Z");
  private static final Instant FAR_FUTURE = Instant.parse("9999-12-31T23:59:59.999Z");
  private static final Instant BEFORE_EPOCH = Instant.parse("1969-12-31T23:59:59.999Z");

  private static Instance instance(
      String id,
      Instant created,
      Instant expired,
      Integer anchorDay,
      Instant isolated,
      Instant released) {
    return new Instance(
        id,
        "acc-1",
        "S5.SMALL2",
        expired == null ? ChargeType.POSTPAID_BY_HOUR : ChargeType.PREPAID,
        InstanceState.RUNNING,
        created,
        expired,
        anchorDay,
        isolated,
        released,
        RenewFlag.NOTIFY_AND_MANUAL_RENEW,
        1,
        5,
        1);
  }

  @Test
  void instantsWithMillisecondFractionsAndExtremesRoundTripExactly() {
    InstanceMapper instances = mapper(InstanceMapper.class);
    Instance a = instance("ins-aaaaaaaa", MILLIS_FRACTION, FAR_FUTURE, 31, EPOCH_ISH, BEFORE_EPOCH);
    Instance b =
        instance("ins-bbbbbbbb", EPOCH_ISH, MILLIS_FRACTION, 31, FAR_FUTURE, Instant.EPOCH);
    inTx(
        () -> {
          instances.insert(a);
          instances.insert(b);
        });

    List<Instance> read =
        inTx(() -> instances.findByIds("acc-1", List.of("ins-aaaaaaaa", "ins-bbbbbbbb")));

    assertThat(read).containsExactly(a, b);
    assertThat(read.get(0).createdTime()).isEqualTo(MILLIS_FRACTION);
    assertThat(read.get(0).createdTime().getNano()).isEqualTo(123_000_000);
  }

  @Test
  void rawColumnsHoldEpochMillis() {
    InstanceMapper instances = mapper(InstanceMapper.class);
    Instance a = instance("ins-aaaaaaaa", MILLIS_FRACTION, FAR_FUTURE, 31, EPOCH_ISH, BEFORE_EPOCH);
    inTx(() -> instances.insert(a));

    String sql = "SELECT %s FROM instance WHERE instance_id = ?";
    assertThat(rawLong(sql.formatted("created_time_ms"), a.instanceId()))
        .isEqualTo(MILLIS_FRACTION.toEpochMilli());
    assertThat(rawLong(sql.formatted("expired_time_ms"), a.instanceId()))
        .isEqualTo(FAR_FUTURE.toEpochMilli());
    assertThat(rawLong(sql.formatted("isolated_time_ms"), a.instanceId())).isEqualTo(1L);
    assertThat(rawLong(sql.formatted("released_time_ms"), a.instanceId())).isEqualTo(-1L);
    assertThat(MILLIS_FRACTION.toEpochMilli()).isEqualTo(1_801_411_199_123L);
  }

  @Test
  void nullableInstantColumnsStayNull() {
    InstanceMapper instances = mapper(InstanceMapper.class);
    Instance postpaid = instance("ins-cccccccc", MILLIS_FRACTION, null, null, null, null);
    inTx(() -> instances.insert(postpaid));

    List<Instance> read = inTx(() -> instances.findByIds("acc-1", List.of("ins-cccccccc")));

    assertThat(read).containsExactly(postpaid);
    assertThat(read.get(0).expiredTime()).isNull();
    assertThat(read.get(0).expiryAnchorDay()).isNull();
    assertThat(read.get(0).isolatedTime()).isNull();
    assertThat(read.get(0).releasedTime()).isNull();
    String sql =
        "SELECT COUNT(*) FROM instance WHERE instance_id = ? AND expired_time_ms IS NULL"
            + " AND isolated_time_ms IS NULL AND released_time_ms IS NULL AND expiry_anchor_day IS NULL";
    assertThat(rawLong(sql, postpaid.instanceId())).isEqualTo(1L);
  }

  @Test
  void epochZeroIsNotConfusedWithNull() {
    InstanceMapper instances = mapper(InstanceMapper.class);
    Instance zero = instance("ins-dddddddd", Instant.EPOCH, Instant.EPOCH, 1, Instant.EPOCH, null);
    inTx(() -> instances.insert(zero));

    Instance read = inTx(() -> instances.findByIds("acc-1", List.of("ins-dddddddd"))).get(0);

    assertThat(read).isEqualTo(zero);
    assertThat(read.expiredTime()).isEqualTo(Instant.EPOCH);
    assertThat(read.releasedTime()).isNull();
  }

  @Test
  void updateWritesInstantsExactlyAndCanClearThem() {
    InstanceMapper instances = mapper(InstanceMapper.class);
    Instance a = instance("ins-eeeeeeee", EPOCH_ISH, MILLIS_FRACTION, 31, null, null);
    inTx(() -> instances.insert(a));
    Instance isolated =
        new Instance(
            a.instanceId(),
            a.accountId(),
            a.instanceType(),
            a.chargeType(),
            InstanceState.ISOLATED,
            a.createdTime(),
            FAR_FUTURE,
            28,
            MILLIS_FRACTION.plusMillis(1),
            null,
            a.renewFlag(),
            a.autoRenewPeriodMonths(),
            a.bandwidthMbps(),
            a.version() + 1);
    assertThat(inTx(() -> instances.update(isolated))).isEqualTo(1);
    assertThat(inTx(() -> instances.findByIds("acc-1", List.of(a.instanceId()))))
        .containsExactly(isolated);
    assertThat(
            rawLong("SELECT isolated_time_ms FROM instance WHERE instance_id = ?", a.instanceId()))
        .isEqualTo(MILLIS_FRACTION.toEpochMilli() + 1);

    Instance cleared =
        new Instance(
            a.instanceId(),
            a.accountId(),
            a.instanceType(),
            a.chargeType(),
            InstanceState.RUNNING,
            a.createdTime(),
            FAR_FUTURE,
            28,
            null,
            null,
            a.renewFlag(),
            a.autoRenewPeriodMonths(),
            a.bandwidthMbps(),
            isolated.version() + 1);
    assertThat(inTx(() -> instances.update(cleared))).isEqualTo(1);
    assertThat(inTx(() -> instances.findByIds("acc-1", List.of(a.instanceId()))))
        .containsExactly(cleared);
  }
}
