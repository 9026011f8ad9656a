package com.cvmbilling.renewal.server.grpc;

import com.cvmbilling.renewal.server.testing.TestDatabases;
import com.cvmbilling.renewal.server.testing.Tier;

/** {@link ApiKeyRevocationAcrossReplicasTest} with three servers on one H2 database. */
@Tier.H2
class ApiKeyRevocationAcrossReplicasH2Test extends ApiKeyRevocationAcrossReplicasTest {
  @Override
  TestDatabases.Kind databaseKind() {
    return TestDatabases.Kind.H2;
  }
}
