package com.cvmbilling.renewal.server.grpc;

import com.cvmbilling.renewal.server.testing.TestDatabases;
import com.cvmbilling.renewal.server.testing.Tier;

/** {@link ApiKeyLifecycleTest} on MariaDB. */
@Tier.MariaDb
class ApiKeyLifecycleMariaDbTest extends ApiKeyLifecycleTest {
  @Override
  TestDatabases.Kind databaseKind() {
    return TestDatabases.Kind.MARIADB;
  }
}
