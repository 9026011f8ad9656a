package com.cvmbilling.renewal.server.production;

import static com.cvmbilling.renewal.server.testing.Errors.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import com.cvmbilling.renewal.server.testing.TestDatabases;
import com.cvmbilling.renewal.server.testing.TestServer;
import com.cvmbilling.renewal.server.testing.TestServer.TestAccount;
import com.cvmbilling.renewal.server.testing.Tier;
import com.cvmbilling.renewal.v1.CreateApiKeyRequest;
import com.cvmbilling.renewal.v1.DescribeAccountRequest;
import com.cvmbilling.renewal.v1.DescribeBillingRecordsRequest;
import com.cvmbilling.renewal.v1.DescribeInstancesRequest;
import com.cvmbilling.renewal.v1.Instance;
import com.cvmbilling.renewal.v1.ListEventsRequest;
import com.cvmbilling.renewal.v1.RenewInstancesRequest;
import com.cvmbilling.renewal.v1.RenewalServiceGrpc;
import com.cvmbilling.renewal.v1.RenewalServiceGrpc.RenewalServiceBlockingStub;
import io.grpc.Status;
import io.grpc.stub.MetadataUtils;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Support reads (issue #12 point 2): an admin key reads any account's balance, instances, billing
 * records and events by naming its account_id, exactly what the tenant itself reads, and each read
 * is logged on {@code renewal.audit} with who read what; it still cannot change anything. A
 * read-only support key reads the same way. A tenant key reads only its own account, whatever
 * account_id it names.
 */
@Tier.H2
class SupportReadsTest {
  private static TestDatabases.TestDatabase db;
  private static TestServer server;
  private static TestAccount alice;
  private static TestAccount bob;
  private static List<Instance> aliceInstances;

  @BeforeAll
  static void start() {
    db = TestDatabases.h2();
    server = new TestServer(db.settings());
    alice = server.createAccount(1_000_000);
    bob = server.createAccount(1_000_000);
    aliceInstances =
        server.createPrepaid(alice, "S5.SMALL2", 1, 3, Instant.now().plus(Duration.ofDays(10)));
    server.createPrepaid(bob, "S5.SMALL2", 1, 1, Instant.now().plus(Duration.ofDays(10)));
    server
        .tenant(alice)
        .renewInstances(
            RenewInstancesRequest.newBuilder()
                .addInstanceIds(aliceInstances.get(0).getInstanceId())
                .setPeriodMonths(1)
                .build());
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
    db.close();
  }

  private static RenewalServiceBlockingStub support() {
    return readerWith(TestServer.ADMIN_KEY);
  }

  private static RenewalServiceBlockingStub readerWith(String key) {
    return RenewalServiceGrpc.newBlockingStub(server.channel())
        .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(TestServer.bearer(key)));
  }

  @Test
  void anAdminKeyReadsWhatTheTenantReadsAndEachReadIsLogged() {
    readsWhatTheTenantReadsAndEachReadIsLogged(
        support(), "admin key bootstrap", TestServer.ADMIN_KEY);
  }

  @Test
  void aSupportKeyReadsWhatTheTenantReadsAndEachReadIsLogged() {
    String key =
        server
            .admin()
            .createApiKey(
                CreateApiKeyRequest.newBuilder()
                    .setSupport(true)
                    .setName("helpdesk-1")
                    .setDescription("first-line support")
                    .build())
            .getApiKey();
    readsWhatTheTenantReadsAndEachReadIsLogged(readerWith(key), "support key helpdesk-1", key);
  }

  private void readsWhatTheTenantReadsAndEachReadIsLogged(
      RenewalServiceBlockingStub support, String by, String key) {
    String id = alice.accountId();
    try (LogCapture audit = new LogCapture("renewal.audit")) {
      assertThat(
              support.describeAccount(DescribeAccountRequest.newBuilder().setAccountId(id).build()))
          .isEqualTo(
              server.tenant(alice).describeAccount(DescribeAccountRequest.getDefaultInstance()));
      assertThat(
              support
                  .describeInstances(DescribeInstancesRequest.newBuilder().setAccountId(id).build())
                  .getInstancesList())
          .hasSize(3)
          .isEqualTo(
              server
                  .tenant(alice)
                  .describeInstances(DescribeInstancesRequest.getDefaultInstance())
                  .getInstancesList());
      assertThat(
              support
                  .describeBillingRecords(
                      DescribeBillingRecordsRequest.newBuilder().setAccountId(id).build())
                  .getRecordsList())
          .isNotEmpty()
          .isEqualTo(
              server
                  .tenant(alice)
                  .describeBillingRecords(DescribeBillingRecordsRequest.getDefaultInstance())
                  .getRecordsList());
      assertThat(
              support
                  .listEvents(ListEventsRequest.newBuilder().setAccountId(id).build())
                  .getEventsList())
          .isNotEmpty()
          .isEqualTo(
              server
                  .tenant(alice)
                  .listEvents(ListEventsRequest.getDefaultInstance())
                  .getEventsList());

      List<String> lines = audit.lines();
      assertThat(lines).hasSize(4);
      for (String rpc :
          List.of("DescribeAccount", "DescribeInstances", "DescribeBillingRecords", "ListEvents")) {
        assertThat(lines)
            .anySatisfy(
                l ->
                    assertThat(l)
                        .startsWith(
                            "support read: " + rpc + " of account " + id + " by " + by + " (")
                        .doesNotContain(key));
      }
    }
  }

  @Test
  void anAdminKeyMustNameAnExistingAccountAndStillCannotWrite() {
    try (LogCapture audit = new LogCapture("renewal.audit")) {
      assertError(
          Status.Code.PERMISSION_DENIED,
          "TENANT_KEY_REQUIRED",
          () -> support().describeInstances(DescribeInstancesRequest.getDefaultInstance()));
      assertError(
          Status.Code.INVALID_ARGUMENT,
          "INVALID_ACCOUNT_ID",
          () ->
              support()
                  .listEvents(ListEventsRequest.newBuilder().setAccountId("ACC-1; --").build()));
      assertError(
          Status.Code.NOT_FOUND,
          "ACCOUNT_NOT_FOUND",
          () ->
              support()
                  .describeBillingRecords(
                      DescribeBillingRecordsRequest.newBuilder()
                          .setAccountId("acc-zzzzzzzz")
                          .build()));
      assertThat(audit.lines()).as("refused reads are not support reads").isEmpty();
    }
    assertError(
        Status.Code.PERMISSION_DENIED,
        "TENANT_KEY_REQUIRED",
        () ->
            support()
                .renewInstances(
                    RenewInstancesRequest.newBuilder()
                        .addInstanceIds(aliceInstances.get(1).getInstanceId())
                        .setPeriodMonths(1)
                        .build()));
  }

  @Test
  void aTenantKeyReadsOnlyItsOwnAccount() {
    assertThat(
            server
                .tenant(bob)
                .describeInstances(
                    DescribeInstancesRequest.newBuilder().setAccountId(bob.accountId()).build())
                .getInstancesList())
        .hasSize(1);
    for (String other : List.of(alice.accountId(), "acc-zzzzzzzz")) {
      assertError(
          Status.Code.PERMISSION_DENIED,
          "OTHER_ACCOUNT",
          () ->
              server
                  .tenant(bob)
                  .describeInstances(
                      DescribeInstancesRequest.newBuilder().setAccountId(other).build()));
      assertError(
          Status.Code.PERMISSION_DENIED,
          "OTHER_ACCOUNT",
          () ->
              server
                  .tenant(bob)
                  .listEvents(ListEventsRequest.newBuilder().setAccountId(other).build()));
    }
  }
}
