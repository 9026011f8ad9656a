package com.cvmbilling.renewal.client;

import io.grpc.CallCredentials;
import io.grpc.Metadata;
import java.util.Objects;
import java.util.concurrent.Executor;

/**
 * Sends an API key as {@code authorization: Bearer <key>} on every call. Use with the generated
 * stubs: {@code
 * RenewalServiceGrpc.newBlockingStub(channel).withCallCredentials(ApiKeyCredentials.of(key))}.
 */
public final class ApiKeyCredentials extends CallCredentials {
  static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

  private final String apiKey;

  private ApiKeyCredentials(String apiKey) {
    this.apiKey = apiKey;
  }

  /**
   * Credentials sending this key.
   *
   * @param apiKey a tenant or admin API key (surrounding spaces are dropped)
   * @return the credentials
   * @throws NullPointerException if {@code apiKey} is null
   * @throws IllegalArgumentException if it is blank
   */
  public static ApiKeyCredentials of(String apiKey) {
    Objects.requireNonNull(apiKey, "apiKey");
    if (apiKey.isBlank()) {
      throw new IllegalArgumentException("apiKey is empty");
    }
    return new ApiKeyCredentials(apiKey.strip());
  }

  @Override
  public void applyRequestMetadata(
      RequestInfo requestInfo, Executor appExecutor, MetadataApplier applier) {
    Metadata headers = new Metadata();
    headers.put(AUTHORIZATION, "Bearer " + apiKey);
    applier.apply(headers);
  }

  /** Never reveals the key. */
  @Override
  public String toString() {
    return "ApiKeyCredentials{key=" + (apiKey.length() > 6 ? apiKey.substring(0, 6) : "") + "***}";
  }
}
