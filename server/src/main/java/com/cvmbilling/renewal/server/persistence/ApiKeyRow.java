package com.cvmbilling.renewal.server.persistence;

import java.time.Instant;

/** A stored key: only the SHA-256 of the secret, never the secret itself. */
public record ApiKeyRow(
    String keyHash, String keyPrefix, String accountId, boolean admin, Instant createdTime) {}
