package com.cvmbilling.renewal.server.service;

import com.cvmbilling.renewal.server.domain.Account;
import com.cvmbilling.renewal.server.domain.BillingRecord;
import com.cvmbilling.renewal.server.domain.ChargeType;
import com.cvmbilling.renewal.server.domain.Event;
import com.cvmbilling.renewal.server.domain.Instance;
import com.cvmbilling.renewal.server.domain.InstanceState;
import com.cvmbilling.renewal.server.domain.Price;
import com.cvmbilling.renewal.server.domain.RenewFlag;
import com.cvmbilling.renewal.server.error.ApiException;
import com.cvmbilling.renewal.server.error.ErrorReason;
import com.google.protobuf.Timestamp;
import com.google.type.Money;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;

/**
 * Translation between API messages and domain values, for the operations that take and return API
 * messages ({@link RenewalOperations}, {@link AdminOperations}). Input values that do not fit the
 * domain (a foreign currency, a timestamp out of range) are refused here, as the field they came
 * from.
 */
final class ApiMessages {
  static final String CURRENCY = "CNY";
  private static final int NANOS_PER_FEN = 10_000_000;

  private ApiMessages() {}

  static Money money(long fen) {
    return Money.newBuilder()
        .setCurrencyCode(CURRENCY)
        .setUnits(fen / 100)
        .setNanos((int) (fen % 100) * NANOS_PER_FEN)
        .build();
  }

  /**
   * An amount in fen. The currency must be CNY (empty is taken as CNY); the amount must be a whole
   * number of fen, with units and nanos of the same sign.
   */
  static long fen(Money money, String field) {
    if (!money.getCurrencyCode().isEmpty() && !CURRENCY.equals(money.getCurrencyCode())) {
      throw invalidAmount(field, "currency must be CNY");
    }
    long units = money.getUnits();
    int nanos = money.getNanos();
    if (nanos <= -1_000_000_000
        || nanos >= 1_000_000_000
        || (units > 0 && nanos < 0)
        || (units < 0 && nanos > 0)) {
      throw invalidAmount(field, "units and nanos must have the same sign and |nanos| < 10^9");
    }
    if (nanos % NANOS_PER_FEN != 0) {
      throw invalidAmount(field, "amounts are whole fen (0.01 CNY)");
    }
    try {
      return Math.addExact(Math.multiplyExact(units, 100L), nanos / NANOS_PER_FEN);
    } catch (ArithmeticException e) {
      throw invalidAmount(field, "amount out of range");
    }
  }

  private static ApiException invalidAmount(String field, String why) {
    return ApiException.of(ErrorReason.INVALID_AMOUNT, field + ": " + why)
        .field(field, why)
        .build();
  }

  static Timestamp timestamp(Instant instant) {
    return Timestamp.newBuilder()
        .setSeconds(instant.getEpochSecond())
        .setNanos(instant.getNano())
        .build();
  }

  static Instant instant(Timestamp ts, String field) {
    if (ts.getNanos() < 0
        || ts.getNanos() > 999_999_999
        || ts.getSeconds() < -62135596800L
        || ts.getSeconds() > 253402300799L) {
      throw ApiException.badField(
          "expired_time".equals(field)
              ? ErrorReason.INVALID_EXPIRED_TIME
              : ErrorReason.INVALID_TIMESTAMP,
          field,
          field + " is not a valid timestamp");
    }
    return Instant.ofEpochSecond(ts.getSeconds(), ts.getNanos());
  }

  static com.cvmbilling.renewal.v1.Price price(Price price) {
    return com.cvmbilling.renewal.v1.Price.newBuilder()
        .setOriginalPrice(money(price.originalFen()))
        .setDiscountPrice(money(price.discountFen()))
        .build();
  }

  static com.cvmbilling.renewal.v1.Instance instance(Instance i) {
    com.cvmbilling.renewal.v1.Instance.Builder b =
        com.cvmbilling.renewal.v1.Instance.newBuilder()
            .setInstanceId(i.instanceId())
            .setAccountId(i.accountId())
            .setInstanceType(i.instanceType())
            .setChargeType(
                com.cvmbilling.renewal.v1.Instance.ChargeType.valueOf(i.chargeType().name()))
            .setState(com.cvmbilling.renewal.v1.Instance.State.valueOf(i.state().name()))
            .setCreatedTime(timestamp(i.createdTime()))
            .setRenewFlag(com.cvmbilling.renewal.v1.RenewFlag.valueOf(i.renewFlag().name()))
            .setAutoRenewPeriodMonths(i.autoRenewPeriodMonths())
            .setBandwidthMbps(i.bandwidthMbps());
    if (i.expiredTime() != null) {
      b.setExpiredTime(timestamp(i.expiredTime()));
    }
    if (i.isolatedTime() != null) {
      b.setIsolatedTime(timestamp(i.isolatedTime()));
    }
    if (i.releasedTime() != null) {
      b.setReleasedTime(timestamp(i.releasedTime()));
    }
    return b.build();
  }

  static List<com.cvmbilling.renewal.v1.Instance> instances(List<Instance> instances) {
    return instances.stream().map(ApiMessages::instance).toList();
  }

  static com.cvmbilling.renewal.v1.Account account(Account a) {
    return com.cvmbilling.renewal.v1.Account.newBuilder()
        .setAccountId(a.accountId())
        .setDisplayName(a.displayName())
        .setBalance(money(a.balanceFen()))
        .setBillingTimeZone(a.billingTimeZone())
        .setCreatedTime(timestamp(a.createdTime()))
        .build();
  }

  static com.cvmbilling.renewal.v1.BillingRecord billingRecord(BillingRecord r) {
    return com.cvmbilling.renewal.v1.BillingRecord.newBuilder()
        .setRecordId(r.recordId())
        .setOrderId(r.orderId())
        .setType(com.cvmbilling.renewal.v1.BillingRecord.Type.valueOf(r.recordType().name()))
        .setAmount(money(r.amountFen()))
        .setBalanceAfter(money(r.balanceAfterFen()))
        .addAllInstanceIds(
            r.instanceIds().isEmpty() ? List.of() : Arrays.asList(r.instanceIds().split(",")))
        .setCreatedTime(timestamp(r.createdTime()))
        .build();
  }

  static com.cvmbilling.renewal.v1.Event event(Event e) {
    com.cvmbilling.renewal.v1.Event.Builder b =
        com.cvmbilling.renewal.v1.Event.newBuilder()
            .setEventId(e.eventId())
            .setType(com.cvmbilling.renewal.v1.Event.Type.valueOf(e.eventType().name()))
            .setAccountId(e.accountId())
            .setOccurredTime(timestamp(e.occurredTime()))
            .setDaysBefore(e.daysBefore());
    if (e.instanceId() != null) {
      b.setInstanceId(e.instanceId());
    }
    if (e.expiredTime() != null) {
      b.setExpiredTime(timestamp(e.expiredTime()));
    }
    if (e.orderId() != null) {
      b.setOrderId(e.orderId());
    }
    return b.build();
  }

  /** A renew flag from a request; UNSPECIFIED or an unknown number gives null. */
  static RenewFlag renewFlagOrNull(com.cvmbilling.renewal.v1.RenewFlag flag) {
    return switch (flag) {
      case NOTIFY_AND_MANUAL_RENEW -> RenewFlag.NOTIFY_AND_MANUAL_RENEW;
      case NOTIFY_AND_AUTO_RENEW -> RenewFlag.NOTIFY_AND_AUTO_RENEW;
      case DISABLE_NOTIFY_AND_MANUAL_RENEW -> RenewFlag.DISABLE_NOTIFY_AND_MANUAL_RENEW;
      default -> null;
    };
  }

  static ChargeType chargeTypeOrNull(com.cvmbilling.renewal.v1.Instance.ChargeType type) {
    return switch (type) {
      case PREPAID -> ChargeType.PREPAID;
      case POSTPAID_BY_HOUR -> ChargeType.POSTPAID_BY_HOUR;
      default -> null;
    };
  }

  static InstanceState stateOrNull(com.cvmbilling.renewal.v1.Instance.State state) {
    return switch (state) {
      case RUNNING -> InstanceState.RUNNING;
      case ISOLATED -> InstanceState.ISOLATED;
      case RELEASED -> InstanceState.RELEASED;
      default -> null;
    };
  }
}
