package com.cvmbilling.renewal.server.config;

import picocli.CommandLine.Option;

/**
 * The HTTP/JSON port (issue #10): every unary RPC as HTTP with JSON bodies, transcoded by the
 * {@code google.api.http} annotations of the protos. It binds {@code --host}, speaks the TLS of
 * {@code --tls-cert}/{@code --tls-key}, refuses bodies over {@code --max-message-size} and drains
 * for {@code --drain-time}, like the gRPC port: those settings are the transport's, not repeated
 * here.
 *
 * @param port HTTP port; null = no HTTP port (the default); 0 = any free port
 * @param console serve the renewal console (static pages calling this port's API) at {@code
 *     /console}
 */
public record HttpSettings(Integer port, boolean console) {
  /** The same settings on another port. */
  public HttpSettings withPort(Integer v) {
    return new HttpSettings(v, console);
  }

  public boolean enabled() {
    return port != null;
  }

  /** The flags of this area: name, default, description and validation. */
  public static final class Options {
    @Option(
        names = "--http-port",
        paramLabel = "PORT",
        description =
            "Port of the HTTP/JSON API (POST /v1/instances:renew ...; same keys, TLS and limits as"
                + " the gRPC port); absent = off, 0 = any free port.")
    Integer httpPort;

    // A negative flag like --no-lifecycle: the console is on wherever the HTTP port is.
    @Option(
        names = "--no-console",
        description =
            "Do not serve the renewal console at /console on the HTTP port (the API stays on).")
    boolean noConsole;

    HttpSettings settings(Problems p) {
      if (httpPort != null) {
        p.port("--http-port", httpPort);
      }
      return new HttpSettings(httpPort, !noConsole);
    }
  }
}
