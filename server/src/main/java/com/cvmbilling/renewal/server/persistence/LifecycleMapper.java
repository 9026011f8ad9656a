package com.cvmbilling.renewal.server.persistence;

import com.cvmbilling.renewal.server.domain.Account;
import com.cvmbilling.renewal.server.domain.ChargeType;
import com.cvmbilling.renewal.server.domain.Instance;
import com.cvmbilling.renewal.server.domain.InstanceState;
import com.cvmbilling.renewal.server.domain.RenewFlag;
import java.time.Instant;
import java.util.List;
import org.apache.ibatis.annotations.Param;

/** The lifecycle job's queue: instances whose next step is due, claimed with row locks. */
public interface LifecycleMapper {

  /**
   * Locks up to {@code limit} due instances, earliest first, skipping rows another replica holds
   * (MySQL/MariaDB: {@code FOR UPDATE SKIP LOCKED}). The locks last until the transaction ends; a
   * replica that dies mid-batch loses its connection, so its rows are free again at once and
   * nothing it did is committed. (H2 is single-process: plain {@code FOR UPDATE}.)
   */
  List<DueInstance> claimDue(@Param("now") Instant now, @Param("limit") int limit);

  /** Locks one instance if it is still due (and not held by another replica). */
  DueInstance claimOne(@Param("instanceId") String instanceId, @Param("now") Instant now);

  /** The earliest due time of any instance, or null: the test clock steps through these. */
  Instant earliestDue();

  /**
   * The earliest real due time (not the "re-evaluate now" marker 0 that any change sets), or null:
   * how far behind the job is (metrics).
   */
  Instant earliestScheduledDue();

  /** Locks the accounts (in id order) and returns them. */
  List<Account> lockAccounts(@Param("accountIds") List<String> accountIds);

  /** Writes a lifecycle step's changes to the instance and its schedule. */
  int apply(
      @Param("instance") Instance instance,
      @Param("nextDue") Instant nextDue,
      @Param("remindedExpiry") Instant remindedExpiry,
      @Param("remindedDaysBefore") Integer remindedDaysBefore);

  /** Fails with a duplicate key if this expiry cycle was already charged. */
  void insertAutoRenewCharge(
      @Param("instanceId") String instanceId,
      @Param("oldExpiredTime") Instant oldExpiredTime,
      @Param("orderId") String orderId,
      @Param("createdTime") Instant createdTime);

  int countAutoRenewCharges(@Param("instanceId") String instanceId);

  /** An instance row with its schedule columns. */
  record DueInstance(
      String instanceId,
      String accountId,
      String instanceType,
      ChargeType chargeType,
      InstanceState state,
      Instant createdTime,
      Instant expiredTime,
      Integer expiryAnchorDay,
      Instant isolatedTime,
      Instant releasedTime,
      RenewFlag renewFlag,
      int autoRenewPeriodMonths,
      int bandwidthMbps,
      long version,
      Instant nextDue,
      Instant remindedExpiry,
      Integer remindedDaysBefore) {

    public Instance instance() {
      return new Instance(
          instanceId,
          accountId,
          instanceType,
          chargeType,
          state,
          createdTime,
          expiredTime,
          expiryAnchorDay,
          isolatedTime,
          releasedTime,
          renewFlag,
          autoRenewPeriodMonths,
          bandwidthMbps,
          version);
    }
  }
}
