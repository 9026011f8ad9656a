package com.cvmbilling.renewal.server.persistence;

import java.time.Duration;

/**
 * How long database work may take and how often a conflicting transaction is tried.
 *
 * @param queryTimeout the longest one statement may run (JDBC query timeout); a gRPC call's
 *     deadline shortens it. Null or zero: only the call's deadline bounds a statement
 * @param maxAttempts how many times a transaction that hit a deadlock or serialization failure is
 *     run in all before CONCURRENT_MODIFICATION is answered
 */
public record TransactionSettings(Duration queryTimeout, int maxAttempts) {}
