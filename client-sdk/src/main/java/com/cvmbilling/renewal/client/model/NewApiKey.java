package com.cvmbilling.renewal.client.model;

import com.cvmbilling.renewal.v1.CreateApiKeyResponse;
import java.util.Objects;

/**
 * A key just issued by CreateApiKey: the secret, shown once (store it; it never appears in {@link
 * #toString()}), and the key as ListApiKeys shows it (its {@link ApiKeyInfo#keyId()} names it in
 * {@code revokeApiKey}).
 */
public final class NewApiKey {
  private final CreateApiKeyResponse proto;

  private NewApiKey(CreateApiKeyResponse proto) {
    this.proto = proto;
  }

  /**
   * The view of CreateApiKey's generated response.
   *
   * @param proto the message
   * @return its view
   * @throws NullPointerException if {@code proto} is null
   */
  public static NewApiKey fromProto(CreateApiKeyResponse proto) {
    return new NewApiKey(Objects.requireNonNull(proto, "proto"));
  }

  /** The secret to send as {@code Authorization: Bearer <key>}; the server keeps only its hash. */
  public String apiKey() {
    return proto.getApiKey();
  }

  /** The key's id, kind (tenant, admin, support), name, description, expiry; never the secret. */
  public ApiKeyInfo info() {
    return ApiKeyInfo.fromProto(proto.getKeyInfo());
  }

  public CreateApiKeyResponse toProto() {
    return proto;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof NewApiKey other && proto.equals(other.proto);
  }

  @Override
  public int hashCode() {
    return proto.hashCode();
  }

  @Override
  public String toString() {
    return "NewApiKey{" + info() + ", apiKey=***}";
  }
}
