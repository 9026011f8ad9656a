package com.cvmbilling.renewal.server.persistence;

import com.cvmbilling.renewal.server.domain.Instance;
import java.time.Instant;
import java.util.List;
import org.apache.ibatis.annotations.Param;

/** The {@code instance} table's SQL; only {@link InstanceStore} uses it. */
public interface InstanceMapper {
  void insert(Instance instance);

  /** The account's instances among these ids, in id order. */
  List<Instance> findByIds(
      @Param("accountId") String accountId, @Param("instanceIds") List<String> instanceIds);

  /**
   * Same, locking the rows until the transaction ends. Rows are locked in id order, so two batches
   * that overlap always lock in the same order and cannot deadlock on each other.
   */
  List<Instance> findByIdsForUpdate(
      @Param("accountId") String accountId, @Param("instanceIds") List<String> instanceIds);

  /** {@link #findByIdsForUpdate} of one id. */
  List<Instance> findOneForUpdate(
      @Param("accountId") String accountId, @Param("instanceId") String instanceId);

  /** Writes every mutable column; succeeds only if the row still has {@code version - 1}. */
  int update(Instance instance);

  /**
   * Stores renewals of several instances in one statement: each gets its new expiry, anchor day and
   * bandwidth, RUNNING, no isolation or release time, due now, and its version (checked to be
   * {@code version - 1}). Only for prepaid, unreleased instances whose flag and auto-renew period
   * are unchanged (a renewal); returns the rows changed.
   */
  int renewAll(@Param("instances") List<Instance> instances);

  List<Instance> search(InstanceQuery query);

  boolean exists(@Param("instanceId") String instanceId);

  /** After a top-up: the account's running auto-renew instances are re-evaluated at once. */
  int markAutoRenewDue(@Param("accountId") String accountId);

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

  /**
   * Writes a lifecycle step's changes to the instance and its schedule; succeeds only if the row
   * still has {@code version - 1}.
   */
  int applyStep(
      @Param("instance") Instance instance,
      @Param("nextDue") Instant nextDue,
      @Param("remindedExpiry") Instant remindedExpiry,
      @Param("remindedDaysBefore") Integer remindedDaysBefore);

  /**
   * MariaDB/MySQL only: writes many lifecycle steps in one statement (a multi-row INSERT ... ON
   * DUPLICATE KEY UPDATE onto existing rows), each row only if it still has {@code version - 1}.
   * Returns the driver's count: 2 per row changed, 1 per row left as it was (or, never expected,
   * inserted).
   */
  int applySteps(@Param("steps") List<LifecycleStep> steps);
}
