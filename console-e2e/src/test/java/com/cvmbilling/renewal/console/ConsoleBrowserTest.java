package com.cvmbilling.renewal.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.openqa.selenium.support.ui.ExpectedConditions.textToBePresentInElementLocated;
import static org.openqa.selenium.support.ui.ExpectedConditions.visibilityOfElementLocated;

import com.cvmbilling.renewal.server.testing.ServerProcess;
import com.cvmbilling.renewal.server.testing.TestDatabases;
import com.cvmbilling.renewal.server.testing.Tier;
import com.cvmbilling.renewal.v1.BillingRecord;
import com.cvmbilling.renewal.v1.CreateAccountResponse;
import com.cvmbilling.renewal.v1.CreateInstancesRequest;
import com.cvmbilling.renewal.v1.DescribeRenewalForecastResponse;
import com.cvmbilling.renewal.v1.InquiryPriceRenewInstancesResponse;
import com.cvmbilling.renewal.v1.InquiryPriceUnifiedExpiryResponse;
import com.cvmbilling.renewal.v1.Instance;
import com.cvmbilling.renewal.v1.InstanceRenewal;
import com.cvmbilling.renewal.v1.RenewFlag;
import com.google.protobuf.Timestamp;
import com.google.protobuf.util.Timestamps;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestWatcher;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The console (/console) in a real headless Chromium against the packaged server jar on MariaDB
 * (issue #10's browser scenarios). Every test makes its own account through the admin API, drives
 * the page as a user would (clicks, keys), and checks what the server has through the API, not only
 * what the page shows. The server runs on a test clock started at the real now (frozen, so no
 * lifecycle step runs by itself while a test looks at the page).
 */
@Tier.Browser
@Tier.Process
@Tier.MariaDb
@Tier.Network
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class ConsoleBrowserTest {
  private static final String ADMIN = "console-e2e-admin-key-0123456789";
  private static final ZoneId SHANGHAI = ZoneId.of("Asia/Shanghai");
  private static final DateTimeFormatter SHOWN =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").withZone(SHANGHAI);
  private static final Duration WAIT = Duration.ofSeconds(20);

  private TestDatabases.TestDatabase db;
  private ServerProcess server;
  private Browser browser;
  private WebDriver driver;
  private WebDriverWait wait;
  private Api api;
  private String consoleUrl;

  @RegisterExtension
  final TestWatcher printServerLogOnFailure =
      new TestWatcher() {
        @Override
        public void testFailed(ExtensionContext context, Throwable cause) {
          if (server != null) {
            System.out.println(server.describe());
          }
          if (driver != null) {
            System.out.println("page at failure: " + driver.getCurrentUrl());
            browserLog().forEach(e -> System.out.println("browser: " + e));
            screenshot("failure-" + context.getDisplayName().replaceAll("\\W+", "-"));
          }
        }
      };

  @BeforeAll
  void startServerAndBrowser() {
    browser = Browser.start(); // first: no browser, no need for a database and a server
    driver = browser.driver;
    wait = new WebDriverWait(driver, WAIT);
    db = TestDatabases.mariaDb("console");
    int httpPort = ServerProcess.freePort();
    server =
        ServerProcess.startJar(
            "console",
            ServerProcess.serverJar(),
            List.of("-Xmx384m"),
            List.of(
                "--port",
                "0",
                "--http-port",
                Integer.toString(httpPort),
                "--db-url",
                db.settings().url(),
                "--db-pool-size",
                "4",
                "--test-clock",
                "--admin-key",
                ADMIN),
            Map.of(
                "RENEWAL_DB_USER",
                TestDatabases.mariaDbUser(),
                "RENEWAL_DB_PASSWORD",
                TestDatabases.mariaDbPassword()));
    api = new Api(httpPort, ADMIN);
    consoleUrl = api.base() + "/console";
  }

  @AfterAll
  void stopAll() {
    if (browser != null) {
      browser.close();
    }
    if (server != null) {
      server.close();
    }
    if (db != null) {
      db.close();
    }
  }

  @BeforeEach
  void desktopSize() {
    driver.manage().window().setSize(new Dimension(1280, 800));
  }

  @AfterEach
  void noPolicyViolationsOrScriptErrors() {
    // The page runs under CSP default-src 'self': a violation or an uncaught error shows here.
    assertThat(browserLog())
        .as("the browser's console")
        .noneMatch(e -> e.contains("Content Security Policy") || e.contains("Uncaught"));
  }

  // ---------------------------------------------------------------------------------------------

  @Test
  void signInWithTheTenantKeyOnly() {
    Tenant t = tenant("Sign-in Ltd", 1_000);
    clearSession();
    WebElement key = wait.until(visibilityOfElementLocated(By.id("api-key")));
    key.sendKeys("not-a-key");
    driver.findElement(By.id("sign-in-button")).click();
    wait.until(textToBePresentInElementLocated(By.id("sign-in-error"), "Key not accepted"));
    assertThat(driver.findElement(By.id("app")).isDisplayed()).isFalse();

    // The admin key is refused too: the console is for tenants.
    key.clear();
    key.sendKeys(ADMIN);
    driver.findElement(By.id("sign-in-button")).click();
    wait.until(textToBePresentInElementLocated(By.id("sign-in-error"), "tenant key"));

    key.clear();
    key.sendKeys(t.key + Keys.ENTER);
    wait.until(visibilityOfElementLocated(By.id("app")));
    wait.until(textToBePresentInElementLocated(By.id("balance"), "CNY 1,000.00"));
    assertThat(text("account-name")).contains("Sign-in Ltd").contains(t.id);
    assertThat(text("time-zone")).isEqualTo("Asia/Shanghai");
    // Kept for the tab, never in the address.
    assertThat(driver.getCurrentUrl()).doesNotContain(t.key);
    assertThat(js("return sessionStorage.getItem('renewal.console.apiKey')")).isEqualTo(t.key);

    driver.navigate().refresh(); // a reload signs in again from the tab's session
    wait.until(textToBePresentInElementLocated(By.id("balance"), "CNY 1,000.00"));
    driver.findElement(By.id("sign-out")).click();
    wait.until(visibilityOfElementLocated(By.id("api-key")));
    assertThat(js("return sessionStorage.getItem('renewal.console.apiKey')")).isNull();
  }

  @Test
  void filterExpiresWithinSevenFifteenThirtyDays() {
    Tenant t = tenant("Filters Ltd", 1_000);
    String in3 = expiringIn(t, Duration.ofDays(3).plusHours(12));
    String in10 = expiringIn(t, Duration.ofDays(10).plusHours(12));
    String in20 = expiringIn(t, Duration.ofDays(20).plusHours(12));
    String in45 = expiringIn(t, Duration.ofDays(45).plusHours(12));
    String postpaid = postpaid(t);
    signIn(t);
    awaitRows(in3, in10, in20, in45); // postpaid hidden by default

    filterExpiry("7");
    awaitRows(in3);
    assertThat(cellText(in3, "days-left")).isEqualTo("3 days");
    assertThat(cellText(in3, "expiry"))
        .isEqualTo(
            SHOWN.format(
                Instant.ofEpochSecond(api.instance(t.key, in3).getExpiredTime().getSeconds())));
    assertThat(cellText(in3, "renew-flag")).isEqualTo("Manual, with reminders");
    assertThat(cellText(in3, "state")).isEqualTo("Running");
    filterExpiry("15");
    awaitRows(in3, in10);
    filterExpiry("30");
    awaitRows(in3, in10, in20);
    filterExpiry("");
    driver.findElement(By.id("filter-postpaid")).click();
    awaitRows(in3, in10, in20, in45, postpaid);
    screenshot("list");
  }

  @Test
  void pagesWithPageTokensAndASelectionAcrossPages() {
    Tenant t = tenant("Pages Ltd", 1_000);
    List<String> all =
        api
            .createInstances(
                CreateInstancesRequest.newBuilder()
                    .setAccountId(t.id)
                    .setInstanceType("S5.SMALL2")
                    .setChargeType(Instance.ChargeType.PREPAID)
                    .setBandwidthMbps(5)
                    .setCount(25)
                    .setPeriodMonths(1)
                    .setClientToken(UUID.randomUUID().toString())
                    .build())
            .stream()
            .map(Instance::getInstanceId)
            .toList();
    signIn(t);
    wait.until(d -> rowIds().size() == 20); // the page size the console asks for
    List<String> first = rowIds();
    assertThat(driver.findElement(By.id("instances-prev")).isEnabled()).isFalse();
    select(first.get(0));

    driver.findElement(By.id("instances-next")).click();
    wait.until(d -> rowIds().size() == 5);
    List<String> second = rowIds();
    assertThat(text("instances-page")).isEqualTo("Page 2");
    assertThat(driver.findElement(By.id("instances-next")).isEnabled()).isFalse();
    List<String> both = new ArrayList<>(first);
    both.addAll(second);
    assertThat(both).containsExactlyInAnyOrderElementsOf(all);
    select(second.get(0));
    wait.until(textToBePresentInElementLocated(By.id("selection-count"), "2 selected"));

    driver.findElement(By.id("instances-prev")).click();
    wait.until(d -> rowIds().equals(first));
    assertThat(row(first.get(0)).findElement(By.className("select-instance")).isSelected())
        .isTrue();
  }

  @Test
  void renewTwoInstancesForTwelveMonthsWithMoreBandwidth() {
    Tenant t = tenant("Renew Ltd", 10_000);
    String a = expiringIn(t, Duration.ofDays(20));
    String b = expiringIn(t, Duration.ofDays(25));
    signIn(t);
    awaitRows(a, b);
    select(a, b);
    driver.findElement(By.id("open-renew")).click();
    WebElement dialog = wait.until(visibilityOfElementLocated(By.id("renew-dialog")));
    new Select(driver.findElement(By.id("renew-period"))).selectByValue("12");
    driver.findElement(By.id("renew-bandwidth")).sendKeys("10");

    // The preview is the server's price for exactly this order.
    InquiryPriceRenewInstancesResponse price =
        api.inquiryRenew(
            t.key,
            "{\"instanceIds\":[\""
                + a
                + "\",\""
                + b
                + "\"],\"periodMonths\":12,\"bandwidthMbps\":10}");
    String total = "CNY " + yuan(price.getTotalPrice());
    wait.until(textToBePresentInElementLocated(By.id("renew-total"), total));
    assertThat(text("renew-balance-after"))
        .isEqualTo("CNY " + yuan(10_000_000_000_000L - nanos(price.getTotalPrice())));
    assertThat(text("renew-upgrade")).isNotEqualTo("CNY 0.00"); // 5 -> 10 Mbps costs extra
    assertThat(text("renew-discount")).startsWith("−CNY"); // 12 months are discounted
    screenshot("renew-dialog");

    driver.findElement(By.id("renew-pay")).click();
    wait.until(textToBePresentInElementLocated(By.id("list-message"), "Renewed 2 instance(s)"));
    assertThat(dialog.isDisplayed()).isFalse();

    // What the server did: the priced expiries and bandwidth, one order in the ledger.
    for (InstanceRenewal r : price.getRenewalsList()) {
      Instance now = api.instance(t.key, r.getInstanceId());
      assertThat(now.getExpiredTime()).isEqualTo(r.getNewExpiredTime());
      assertThat(now.getBandwidthMbps()).isEqualTo(10);
      // ... and the list shows it.
      String shown = SHOWN.format(Instant.ofEpochSecond(r.getNewExpiredTime().getSeconds()));
      wait.until(d -> cellText(r.getInstanceId(), "expiry").equals(shown));
      assertThat(cellText(r.getInstanceId(), "bandwidth")).isEqualTo("10 Mbps");
    }
    List<BillingRecord> charges = debits(t);
    assertThat(charges).isNotEmpty();
    assertThat(charges.stream().map(BillingRecord::getOrderId).distinct()).hasSize(1);
    assertThat(charges.stream().mapToLong(r -> -nanos(r.getAmount())).sum())
        .isEqualTo(nanos(price.getTotalPrice()));
    // The ledger panel shows those entries, with the balance after.
    wait.until(
        d ->
            d.findElements(By.cssSelector("#ledger tbody tr[data-type='RENEW']")).size() == 1
                && text("balance").equals("CNY " + yuan(t.balanceAfter(price))));
    List<String> ledger =
        api.records(t.key).stream().map(r -> Long.toString(r.getRecordId())).toList();
    wait.until(d -> ledgerRecordIds().equals(ledger));
  }

  @Test
  void doubleClickOnPayChargesOnce() {
    Tenant t = tenant("Double Click Ltd", 1_000);
    String a = expiringIn(t, Duration.ofDays(12));
    Timestamp before = api.instance(t.key, a).getExpiredTime();
    signIn(t);
    awaitRows(a);
    select(a);
    driver.findElement(By.id("open-renew")).click();
    wait.until(visibilityOfElementLocated(By.id("renew-dialog")));
    wait.until(d -> !text("renew-total").equals("–"));
    new Actions(driver).doubleClick(driver.findElement(By.id("renew-pay"))).perform();
    wait.until(textToBePresentInElementLocated(By.id("list-message"), "Renewed 1 instance(s)"));

    // Through the API: one charge, one month more.
    List<BillingRecord> charges = debits(t);
    assertThat(charges).hasSize(1);
    assertThat(charges.get(0).getType()).isEqualTo(BillingRecord.Type.RENEW);
    Instant old = Instant.ofEpochSecond(before.getSeconds());
    assertThat(Instant.ofEpochSecond(api.instance(t.key, a).getExpiredTime().getSeconds()))
        .isEqualTo(ZonedDateTime.ofInstant(old, SHANGHAI).plusMonths(1).toInstant());
  }

  @Test
  void insufficientBalanceIsShownAndChangesNothing() {
    Tenant t = tenant("Poor Ltd", 10);
    String a = expiringIn(t, Duration.ofDays(12));
    Instance before = api.instance(t.key, a);
    signIn(t);
    awaitRows(a);
    select(a);
    driver.findElement(By.id("open-renew")).click();
    wait.until(visibilityOfElementLocated(By.id("renew-dialog")));
    new Select(driver.findElement(By.id("renew-period"))).selectByValue("12");
    wait.until(d -> !text("renew-total").equals("–"));
    assertThat(text("renew-balance-after")).startsWith("−CNY"); // shown; the server decides
    driver.findElement(By.id("renew-pay")).click();
    wait.until(
        textToBePresentInElementLocated(
            By.id("renew-error"), "Insufficient balance: the account balance does not cover"));
    assertThat(driver.findElement(By.id("renew-dialog")).isDisplayed()).isTrue();

    assertThat(api.instance(t.key, a)).isEqualTo(before);
    assertThat(api.account(t.key).getBalance().getUnits()).isEqualTo(10);
    assertThat(debits(t)).isEmpty();
    assertThat(text("balance")).isEqualTo("CNY 10.00");

    // An invalid bandwidth is refused next to its field.
    driver.findElement(By.id("renew-bandwidth")).sendKeys("5000");
    wait.until(
        textToBePresentInElementLocated(By.id("renew-bandwidth-error"), "Invalid bandwidth"));
    driver.switchTo().activeElement().sendKeys(Keys.ESCAPE);
    wait.until(d -> !d.findElement(By.id("renew-dialog")).isDisplayed());
  }

  @Test
  void refusalsAreShownNextToTheInstanceOrFieldConcerned() {
    Tenant t = tenant("Mixed Ltd", 1_000);
    String prepaid = expiringIn(t, Duration.ofDays(12));
    String postpaid = postpaid(t);
    signIn(t);
    driver.findElement(By.id("filter-postpaid")).click();
    awaitRows(prepaid, postpaid);
    select(prepaid, postpaid);

    // Renewing a postpaid instance: the server's NOT_PREPAID, next to that instance only.
    driver.findElement(By.id("open-renew")).click();
    wait.until(visibilityOfElementLocated(By.id("renew-dialog")));
    By postpaidRefusal =
        By.cssSelector("#renew-instances li[data-instance-id='" + postpaid + "'] .refusal");
    wait.until(textToBePresentInElementLocated(postpaidRefusal, "Not a prepaid instance"));
    assertThat(
            driver
                .findElement(
                    By.cssSelector(
                        "#renew-instances li[data-instance-id='" + prepaid + "'] .refusal"))
                .getText())
        .isEmpty();
    driver.findElement(By.id("renew-cancel")).click();

    // A day the server does not offer: next to the day field.
    driver.findElement(By.id("open-align")).click();
    wait.until(visibilityOfElementLocated(By.id("align-dialog")));
    driver.findElement(By.id("align-day")).sendKeys("31");
    wait.until(textToBePresentInElementLocated(By.id("align-day-error"), "Invalid day"));
    driver.findElement(By.id("align-cancel")).click();
    assertThat(debits(t)).isEmpty();
  }

  @Test
  void toggleAutoRenew() {
    Tenant t = tenant("Auto Ltd", 1_000);
    String a = expiringIn(t, Duration.ofDays(12));
    signIn(t);
    awaitRows(a);
    select(a);
    driver.findElement(By.id("open-auto-renew")).click();
    wait.until(visibilityOfElementLocated(By.id("auto-renew-dialog")));
    driver.findElement(By.id("flag-auto")).click();
    new Select(driver.findElement(By.id("auto-renew-period"))).selectByValue("3");
    driver.findElement(By.id("auto-renew-save")).click();
    wait.until(d -> cellText(a, "renew-flag").equals("Auto-renew every 3 months"));
    Instance on = api.instance(t.key, a);
    assertThat(on.getRenewFlag()).isEqualTo(RenewFlag.NOTIFY_AND_AUTO_RENEW);
    assertThat(on.getAutoRenewPeriodMonths()).isEqualTo(3);

    select(a);
    driver.findElement(By.id("open-auto-renew")).click();
    wait.until(visibilityOfElementLocated(By.id("auto-renew-dialog")));
    driver.findElement(By.id("flag-manual")).click();
    driver.findElement(By.id("auto-renew-save")).click();
    wait.until(d -> cellText(a, "renew-flag").equals("Manual, with reminders"));
    assertThat(api.instance(t.key, a).getRenewFlag()).isEqualTo(RenewFlag.NOTIFY_AND_MANUAL_RENEW);
    assertThat(debits(t)).isEmpty();
  }

  @Test
  void alignToTheFifteenth() {
    Tenant t = tenant("Align Ltd", 5_000);
    String a = expiringIn(t, Duration.ofDays(9));
    String b = expiringIn(t, Duration.ofDays(40));
    signIn(t);
    awaitRows(a, b);
    select(a, b);
    driver.findElement(By.id("open-align")).click();
    wait.until(visibilityOfElementLocated(By.id("align-dialog")));
    driver.findElement(By.id("align-day")).sendKeys("15");

    InquiryPriceUnifiedExpiryResponse price =
        api.inquiryUnified(
            t.key, "{\"instanceIds\":[\"" + a + "\",\"" + b + "\"],\"expiryDay\":15}");
    wait.until(textToBePresentInElementLocated(By.id("align-total"), yuan(price.getTotalPrice())));
    for (InstanceRenewal r : price.getRenewalsList()) {
      WebElement row =
          driver.findElement(
              By.cssSelector("#align-preview tr[data-instance-id='" + r.getInstanceId() + "']"));
      long extraDays =
          Math.round(
              (Timestamps.toMillis(r.getNewExpiredTime())
                      - Timestamps.toMillis(r.getOldExpiredTime()))
                  / 86_400_000.0);
      assertThat(row.findElement(By.className("extra-days")).getText())
          .isEqualTo(Long.toString(extraDays));
      assertThat(row.findElement(By.className("new-expiry")).getText())
          .isEqualTo(SHOWN.format(Instant.ofEpochMilli(Timestamps.toMillis(r.getNewExpiredTime()))))
          .matches("\\d{4}-\\d{2}-15 00:00");
    }
    screenshot("same-expiry-dialog");
    driver.findElement(By.id("align-confirm")).click();
    wait.until(textToBePresentInElementLocated(By.id("list-message"), "Aligned 2 instance(s)"));

    for (String id : List.of(a, b)) {
      Instant expiry = Instant.ofEpochSecond(api.instance(t.key, id).getExpiredTime().getSeconds());
      ZonedDateTime local = expiry.atZone(SHANGHAI);
      assertThat(local.getDayOfMonth()).isEqualTo(15);
      assertThat(local.toLocalTime().toSecondOfDay()).isZero();
      wait.until(d -> cellText(id, "expiry").equals(SHOWN.format(expiry)));
    }
    assertThat(debits(t).stream().mapToLong(r -> -nanos(r.getAmount())).sum())
        .isEqualTo(nanos(price.getTotalPrice()));
  }

  @Test
  void eventFeedShowsWhatAnotherClientDoes() {
    Tenant t = tenant("Feed Ltd", 2_000);
    String a = expiringIn(t, Duration.ofDays(12));
    signIn(t);
    awaitRows(a);
    // On the Server-Sent Events stream (not the polling fallback for servers without it).
    wait.until(textToBePresentInElementLocated(By.id("feed-status"), "live"));
    Timestamp before = api.instance(t.key, a).getExpiredTime();

    // Another client renews while the page is open; the page is not reloaded.
    Object marker = js("window.__notReloaded = true; return true;");
    assertThat(marker).isEqualTo(true);
    api.renew(
        t.key,
        "{\"instanceIds\":[\""
            + a
            + "\"],\"periodMonths\":1,\"clientToken\":\""
            + UUID.randomUUID()
            + "\"}");
    WebElement item =
        wait.until(
            visibilityOfElementLocated(
                By.cssSelector("#events li[data-type='RENEWED'][data-instance-id='" + a + "']")));
    assertThat(item.getText()).contains(a + " renewed until");
    assertThat(js("return window.__notReloaded === true")).isEqualTo(true);
    // The rest of the page follows: the new expiry in the list, the charge in the ledger.
    Timestamp after = api.instance(t.key, a).getExpiredTime();
    assertThat(after).isNotEqualTo(before);
    wait.until(
        d -> cellText(a, "expiry").equals(SHOWN.format(Instant.ofEpochSecond(after.getSeconds()))));
    wait.until(
        d -> d.findElements(By.cssSelector("#ledger tbody tr[data-type='RENEW']")).size() == 1);
    WebElement side = driver.findElement(By.cssSelector("aside.side"));
    screenshot("account-and-feed", side);
  }

  @Test
  void upcomingRenewalsHighlightTheInstancesAtRisk() {
    // 1,100.00: the yearly auto-renewal (1,020.00) is covered, the monthly one after it is not.
    Tenant t = tenant("Forecast Ltd", 1_100);
    String yearly = autoRenewing(t, Duration.ofDays(10), 12);
    String monthly = autoRenewing(t, Duration.ofDays(20), 1);
    String manual = expiringIn(t, Duration.ofDays(15));
    DescribeRenewalForecastResponse forecast =
        api.get(
            t.key,
            "/v1/renewalForecast?horizonDays=90",
            DescribeRenewalForecastResponse.getDefaultInstance());
    assertThat(forecast.getAtRiskInstanceIdsList()).containsExactly(monthly);

    signIn(t);
    awaitRows(yearly, monthly, manual);
    // The panel: every charge of the forecast, the uncovered one marked, the shortfall in words.
    wait.until(
        d ->
            d.findElements(By.cssSelector("#forecast tbody tr")).size()
                == forecast.getChargesCount());
    WebElement risky =
        driver.findElement(
            By.cssSelector("#forecast tbody tr[data-instance-id='" + monthly + "']"));
    assertThat(risky.getAttribute("class")).contains("at-risk");
    assertThat(risky.getText()).contains("not covered");
    assertThat(
            driver
                .findElement(
                    By.cssSelector("#forecast tbody tr[data-instance-id='" + yearly + "']"))
                .getAttribute("class"))
        .doesNotContain("at-risk");
    assertThat(text("forecast-shortfall"))
        .contains(SHOWN.format(Instant.ofEpochSecond(forecast.getShortfallTime().getSeconds())))
        .contains(monthly);
    // ... and the list marks the same instance, only that one.
    wait.until(d -> row(monthly).getAttribute("class").contains("at-risk"));
    assertThat(cellText(monthly, "instance-id")).contains("At risk");
    assertThat(row(yearly).getAttribute("class")).doesNotContain("at-risk");
    assertThat(row(manual).getAttribute("class")).doesNotContain("at-risk");
    screenshot("upcoming-renewals", driver.findElement(By.id("forecast-panel")));
  }

  @Test
  void reloadsLeaveNoStreamBehind() {
    Tenant t = tenant("Reload Ltd", 1_000);
    String a = expiringIn(t, Duration.ofDays(12));
    signIn(t);
    // More reloads than a browser's six connections per host: each page's event stream must be
    // closed when it goes, or the next pages' calls wait behind the old streams.
    for (int i = 0; i < 8; i++) {
      driver.navigate().refresh();
      wait.until(textToBePresentInElementLocated(By.id("feed-status"), "live"));
    }
    awaitRows(a);
    select(a);
    driver.findElement(By.id("open-renew")).click();
    new WebDriverWait(driver, Duration.ofSeconds(5)).until(d -> !text("renew-total").equals("–"));
  }

  @Test
  void keyboardOnlyAndEscapeReturnsFocus() {
    Tenant t = tenant("Keyboard Ltd", 1_000);
    String a = expiringIn(t, Duration.ofDays(12));
    signIn(t);
    awaitRows(a);
    WebElement box = row(a).findElement(By.className("select-instance"));
    box.sendKeys(Keys.SPACE); // checkboxes toggle with the space bar
    wait.until(textToBePresentInElementLocated(By.id("selection-count"), "1 selected"));
    WebElement open = driver.findElement(By.id("open-renew"));
    open.sendKeys(Keys.ENTER);
    wait.until(visibilityOfElementLocated(By.id("renew-dialog")));
    wait.until(d -> !text("renew-total").equals("–"));
    driver.switchTo().activeElement().sendKeys(Keys.ESCAPE);
    wait.until(d -> !d.findElement(By.id("renew-dialog")).isDisplayed());
    assertThat(driver.switchTo().activeElement().getAttribute("id")).isEqualTo("open-renew");
    assertThat(debits(t)).isEmpty();
  }

  @Test
  void phoneWidthShowsCardsWithoutSidewaysScrolling() {
    Tenant t = tenant("Phone Ltd", 1_000);
    String a = expiringIn(t, Duration.ofDays(5));
    expiringIn(t, Duration.ofDays(16));
    api.renew(
        t.key, "{\"instanceIds\":[\"" + a + "\"],\"periodMonths\":1,\"clientToken\":\"phone-1\"}");
    driver.manage().window().setSize(new Dimension(390, 844));
    signIn(t);
    awaitRows();
    // Every panel filled (the ledger's amounts are the widest cells) before measuring.
    wait.until(d -> d.findElements(By.cssSelector("#ledger tbody tr")).size() == 2);
    assertThat(((Number) js("return document.documentElement.scrollWidth")).intValue())
        .isLessThanOrEqualTo(((Number) js("return window.innerWidth")).intValue());
    // Cards: each cell carries its label (the table head is hidden off screen).
    assertThat(row(a).findElement(By.className("days-left")).getAttribute("data-label"))
        .isEqualTo("Days left");
    assertThat(driver.findElement(By.cssSelector("#instances thead")).getSize().getHeight())
        .isLessThanOrEqualTo(1);
    screenshot("phone");
  }

  // ---------------------------------------------------------------------------------------------

  /** A fresh account (Asia/Shanghai) with its tenant key. */
  record Tenant(String id, String key, long balanceYuan) {
    long balanceAfter(InquiryPriceRenewInstancesResponse price) {
      return balanceYuan * 1_000_000_000L - nanos(price.getTotalPrice());
    }
  }

  private Tenant tenant(String name, long yuan) {
    CreateAccountResponse r = api.createAccount(name, "Asia/Shanghai", yuan);
    return new Tenant(r.getAccount().getAccountId(), r.getApiKey(), yuan);
  }

  /** A prepaid S5.SMALL2 at 5 Mbps, manual renewal, expiring {@code in} from now. */
  /** A postpaid S5.MEDIUM4 at 1 Mbps. */
  private String postpaid(Tenant t) {
    return api.createInstances(
            CreateInstancesRequest.newBuilder()
                .setAccountId(t.id)
                .setInstanceType("S5.MEDIUM4")
                .setChargeType(Instance.ChargeType.POSTPAID_BY_HOUR)
                .setBandwidthMbps(1)
                .build())
        .get(0)
        .getInstanceId();
  }

  private String expiringIn(Tenant t, Duration in) {
    Instant expiry = Instant.now().plus(in).truncatedTo(ChronoUnit.SECONDS);
    return api.createInstances(
            CreateInstancesRequest.newBuilder()
                .setAccountId(t.id)
                .setInstanceType("S5.SMALL2")
                .setChargeType(Instance.ChargeType.PREPAID)
                .setBandwidthMbps(5)
                .setExpiredTime(Timestamps.fromMillis(expiry.toEpochMilli()))
                .setClientToken(UUID.randomUUID().toString())
                .build())
        .get(0)
        .getInstanceId();
  }

  /** A prepaid S5.SMALL2 at 5 Mbps on auto-renew for {@code months}, expiring {@code in}. */
  private String autoRenewing(Tenant t, Duration in, int months) {
    Instant expiry = Instant.now().plus(in).truncatedTo(ChronoUnit.SECONDS);
    return api.createInstances(
            CreateInstancesRequest.newBuilder()
                .setAccountId(t.id)
                .setInstanceType("S5.SMALL2")
                .setChargeType(Instance.ChargeType.PREPAID)
                .setBandwidthMbps(5)
                .setRenewFlag(RenewFlag.NOTIFY_AND_AUTO_RENEW)
                .setAutoRenewPeriodMonths(months)
                .setExpiredTime(Timestamps.fromMillis(expiry.toEpochMilli()))
                .setClientToken(UUID.randomUUID().toString())
                .build())
        .get(0)
        .getInstanceId();
  }

  /** Every debit of the account (the initial top-up left out). */
  private List<BillingRecord> debits(Tenant t) {
    return api.records(t.key).stream()
        .filter(r -> r.getType() != BillingRecord.Type.TOP_UP)
        .toList();
  }

  /**
   * Forgets the tab's key. Done from a page of the same origin that is not the console: on the
   * console a sign-in from the saved key may be under way and would store it again.
   */
  private void clearSession() {
    driver.get(api.base() + "/v1/prices");
    js("sessionStorage.clear()");
    driver.get(consoleUrl);
  }

  private void signIn(Tenant t) {
    clearSession();
    WebElement key = wait.until(visibilityOfElementLocated(By.id("api-key")));
    key.sendKeys(t.key);
    driver.findElement(By.id("sign-in-button")).click();
    wait.until(visibilityOfElementLocated(By.id("app")));
    wait.until(textToBePresentInElementLocated(By.id("account-name"), t.id));
  }

  // Read in one script: the list is re-rendered as answers arrive, which would make a row found
  // by one WebDriver call stale in the next.
  @SuppressWarnings("unchecked")
  private List<String> rowIds() {
    return (List<String>)
        js(
            "return [...document.querySelectorAll('#instances tbody tr[data-instance-id]')]"
                + ".map(tr => tr.dataset.instanceId)");
  }

  @SuppressWarnings("unchecked")
  private List<String> ledgerRecordIds() {
    return (List<String>)
        js(
            "return [...document.querySelectorAll('#ledger tbody tr')]"
                + ".map(tr => tr.dataset.recordId)");
  }

  /** Waits until the list shows exactly these instances (any order); none given: any rows. */
  private void awaitRows(String... ids) {
    if (ids.length == 0) {
      wait.until(d -> !rowIds().isEmpty());
      return;
    }
    List<String> expected = new ArrayList<>(List.of(ids));
    expected.sort(null);
    new WebDriverWait(driver, WAIT)
        .withMessage(() -> "rows " + expected + ", shown " + rowIds())
        .until(d -> rowIds().stream().sorted().toList().equals(expected));
  }

  private WebElement row(String id) {
    return driver.findElement(By.cssSelector("#instances tbody tr[data-instance-id='" + id + "']"));
  }

  private String cellText(String id, String column) {
    Object text =
        ((JavascriptExecutor) driver)
            .executeScript(
                "const td = document.querySelector("
                    + "`#instances tbody tr[data-instance-id='${arguments[0]}'] .${arguments[1]}`);"
                    + "return td ? td.innerText.trim() : '';",
                id,
                column);
    return (String) text;
  }

  private void select(String... ids) {
    for (String id : ids) {
      // The list is re-rendered when an event arrives; the selection survives it, the element not.
      new WebDriverWait(driver, WAIT)
          .ignoring(StaleElementReferenceException.class)
          .until(
              d -> {
                WebElement box = row(id).findElement(By.className("select-instance"));
                if (!box.isSelected()) {
                  box.click();
                }
                return row(id).findElement(By.className("select-instance")).isSelected();
              });
    }
  }

  private void filterExpiry(String days) {
    new Select(driver.findElement(By.id("filter-expiry"))).selectByValue(days);
  }

  private String text(String id) {
    return driver.findElement(By.id(id)).getText();
  }

  private Object js(String script) {
    return ((JavascriptExecutor) driver).executeScript(script);
  }

  private List<String> browserLog() {
    try {
      return driver.manage().logs().get(LogType.BROWSER).getAll().stream()
          .map(LogEntry::toString)
          .toList();
    } catch (RuntimeException e) {
      return List.of("(browser log unavailable: " + e.getMessage() + ")");
    }
  }

  private static long nanos(com.google.type.Money m) {
    return m.getUnits() * 1_000_000_000L + m.getNanos();
  }

  /** "1,234.50" from an amount in nanos (as the page formats CNY). */
  private static String yuan(long nanos) {
    String sign = nanos < 0 ? "−" : "";
    long abs = Math.abs(nanos);
    long units = abs / 1_000_000_000L;
    long cents = (abs % 1_000_000_000L) / 10_000_000L;
    return sign + String.format("%,d.%02d", units, cents);
  }

  private static String yuan(com.google.type.Money m) {
    return yuan(nanos(m));
  }

  /**
   * The page (or one element of it) as NAME.png in target/screenshots, or in the folder {@code
   * -Dconsole.screenshots} names (the README's are refreshed with {@code ../docs/console}).
   */
  private void screenshot(String name) {
    screenshot(name, null);
  }

  private void screenshot(String name, WebElement element) {
    String dir = System.getProperty("console.screenshots");
    if (dir == null || dir.isBlank() || name.startsWith("failure-")) {
      dir = "target/screenshots";
    }
    try {
      Path out = Files.createDirectories(Path.of(dir)).resolve(name + ".png");
      byte[] png =
          element != null
              ? element.getScreenshotAs(OutputType.BYTES)
              : ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES);
      Files.write(out, png);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
