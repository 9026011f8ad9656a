package com.cvmbilling.renewal.client.error;

/**
 * The client and the server disagree on TLS: a client built with TLS (the default) reached a server
 * that answers in plaintext, or a client built with {@code plaintext()} reached a server that
 * speaks TLS. The message says which, for which target, and what to change. Repeating the call
 * cannot help, so the SDK does not retry it (and an event watch stops instead of reconnecting).
 *
 * <p>It is an {@link UnavailableException} ({@code UNAVAILABLE} is what gRPC reports: the service
 * could not be reached), so code that handles "the service cannot be reached" still sees it; catch
 * this class first to report a configuration error instead of an outage.
 */
public class TlsMismatchException extends UnavailableException {
  private static final long serialVersionUID = 1L;

  TlsMismatchException(Details details) {
    super(details);
  }
}
