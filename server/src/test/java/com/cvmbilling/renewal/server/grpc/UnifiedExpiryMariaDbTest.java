package com.cvmbilling.renewal.server.grpc;

import com.cvmbilling.renewal.server.testing.TestDatabases;

/**
 * {@link UnifiedExpiryTest} on MariaDB (skipped locally when unreachable; required when CI=true).
 */
class UnifiedExpiryMariaDbTest extends UnifiedExpiryTest {
  @Override
  TestDatabases.Kind databaseKind() {
    return TestDatabases.Kind.MARIADB;
  }
}
