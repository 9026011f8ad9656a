package com.cvmbilling.renewal.server.config;

import picocli.CommandLine.Option;

/**
 * The Prometheus endpoint.
 *
 * @param port port of GET /metrics; 0 = no endpoint (metrics are still kept)
 * @param host address the endpoint binds
 */
public record MetricsSettings(int port, String host) {

  public boolean enabled() {
    return port > 0;
  }

  /** The flags of this area: name, default, description and validation. */
  public static final class Options {
    @Option(
        names = "--metrics-port",
        defaultValue = "0",
        paramLabel = "PORT",
        description =
            "Port of the Prometheus endpoint (GET /metrics) and the HTTP probes (GET /livez,"
                + " /readyz); 0 = off. Default: ${DEFAULT-VALUE}.")
    int metricsPort;

    @Option(
        names = "--metrics-host",
        defaultValue = "0.0.0.0",
        paramLabel = "ADDRESS",
        description = "Address the metrics endpoint binds. Default: ${DEFAULT-VALUE}.")
    String metricsHost;

    MetricsSettings settings(Problems p) {
      p.port("--metrics-port", metricsPort);
      p.host("--metrics-host", metricsHost);
      return new MetricsSettings(metricsPort, metricsHost);
    }
  }
}
