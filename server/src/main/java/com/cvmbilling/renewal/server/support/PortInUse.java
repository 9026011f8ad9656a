package com.cvmbilling.renewal.server.support;

import java.io.IOException;
import java.net.BindException;

/**
 * A listening port that could not be bound, told with the flag that chose it, the same way for the
 * gRPC, HTTP and metrics ports. Netty's native transport reports a port in use as an {@code
 * IOException} of its own, not a {@link BindException}, so the cause chain's messages are read too.
 */
public final class PortInUse {
  private PortInUse() {}

  /** Whether {@code e} (or a cause) says the address could not be bound. */
  public static boolean is(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      String m = t.getMessage();
      if (t instanceof BindException
          || (m != null && (m.contains("Address already in use") || m.contains("bind(")))) {
        return true;
      }
    }
    return false;
  }

  /**
   * {@code --port 50051 on 0.0.0.0: address already in use (choose another port, or stop what holds
   * it)}; without the cause chain, which repeats the same words in Netty's.
   */
  public static IOException of(String flag, String host, int port) {
    return new IOException(
        flag
            + " "
            + port
            + " on "
            + host
            + ": address already in use (choose another port, or stop what holds it)");
  }
}
