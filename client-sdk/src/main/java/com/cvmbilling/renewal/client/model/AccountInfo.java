package com.cvmbilling.renewal.client.model;

import com.cvmbilling.renewal.v1.Account;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Objects;

/** An account and its prepaid balance. {@link #toProto()} gives the generated message. */
public final class AccountInfo {
  private final Account proto;

  private AccountInfo(Account proto) {
    this.proto = proto;
  }

  /**
   * The view of an account's generated message.
   *
   * @param proto the message
   * @return its view
   * @throws NullPointerException if {@code proto} is null
   */
  public static AccountInfo fromProto(Account proto) {
    return new AccountInfo(Objects.requireNonNull(proto, "proto"));
  }

  public String accountId() {
    return proto.getAccountId();
  }

  public String displayName() {
    return proto.getDisplayName();
  }

  public Amount balance() {
    return Amount.fromProto(proto.getBalance());
  }

  /** The zone every day boundary of the account is computed in. */
  public ZoneId billingTimeZone() {
    return ZoneId.of(proto.getBillingTimeZone());
  }

  public Instant createdTime() {
    return ProtoTypes.toInstant(proto.getCreatedTime());
  }

  public Account toProto() {
    return proto;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof AccountInfo other && proto.equals(other.proto);
  }

  @Override
  public int hashCode() {
    return proto.hashCode();
  }

  @Override
  public String toString() {
    return "AccountInfo{"
        + accountId()
        + ", "
        + displayName()
        + ", balance "
        + balance()
        + ", "
        + proto.getBillingTimeZone()
        + "}";
  }
}
