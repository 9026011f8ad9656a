package com.cvmbilling.renewal.server.persistence;

import com.cvmbilling.renewal.server.domain.BillingRecord;
import java.util.List;
import org.apache.ibatis.annotations.Param;

/** The {@code billing_record} table's SQL; only {@link BillingRecordStore} uses it. */
public interface BillingRecordMapper {
  void insert(@Param("r") BillingRecord record);

  void insertAll(@Param("records") List<BillingRecord> records);

  /** Newest first: records with an id below {@code beforeRecordId} (null = from the newest). */
  List<BillingRecord> page(
      @Param("accountId") String accountId,
      @Param("beforeRecordId") Long beforeRecordId,
      @Param("limit") int limit);
}
