package com.cvmbilling.renewal.client.error;

/**
 * {@code RESOURCE_EXHAUSTED}/{@code METADATA_TOO_LARGE}: the call's metadata (its request headers:
 * the API key, the request id, and whatever your interceptors or {@code CallCredentials} add) is
 * larger than the server accepts ({@code --max-metadata-size}), so the call was refused before it
 * did anything. The metadata {@code sizeBytes} and {@code limitBytes} say by how much.
 *
 * <p>Never retried, whatever the {@code RetrySettings} say: every attempt sends the same headers
 * and would be refused the same way. Send less (for example fewer or shorter custom headers).
 */
public class MetadataTooLargeException extends ResourceExhaustedException {
  private static final long serialVersionUID = 1L;

  MetadataTooLargeException(Details details) {
    super(details);
  }
}
