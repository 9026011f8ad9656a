package com.cvmbilling.renewal.server.grpc;

import com.cvmbilling.renewal.server.testing.TestDatabases;

/**
 * {@link AdminServiceTest} on MariaDB (skipped locally when unreachable; required when CI=true).
 */
class AdminServiceMariaDbTest extends AdminServiceTest {
  @Override
  TestDatabases.Kind databaseKind() {
    return TestDatabases.Kind.MARIADB;
  }
}
