package com.cvmbilling.renewal.client.model;

import com.cvmbilling.renewal.v1.CreateAccountResponse;

/**
 * A created account and its first tenant API key. The key is shown once: store it. It never appears
 * in {@link #toString()}.
 */
public final class NewAccount {
  private final CreateAccountResponse proto;

  private NewAccount(CreateAccountResponse proto) {
    this.proto = proto;
  }

  public static NewAccount fromProto(CreateAccountResponse proto) {
    return new NewAccount(proto);
  }

  public AccountInfo account() {
    return AccountInfo.fromProto(proto.getAccount());
  }

  /** The tenant API key of the new account. */
  public String apiKey() {
    return proto.getApiKey();
  }

  public CreateAccountResponse toProto() {
    return proto;
  }

  @Override
  public String toString() {
    return "NewAccount{" + account() + ", apiKey=***}";
  }
}
