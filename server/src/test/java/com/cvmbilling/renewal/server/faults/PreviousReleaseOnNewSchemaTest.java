package com.cvmbilling.renewal.server.faults;

import static org.assertj.core.api.Assertions.assertThat;

import com.cvmbilling.renewal.server.testing.PreviousRelease;
import com.cvmbilling.renewal.server.testing.ServerProcess;
import com.cvmbilling.renewal.server.testing.TestDatabases;
import com.cvmbilling.renewal.server.testing.Tier;
import com.cvmbilling.renewal.v1.BillingRecord;
import com.cvmbilling.renewal.v1.DescribeAccountRequest;
import com.cvmbilling.renewal.v1.DescribeBillingRecordsRequest;
import com.cvmbilling.renewal.v1.DescribeBillingRecordsResponse;
import com.cvmbilling.renewal.v1.DescribeInstancesRequest;
import com.cvmbilling.renewal.v1.DescribeInstancesResponse;
import com.cvmbilling.renewal.v1.Event;
import com.cvmbilling.renewal.v1.Instance;
import com.cvmbilling.renewal.v1.ListEventsRequest;
import com.cvmbilling.renewal.v1.RenewalServiceGrpc;
import com.cvmbilling.renewal.v1.RenewalServiceGrpc.RenewalServiceBlockingStub;
import io.grpc.stub.MetadataUtils;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A rolling upgrade's middle state (issue #12 point 7): {@code renewal-server migrate} of this
 * build brings a fresh MariaDB database to the new schema, then the previous release's jar (built
 * from its commit, {@link PreviousRelease}) and this build serve it side by side. The fault suite's
 * load goes through both (accounts and keys created by the old release; repeated client tokens land
 * on either version), every money invariant holds afterwards, and both versions read the same
 * instances, billing records and events for every account: the migrations are additive and neither
 * version writes a row the other cannot read.
 */
@Tier.Process
@Tier.Network
@Tier.MariaDb
class PreviousReleaseOnNewSchemaTest {
  private static final Logger log = LoggerFactory.getLogger(PreviousReleaseOnNewSchemaTest.class);

  @Test
  @Timeout(value = 25, unit = TimeUnit.MINUTES)
  void thePreviousReleaseServesBesideThisOneOnTheMigratedSchema() throws Exception {
    Path previousJar = PreviousRelease.jar();
    try (TestDatabases.TestDatabase db = TestDatabases.mariaDb()) {
      String url = db.settings().url();
      // The operator's separate step before the rolling upgrade, as a process of this build.
      List<String> migrate =
          new ArrayList<>(
              List.of("migrate", "--db-url", url, "--db-user", TestDatabases.mariaDbUser()));
      if (!TestDatabases.mariaDbPassword().isEmpty()) {
        migrate.addAll(List.of("--db-password", TestDatabases.mariaDbPassword()));
      }
      try (ServerProcess migrator = ServerProcess.launch("migrate", migrate)) {
        assertThat(migrator.awaitExit(Duration.ofMinutes(2)))
            .as("renewal-server migrate: %s", migrator.output())
            .isZero();
        assertThat(migrator.output()).contains("as this build expects");
      }

      try (ServerProcess previous =
              ServerProcess.startJar(
                  "previous-release",
                  previousJar,
                  FaultProfile.serverJvmArgs(),
                  FaultProfile.serverArgs(url),
                  FaultProfile.env());
          ServerProcess current =
              ServerProcess.start(
                  "this-release",
                  FaultProfile.serverJvmArgs(),
                  FaultProfile.serverArgs(url),
                  FaultProfile.env())) {
        FaultWorkload workload =
            new FaultWorkload(
                FaultProfile.ADMIN_KEY,
                new FaultWorkload.Shape(3, 20, 6, 20, 2, 10, 1_500, 0.30, 0.10, 0.05, 0.60, 24));
        FaultClient client =
            new FaultClient(
                List.of(previous.port(), current.port()),
                Duration.ofSeconds(10),
                FaultProfile.giveUpAfter());
        try (client) {
          // Accounts, keys and instances are created through the previous release.
          workload.setUp(client.channel(0), 2);
          workload.run(client, List.of(), FaultProfile.loadTimeout());
        }
        List<FaultClient.Attempt> attempts = client.attempts();
        for (int endpoint = 0; endpoint < 2; endpoint++) {
          int e = endpoint;
          assertThat(attempts.stream().filter(a -> a.endpoint() == e && a.ok()).count())
              .as("calls answered by %s", e == 0 ? "the previous release" : "this release")
              .isPositive();
        }
        assertThat(
                attempts.stream()
                    .filter(
                        a ->
                            a.outcome().startsWith("INTERNAL")
                                || a.outcome().startsWith("UNKNOWN")))
            .as("attempts answered INTERNAL or UNKNOWN")
            .isEmpty();
        InvariantChecker checker =
            new InvariantChecker(url, TestDatabases.mariaDbUser(), TestDatabases.mariaDbPassword());
        InvariantChecker.Summary summary = checker.check(workload);
        log.info("invariants with both releases serving: {}", summary);
        assertThat(checker.problems()).as("invariant violations").isEmpty();
        assertThat(summary.succeeded() + summary.insufficient()).isEqualTo(workload.calls.size());

        int events = 0;
        for (FaultWorkload.Account account : workload.accounts) {
          Reads old = reads(previous, account.apiKey());
          Reads now = reads(current, account.apiKey());
          assertThat(old).as("account %s read by each release", account.accountId()).isEqualTo(now);
          events += old.events().size();
        }
        assertThat(events).as("events written by both releases").isPositive();
        assertThat(previous.output()).doesNotContain("Exception");
      }
    }
  }

  /** What a tenant reads, reduced to the fields both releases define. */
  record Reads(String balance, List<String> instances, List<String> records, List<String> events) {}

  private static Reads reads(ServerProcess server, String apiKey) {
    RenewalServiceBlockingStub stub =
        RenewalServiceGrpc.newBlockingStub(server.channel())
            .withInterceptors(
                MetadataUtils.newAttachHeadersInterceptor(FaultWorkload.bearer(apiKey)))
            .withDeadlineAfter(30, TimeUnit.SECONDS);
    String balance =
        stub.describeAccount(DescribeAccountRequest.getDefaultInstance())
            .getAccount()
            .getBalance()
            .toString();
    List<String> instances = new ArrayList<>();
    String token = "";
    do {
      DescribeInstancesResponse page =
          stub.describeInstances(
              DescribeInstancesRequest.newBuilder().setPageSize(100).setPageToken(token).build());
      for (Instance i : page.getInstancesList()) {
        instances.add(
            i.getInstanceId()
                + " "
                + i.getState()
                + " "
                + i.getExpiredTime()
                + " "
                + i.getRenewFlag()
                + " "
                + i.getBandwidthMbps());
      }
      token = page.getNextPageToken();
    } while (!token.isEmpty());
    List<String> records = new ArrayList<>();
    token = "";
    do {
      DescribeBillingRecordsResponse page =
          stub.describeBillingRecords(
              DescribeBillingRecordsRequest.newBuilder()
                  .setPageSize(100)
                  .setPageToken(token)
                  .build());
      for (BillingRecord r : page.getRecordsList()) {
        records.add(
            r.getRecordId() + " " + r.getOrderId() + " " + r.getType() + " " + r.getAmount());
      }
      token = page.getNextPageToken();
    } while (!token.isEmpty());
    List<String> events = new ArrayList<>();
    long after = 0;
    while (true) {
      List<Event> page =
          stub.listEvents(
                  ListEventsRequest.newBuilder().setAfterEventId(after).setPageSize(100).build())
              .getEventsList();
      if (page.isEmpty()) {
        break;
      }
      for (Event e : page) {
        events.add(e.getEventId() + " " + e.getType() + " " + e.getInstanceId());
      }
      after = page.get(page.size() - 1).getEventId();
    }
    return new Reads(balance, instances, records, events);
  }
}
