package com.cvmbilling.renewal.server.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.cvmbilling.renewal.server.bench.ServiceBenchmark.Result;
import com.cvmbilling.renewal.server.bench.ServiceBenchmark.SizeReport;
import com.cvmbilling.renewal.server.testing.Tier;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The benchmark harness in a few seconds (1,000 instances, 4 callers, about 1.5 s per scenario, a
 * 2,000-instance lifecycle drain) against a real server process on MariaDB: every scenario produced
 * figures and no call failed. Timing targets are not asserted here (see docs/BENCHMARKS.md): a
 * shared 2-core CI machine cannot promise them.
 */
@Tier.MariaDb
@Tier.Process
@Tier.Network
class ServiceBenchmarkSmokeTest {

  @Test
  @Timeout(value = 4, unit = TimeUnit.MINUTES)
  void theHarnessProducesNumbersWithoutErrors() throws Exception {
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(buffer, true, StandardCharsets.UTF_8);
    ServiceBenchmark.Options options = ServiceBenchmark.Options.smoke();
    List<SizeReport> reports = ServiceBenchmark.run(options, out);
    ServiceBenchmark.printSummary(options, reports, out);
    String text = buffer.toString(StandardCharsets.UTF_8);
    System.out.println(text);

    assertThat(reports).hasSize(1);
    SizeReport report = reports.get(0);
    assertThat(report.results().keySet()).containsExactlyElementsOf(ServiceBenchmark.ALL_SCENARIOS);
    for (Result r : report.results().values()) {
      assertThat(r.calls()).as("%s made calls", r.name()).isPositive();
      assertThat(r.errors()).as("%s failed calls", r.name()).isEmpty();
      assertThat(r.latency().getTotalCount()).isEqualTo(r.calls());
      assertThat(r.p50Ms()).isPositive();
      assertThat(r.p999Ms()).isGreaterThanOrEqualTo(r.p50Ms());
    }
    assertThat(report.serverOutOfMemory()).isFalse();
    assertThat(report.lifecycle()).isNotNull();
    assertThat(report.lifecycle().exactlyOnce())
        .as("lifecycle drain %s", report.lifecycle().counts())
        .isTrue();
    assertThat(report.lifecycle().instancesPerSecond()).isPositive();
    assertThat(text)
        .contains(
            "RenewInstances 1/call vs raw-JDBC baseline",
            "deep page vs first page",
            "RenewInstances 100/call vs 1/call");
  }
}
