package com.cvmbilling.renewal.server.persistence;

import java.time.Instant;

/** A {@code price_catalog_version} row: one catalog version and when it takes effect. */
public record PriceVersionRow(
    long version, Instant effectiveTime, Instant createdTime, String createdBy) {}
