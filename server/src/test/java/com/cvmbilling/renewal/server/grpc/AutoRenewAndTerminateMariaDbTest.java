package com.cvmbilling.renewal.server.grpc;

import com.cvmbilling.renewal.server.testing.TestDatabases;

/**
 * {@link AutoRenewAndTerminateTest} on MariaDB (skipped locally when unreachable; required when
 * CI=true).
 */
class AutoRenewAndTerminateMariaDbTest extends AutoRenewAndTerminateTest {
  @Override
  TestDatabases.Kind databaseKind() {
    return TestDatabases.Kind.MARIADB;
  }
}
