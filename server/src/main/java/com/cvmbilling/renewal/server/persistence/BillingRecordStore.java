package com.cvmbilling.renewal.server.persistence;

import com.cvmbilling.renewal.server.domain.BillingRecord;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.List;

/**
 * The money history: {@code billing_record} and {@code auto_renew_charge}. Only the service's
 * {@code Ledger} writes them, with the balance change they record. Runs in the caller's
 * transaction.
 */
@Singleton
public class BillingRecordStore {
  private final BillingRecordMapper records;
  private final AutoRenewChargeMapper autoRenewCharges;

  @Inject
  BillingRecordStore(BillingRecordMapper records, AutoRenewChargeMapper autoRenewCharges) {
    this.records = records;
    this.autoRenewCharges = autoRenewCharges;
  }

  /** Appends a record (its recordId is generated; the one passed in is ignored). */
  public void insert(BillingRecord record) {
    records.insert(record);
  }

  /** Appends records in list order, in one statement (their recordIds are ignored). */
  public void insertAll(List<BillingRecord> all) {
    if (!all.isEmpty()) {
      records.insertAll(all);
    }
  }

  /**
   * Fails with a duplicate key (writing none) if any of these instances' expiry cycles was already
   * auto-renewed.
   */
  public void insertAutoRenewCharges(List<AutoRenewCharge> charges) {
    if (!charges.isEmpty()) {
      autoRenewCharges.insertAll(charges);
    }
  }

  /** Newest first: records with an id below {@code beforeRecordId} (null = from the newest). */
  public List<BillingRecord> page(String accountId, Long beforeRecordId, int limit) {
    return records.page(accountId, beforeRecordId, limit);
  }
}
