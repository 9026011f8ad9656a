package com.cvmbilling.renewal.client;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.cvmbilling.renewal.client.error.InstanceNotFoundException;
import com.cvmbilling.renewal.client.model.NewAccount;
import com.cvmbilling.renewal.client.testing.DropResponses;
import com.cvmbilling.renewal.client.testing.RealServer;
import com.cvmbilling.renewal.server.testing.Tier;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** Opt-in SLF4J logging of calls and retries, never showing an API key. */
@Tier.H2
@Tier.Network
class LoggingTest {
  private final Logger logger =
      (Logger) LoggerFactory.getLogger("com.cvmbilling.renewal.client.calls");
  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

  @BeforeEach
  void capture() {
    appender.start();
    logger.addAppender(appender);
    logger.setLevel(Level.TRACE);
  }

  @AfterEach
  void release() {
    logger.detachAppender(appender);
    logger.setLevel(null);
  }

  private List<String> lines() {
    return appender.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
  }

  @Test
  void logsCallsAndRetriesWithKeysRedacted() {
    DropResponses drop = new DropResponses("RenewInstances");
    try (RealServer server = RealServer.start(drop)) {
      NewAccount account;
      try (AdminClient admin =
          AdminClient.newBuilder()
              .target(server.target())
              .plaintext()
              .apiKey(RealServer.ADMIN_KEY)
              .logging(true)
              .build()) {
        account =
            admin.createAccount(
                "logged",
                java.time.ZoneId.of("UTC"),
                com.cvmbilling.renewal.client.model.Amount.cny("500.00"));
      }
      String instanceId =
          server
              .createPrepaid(
                  account.account().accountId(), 1, Instant.now().plus(3, ChronoUnit.DAYS))
              .get(0)
              .instanceId();
      drop.dropNext(1);
      try (RenewalClient client = server.tenantBuilder(account.apiKey()).logging(true).build()) {
        client.renewInstances(List.of(instanceId), 1);
      }

      List<String> lines = lines();
      assertThat(lines).anyMatch(l -> l.startsWith("call CreateAccount attempt 1"));
      assertThat(lines)
          .anyMatch(l -> l.contains("CreateAccount") && l.contains("api_key: \"***\""));
      assertThat(lines)
          .anyMatch(
              l ->
                  l.startsWith("retry RenewInstances")
                      && l.contains("UNAVAILABLE")
                      && l.contains("client_token=sdk-"));
      assertThat(lines)
          .anyMatch(l -> l.startsWith("call RenewInstances OK") && l.contains("attempts=2"));
      assertThat(lines)
          .allSatisfy(
              l -> {
                assertThat(l).doesNotContain(account.apiKey());
                assertThat(l).doesNotContain(RealServer.ADMIN_KEY);
              });
    }
  }

  /**
   * With the logger at INFO, the default level of usual setups, logging(true) shows every call with
   * its outcome, its retries and its failure, and nothing of DEBUG (attempts) or TRACE (bodies).
   */
  @Test
  void callsShowAtInfo() {
    logger.setLevel(Level.INFO);
    DropResponses drop = new DropResponses("RenewInstances");
    String apiKey;
    try (RealServer server = RealServer.start(drop)) {
      NewAccount account = server.createAccount("500.00");
      apiKey = account.apiKey();
      String instanceId =
          server
              .createPrepaid(
                  account.account().accountId(), 1, Instant.now().plus(3, ChronoUnit.DAYS))
              .get(0)
              .instanceId();
      try (RenewalClient client = server.tenantBuilder(apiKey).logging(true).build()) {
        client.describeAccount();
        drop.dropNext(1);
        client.renewInstances(List.of(instanceId), 1);
        try {
          client.renewInstances(List.of("ins-zzzz9999"), 1);
        } catch (InstanceNotFoundException expected) {
          // logged as a failed call
        }
      }
    }
    assertThat(appender.list).allSatisfy(e -> assertThat(e.getLevel()).isEqualTo(Level.INFO));
    List<String> lines = lines();
    assertThat(lines)
        .anyMatch(l -> l.startsWith("call DescribeAccount OK") && l.contains("attempts=1"));
    assertThat(lines)
        .anyMatch(l -> l.startsWith("retry RenewInstances") && l.contains("UNAVAILABLE"));
    assertThat(lines)
        .anyMatch(l -> l.startsWith("call RenewInstances OK") && l.contains("attempts=2"));
    assertThat(lines)
        .anyMatch(
            l ->
                l.startsWith("call RenewInstances failed")
                    && l.contains("INSTANCE_NOT_FOUND")
                    && l.contains("attempts=1"));
    assertThat(lines).noneMatch(l -> l.matches("call \\w+ attempt \\d+ .*")); // DEBUG
    assertThat(lines).allSatisfy(l -> assertThat(l).doesNotContain(apiKey));
  }

  @Test
  void logsNothingUnlessEnabled() {
    try (RealServer server = RealServer.start();
        AdminClient admin = server.admin()) {
      admin.createApiKey(server.createAccount("1.00").account().accountId());
    }
    assertThat(appender.list).isEmpty();
  }
}
