package com.cvmbilling.renewal.server.grpc;

import com.cvmbilling.renewal.server.testing.TestDatabases;
import com.cvmbilling.renewal.server.testing.Tier;

/** {@link ApiKeyRevocationAcrossReplicasTest} with three servers on one MariaDB database. */
@Tier.MariaDb
class ApiKeyRevocationAcrossReplicasMariaDbTest extends ApiKeyRevocationAcrossReplicasTest {
  @Override
  TestDatabases.Kind databaseKind() {
    return TestDatabases.Kind.MARIADB;
  }
}
