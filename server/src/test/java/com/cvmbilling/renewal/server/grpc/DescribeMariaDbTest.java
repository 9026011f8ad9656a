package com.cvmbilling.renewal.server.grpc;

import com.cvmbilling.renewal.server.testing.TestDatabases;

/** {@link DescribeTest} on MariaDB (skipped locally when unreachable; required when CI=true). */
class DescribeMariaDbTest extends DescribeTest {
  @Override
  TestDatabases.Kind databaseKind() {
    return TestDatabases.Kind.MARIADB;
  }
}
