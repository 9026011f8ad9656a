package com.cvmbilling.renewal.server.grpc;

import com.cvmbilling.renewal.server.testing.TestDatabases;
import com.cvmbilling.renewal.server.testing.Tier;

/**
 * {@link AutoRenewAndTerminateTest} on MariaDB (skipped locally when unreachable; required when
 * CI=true).
 */
@Tier.MariaDb
class AutoRenewAndTerminateMariaDbTest extends AutoRenewAndTerminateTest {
  @Override
  TestDatabases.Kind databaseKind() {
    return TestDatabases.Kind.MARIADB;
  }
}
