package com.cvmbilling.renewal.server.persistence;

import java.time.Instant;

/** A client token's record: in progress (response null) or completed with its response. */
public record IdempotencyRow(
    String accountId,
    String method,
    String tokenHash,
    String requestHash,
    String state,
    byte[] response,
    Instant startedTime,
    Instant expiresTime) {}
