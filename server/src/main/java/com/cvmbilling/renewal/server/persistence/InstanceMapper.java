package com.cvmbilling.renewal.server.persistence;

import com.cvmbilling.renewal.server.domain.Instance;
import java.util.List;
import org.apache.ibatis.annotations.Param;

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
}
