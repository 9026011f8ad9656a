package com.cvmbilling.renewal.server.grpc;

import com.cvmbilling.renewal.server.testing.TestDatabases;
import com.cvmbilling.renewal.server.testing.Tier;

/** {@link DescribeTest} on MariaDB (skipped locally when unreachable; required when CI=true). */
@Tier.MariaDb
class DescribeMariaDbTest extends DescribeTest {
  @Override
  TestDatabases.Kind databaseKind() {
    return TestDatabases.Kind.MARIADB;
  }
}
