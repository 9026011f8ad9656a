package com.cvmbilling.renewal.client.model;

import com.cvmbilling.renewal.v1.BillingRecord;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/** One ledger entry. {@link #toProto()} gives the generated message. */
public final class BillingRecordInfo {
  private final BillingRecord proto;

  private BillingRecordInfo(BillingRecord proto) {
    this.proto = proto;
  }

  /**
   * The view of a ledger entry's generated message.
   *
   * @param proto the message
   * @return its view
   * @throws NullPointerException if {@code proto} is null
   */
  public static BillingRecordInfo fromProto(BillingRecord proto) {
    return new BillingRecordInfo(Objects.requireNonNull(proto, "proto"));
  }

  public long recordId() {
    return proto.getRecordId();
  }

  public String orderId() {
    return proto.getOrderId();
  }

  public BillingRecord.Type type() {
    return proto.getType();
  }

  /** Negative for a debit, positive for a top-up. */
  public Amount amount() {
    return Amount.fromProto(proto.getAmount());
  }

  public Amount balanceAfter() {
    return Amount.fromProto(proto.getBalanceAfter());
  }

  public List<String> instanceIds() {
    return proto.getInstanceIdsList();
  }

  public Instant createdTime() {
    return ProtoTypes.toInstant(proto.getCreatedTime());
  }

  public BillingRecord toProto() {
    return proto;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof BillingRecordInfo other && proto.equals(other.proto);
  }

  @Override
  public int hashCode() {
    return proto.hashCode();
  }

  @Override
  public String toString() {
    return "BillingRecordInfo{#"
        + recordId()
        + " "
        + type()
        + " "
        + amount()
        + ", balance after "
        + balanceAfter()
        + ", order "
        + orderId()
        + ", "
        + instanceIds()
        + "}";
  }
}
