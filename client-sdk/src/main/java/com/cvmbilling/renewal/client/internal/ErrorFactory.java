package com.cvmbilling.renewal.client.internal;

import com.cvmbilling.renewal.client.error.RenewalException;
import io.grpc.Metadata;
import io.grpc.Status;

/**
 * Not API. How the client package makes the error package's exceptions from gRPC outcomes: the
 * exceptions' constructors stay package-private and the gRPC types stay out of the public API, so
 * the error package installs its factory here once, when {@link RenewalException} is initialized.
 */
public final class ErrorFactory {
  /** Implemented by the error package (installed by {@link RenewalException}). */
  public interface Factory {
    /**
     * The exception for a failed call.
     *
     * @param status the call's status (not OK)
     * @param trailers its trailers, with the {@code google.rpc.Status} details; may be null
     * @param method the RPC's simple name; may be empty
     * @param requestId the call's request id
     * @param clientToken the call's idempotency key; may be empty
     * @param attempts attempts made
     * @return the typed exception
     */
    RenewalException fromStatus(
        Status status,
        Metadata trailers,
        String method,
        String requestId,
        String clientToken,
        int attempts);

    /**
     * A {@code TlsMismatchException}: the client and the server disagree on TLS.
     *
     * @param message what is wrong, for which target, and what to change
     * @param status the transport's failure (its cause is kept)
     * @param method the RPC's simple name; may be empty
     * @param requestId the call's request id
     * @param clientToken the call's idempotency key; may be empty
     * @param attempts attempts made
     * @return the exception
     */
    RenewalException tlsMismatch(
        String message,
        Status status,
        String method,
        String requestId,
        String clientToken,
        int attempts);
  }

  private static Factory factory;

  private ErrorFactory() {}

  /**
   * Called once by {@link RenewalException}'s static initializer.
   *
   * @param f the error package's factory
   * @throws IllegalStateException if a factory was installed already
   */
  public static synchronized void install(Factory f) {
    if (factory != null) {
      throw new IllegalStateException("the error factory is installed already");
    }
    factory = f;
  }

  /**
   * The error package's factory.
   *
   * @return the factory
   * @throws IllegalStateException if the error package did not install it (cannot happen)
   */
  public static Factory get() {
    synchronized (ErrorFactory.class) {
      if (factory != null) {
        return factory;
      }
    }
    try {
      // Initializing RenewalException installs the factory (outside this lock: it takes it).
      Class.forName(RenewalException.class.getName(), true, ErrorFactory.class.getClassLoader());
    } catch (ClassNotFoundException e) {
      throw new IllegalStateException(e);
    }
    synchronized (ErrorFactory.class) {
      if (factory == null) {
        throw new IllegalStateException("the error package did not install its factory");
      }
      return factory;
    }
  }
}
