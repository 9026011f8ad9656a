package com.cvmbilling.renewal.server.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.cvmbilling.renewal.server.testing.TestDatabases;
import com.cvmbilling.renewal.server.testing.TestDatabases.Kind;
import com.cvmbilling.renewal.server.testing.TestServer;
import com.cvmbilling.renewal.server.testing.Tier;
import com.cvmbilling.renewal.v1.DescribeAccountRequest;
import com.cvmbilling.renewal.v1.Instance;
import com.cvmbilling.renewal.v1.RenewInstancesRequest;
import com.cvmbilling.renewal.v1.RenewInstancesResponse;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

@Tier.H2
@Tier.MariaDb
class SmokeTest {
  @ParameterizedTest
  @EnumSource(Kind.class)
  void renewsOnBothDatabases(Kind kind) {
    try (TestDatabases.TestDatabase db = TestDatabases.create(kind);
        TestServer server = new TestServer(db.settings())) {
      TestServer.TestAccount acct = server.createAccount(100_000);
      List<Instance> created =
          server.createPrepaid(acct, "S5.SMALL2", 1, 2, Instant.now().plusSeconds(86_400 * 10));
      RenewInstancesResponse r =
          server
              .tenant(acct)
              .renewInstances(
                  RenewInstancesRequest.newBuilder()
                      .addInstanceIds(created.get(0).getInstanceId())
                      .addInstanceIds(created.get(1).getInstanceId())
                      .setPeriodMonths(1)
                      .setClientToken("abc")
                      .build());
      assertThat(TestServer.fen(r.getTotalPrice())).isEqualTo(2 * 6000);
      assertThat(
              TestServer.fen(
                  server
                      .tenant(acct)
                      .describeAccount(DescribeAccountRequest.getDefaultInstance())
                      .getAccount()
                      .getBalance()))
          .isEqualTo(100_000 - 12_000);
    }
  }
}
