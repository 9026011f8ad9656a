package com.cvmbilling.renewal.server.domain;

import java.time.Instant;

/** One ledger entry. {@code amountFen} is negative for a debit. */
public record BillingRecord(
    long recordId,
    String accountId,
    String orderId,
    BillingRecordType recordType,
    long amountFen,
    long balanceAfterFen,
    String instanceIds,
    Instant createdTime) {}
