package com.cvmbilling.renewal.server.grpc;

import com.cvmbilling.renewal.server.testing.TestDatabases;

/**
 * {@link RenewInstancesTest} on MariaDB (skipped locally when unreachable; required when CI=true).
 */
class RenewInstancesMariaDbTest extends RenewInstancesTest {
  @Override
  TestDatabases.Kind databaseKind() {
    return TestDatabases.Kind.MARIADB;
  }
}
