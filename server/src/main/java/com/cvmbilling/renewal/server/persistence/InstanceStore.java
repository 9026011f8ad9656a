package com.cvmbilling.renewal.server.persistence;

import com.cvmbilling.renewal.server.domain.Instance;
import com.cvmbilling.renewal.server.error.ApiException;
import com.cvmbilling.renewal.v1.ErrorReason;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.ibatis.session.SqlSessionManager;

/**
 * The {@code instance} table, including the lifecycle job's queue over it: every read and write of
 * an instance row. Every write checks the row's version (optimistic, on top of the row locks the
 * callers hold). Runs in the caller's transaction.
 */
@Singleton
public class InstanceStore {
  private final InstanceMapper instances;
  private final JdbcBatches batches;

  /** MariaDB/MySQL write a batch's steps in one statement; H2 (embedded) as a JDBC batch. */
  private final boolean stepsInOneStatement;

  @Inject
  InstanceStore(InstanceMapper instances, JdbcBatches batches, SqlSessionManager sessions) {
    this.instances = instances;
    this.batches = batches;
    this.stepsInOneStatement = "mysql".equals(sessions.getConfiguration().getDatabaseId());
  }

  public void insert(Instance instance) {
    instances.insert(instance);
  }

  public boolean exists(String instanceId) {
    return instances.exists(instanceId);
  }

  /** The account's instances among these ids, in id order. */
  public List<Instance> findByIds(String accountId, List<String> instanceIds) {
    return instances.findByIds(accountId, instanceIds);
  }

  /**
   * Same, locking the rows until the transaction ends. Rows are locked in id order, so two batches
   * that overlap always lock in the same order and cannot deadlock on each other.
   */
  public List<Instance> findByIdsForUpdate(String accountId, List<String> instanceIds) {
    if (instanceIds.size() == 1) {
      // Most renewals: a static statement, parsed once instead of on every call.
      return instances.findOneForUpdate(accountId, instanceIds.get(0));
    }
    return instances.findByIdsForUpdate(accountId, instanceIds);
  }

  public List<Instance> search(InstanceQuery query) {
    return instances.search(query);
  }

  /** Stores a changed instance (its row locked by this transaction), or CONCURRENT_MODIFICATION. */
  public void save(Instance instance) {
    if (instances.update(instance) != 1) {
      throw ApiException.of(
              ErrorReason.CONCURRENT_MODIFICATION,
              "instance " + instance.instanceId() + " changed concurrently; retry the request")
          .meta("instanceIds", List.of(instance.instanceId()))
          .build();
    }
  }

  /**
   * Stores renewed instances (their rows locked by this transaction). One instance: its UPDATE.
   * Several: one UPDATE for all of them instead of one per instance.
   */
  public void saveRenewals(List<Instance> renewed) {
    if (renewed.size() == 1) {
      save(renewed.get(0));
      return;
    }
    if (instances.renewAll(renewed) != renewed.size()) {
      List<String> ids = renewed.stream().map(Instance::instanceId).toList();
      throw ApiException.of(
              ErrorReason.CONCURRENT_MODIFICATION,
              "instances changed concurrently; retry the request")
          .meta("instanceIds", ids)
          .build();
    }
  }

  /** After a top-up: the account's running auto-renew instances are re-evaluated at once. */
  public int markAutoRenewDue(String accountId) {
    return instances.markAutoRenewDue(accountId);
  }

  /** See {@link InstanceMapper#claimDue}. */
  public List<DueInstance> claimDue(Instant now, int limit) {
    return instances.claimDue(now, limit);
  }

  /** Locks one instance if it is still due (and not held by another replica), or null. */
  public DueInstance claimOne(String instanceId, Instant now) {
    return instances.claimOne(instanceId, now);
  }

  /** The earliest due time of any instance, or null. */
  public Instant earliestDue() {
    return instances.earliestDue();
  }

  /** The earliest real due time (not the "re-evaluate now" marker), or null. */
  public Instant earliestScheduledDue() {
    return instances.earliestScheduledDue();
  }

  /**
   * Writes a lifecycle step's changes to the instance and its schedule; returns the rows changed (0
   * if the row is no longer at {@code version - 1}).
   */
  public int applyStep(
      Instance instance, Instant nextDue, Instant remindedExpiry, Integer remindedDaysBefore) {
    return instances.applyStep(instance, nextDue, remindedExpiry, remindedDaysBefore);
  }

  /**
   * Lifecycle steps to write together: {@link #applyStep}s collected by a batch of the lifecycle
   * job and sent when it ends in one statement (MariaDB/MySQL) or one JDBC batch (H2), instead of
   * one round trip per step.
   */
  public PendingSteps pendingSteps() {
    return new PendingSteps();
  }

  /** Steps not yet written; see {@link #pendingSteps()}. One transaction's, not thread-safe. */
  public final class PendingSteps {
    private final List<LifecycleStep> steps = new ArrayList<>();

    private PendingSteps() {}

    /** An {@link #applyStep} to write later. */
    public void add(
        Instance instance, Instant nextDue, Instant remindedExpiry, Integer remindedDaysBefore) {
      steps.add(new LifecycleStep(instance, nextDue, remindedExpiry, remindedDaysBefore));
    }

    /**
     * Writes the steps added so far; returns the ids of instances whose row did not change (with
     * one statement the count cannot say which: then every id of the batch).
     */
    public List<String> write() {
      if (steps.isEmpty()) {
        return List.of();
      }
      List<String> unchanged = new ArrayList<>();
      if (stepsInOneStatement) {
        // 2 per row changed (ON DUPLICATE KEY UPDATE); a row left as it was counts 1.
        if (instances.applySteps(steps) != 2 * steps.size()) {
          steps.forEach(s -> unchanged.add(s.instance().instanceId()));
        }
      } else {
        int[] counts =
            batches.run(
                InstanceMapper.class,
                mapper ->
                    steps.forEach(
                        s ->
                            mapper.applyStep(
                                s.instance(),
                                s.nextDue(),
                                s.remindedExpiry(),
                                s.remindedDaysBefore())));
        for (int i = 0; i < steps.size(); i++) {
          if (i >= counts.length || counts[i] != 1) {
            unchanged.add(steps.get(i).instance().instanceId());
          }
        }
      }
      steps.clear();
      return unchanged;
    }
  }
}
