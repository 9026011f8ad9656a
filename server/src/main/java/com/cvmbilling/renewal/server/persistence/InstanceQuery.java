package com.cvmbilling.renewal.server.persistence;

import com.cvmbilling.renewal.server.domain.ChargeType;
import com.cvmbilling.renewal.server.domain.InstanceState;
import com.cvmbilling.renewal.server.domain.RenewFlag;
import java.time.Instant;
import java.util.List;

/**
 * A filtered keyset page of one account's instances: rows after {@code afterInstanceId} in id
 * order. Empty lists and nulls mean "no filter".
 */
public record InstanceQuery(
    String accountId,
    List<String> instanceIds,
    List<InstanceState> states,
    ChargeType chargeType,
    RenewFlag renewFlag,
    Instant expiringBefore,
    String afterInstanceId,
    int limit) {}
