package com.cvmbilling.renewal.server.domain;

import com.cvmbilling.renewal.server.error.ApiException;
import com.cvmbilling.renewal.v1.ErrorReason;
import java.util.List;
import java.util.function.Predicate;

/**
 * State preconditions of the batch operations. Each check looks at the whole batch and names every
 * offending instance in the error's {@code instanceIds} metadata.
 */
public final class InstanceRules {
  private InstanceRules() {}

  /** Renewal: prepaid, not released. ISOLATED is fine (renewal restores it). */
  public static void requireRenewable(List<Instance> instances) {
    reject(
        instances,
        i -> i.state() == InstanceState.RELEASED,
        ErrorReason.INSTANCE_RELEASED,
        "released instances cannot be renewed");
    reject(
        instances,
        i -> !i.isPrepaid(),
        ErrorReason.NOT_PREPAID,
        "only prepaid instances can be renewed");
  }

  /** Unified expiry: prepaid and RUNNING. */
  public static void requireAlignable(List<Instance> instances) {
    reject(
        instances,
        i -> i.state() == InstanceState.RELEASED,
        ErrorReason.INSTANCE_RELEASED,
        "released instances cannot be aligned");
    reject(
        instances,
        i -> !i.isPrepaid(),
        ErrorReason.NOT_PREPAID,
        "only prepaid instances have an expiry to align");
    reject(
        instances,
        i -> i.state() == InstanceState.ISOLATED,
        ErrorReason.INSTANCE_ISOLATED,
        "isolated instances must be renewed before their expiry can be aligned");
  }

  /** Auto-renew settings: prepaid, not released. */
  public static void requireAutoRenewConfigurable(List<Instance> instances) {
    reject(
        instances,
        i -> i.state() == InstanceState.RELEASED,
        ErrorReason.INSTANCE_RELEASED,
        "released instances cannot be changed");
    reject(
        instances,
        i -> !i.isPrepaid(),
        ErrorReason.NOT_PREPAID,
        "renew settings apply to prepaid instances only");
  }

  /** Termination: not released; a prepaid instance only once it is ISOLATED. */
  public static void requireTerminable(List<Instance> instances) {
    reject(
        instances,
        i -> i.state() == InstanceState.RELEASED,
        ErrorReason.INSTANCE_RELEASED,
        "the instances are already released");
    reject(
        instances,
        i -> i.isPrepaid() && i.state() == InstanceState.RUNNING,
        ErrorReason.PREPAID_NOT_TERMINABLE,
        "a running prepaid instance cannot be terminated before it expires");
  }

  private static void reject(
      List<Instance> instances, Predicate<Instance> bad, ErrorReason reason, String message) {
    List<String> offending = instances.stream().filter(bad).map(Instance::instanceId).toList();
    if (!offending.isEmpty()) {
      throw ApiException.of(reason, message + ": " + String.join(", ", offending))
          .meta("instanceIds", offending)
          .build();
    }
  }
}
