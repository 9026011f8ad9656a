package com.cvmbilling.renewal.server.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import com.cvmbilling.renewal.server.domain.BillingRecord;
import com.cvmbilling.renewal.server.domain.BillingRecordType;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class BillingRecordMapperTest extends RepositoryTestBase {
  private static final Instant AT = Instant.parse("2027-01-31T15:59:59.123Z");

  private static BillingRecord record(
      String account,
      String order,
      BillingRecordType type,
      long amount,
      long balanceAfter,
      String instanceIds,
      Instant at) {
    // The record id passed in is ignored: the database generates it.
    return new BillingRecord(999_999L, account, order, type, amount, balanceAfter, instanceIds, at);
  }

  private static BillingRecord withId(BillingRecord r, long id) {
    return new BillingRecord(
        id,
        r.accountId(),
        r.orderId(),
        r.recordType(),
        r.amountFen(),
        r.balanceAfterFen(),
        r.instanceIds(),
        r.createdTime());
  }

  /** Inserts acc-1 and acc-2 records interleaved; returns acc-1's in insertion order. */
  private List<BillingRecord> insertInterleaved(int count) {
    BillingRecordMapper records = mapper(BillingRecordMapper.class);
    List<BillingRecord> mine = new ArrayList<>();
    inTx(
        () -> {
          for (int i = 0; i < count; i++) {
            BillingRecord r =
                record(
                    "acc-1",
                    "ord-" + i,
                    BillingRecordType.RENEW,
                    -100L * (i + 1),
                    10_000 - i,
                    "ins-a000000" + i,
                    AT.plusMillis(i));
            records.insert(r);
            mine.add(r);
            records.insert(
                record(
                    "acc-2", "ord-x" + i, BillingRecordType.TOP_UP, 500, 500L * (i + 1), "", AT));
          }
        });
    return mine;
  }

  @Test
  void pageReturnsTheAccountsRecordsNewestFirstWithGeneratedIds() {
    List<BillingRecord> inserted = insertInterleaved(5);

    List<BillingRecord> page =
        inTx(() -> mapper(BillingRecordMapper.class).page("acc-1", null, 100));

    assertThat(page).hasSize(5);
    assertThat(page).extracting(BillingRecord::accountId).containsOnly("acc-1");
    List<Long> ids = page.stream().map(BillingRecord::recordId).toList();
    assertThat(ids).isSortedAccordingTo((a, b) -> Long.compare(b, a)).doesNotHaveDuplicates();
    assertThat(ids).doesNotContain(999_999L);
    // Same content as inserted, newest (last inserted) first.
    for (int i = 0; i < 5; i++) {
      BillingRecord expected = inserted.get(4 - i);
      assertThat(page.get(i)).isEqualTo(withId(expected, page.get(i).recordId()));
    }
  }

  @Test
  void pagingWithBeforeRecordIdVisitsEveryRecordOnce() {
    insertInterleaved(7);
    BillingRecordMapper records = mapper(BillingRecordMapper.class);
    List<BillingRecord> all = inTx(() -> records.page("acc-1", null, 100));

    List<BillingRecord> seen = new ArrayList<>();
    Long before = null;
    for (int guard = 0; guard < 10; guard++) {
      Long cursor = before;
      List<BillingRecord> page = inTx(() -> records.page("acc-1", cursor, 3));
      assertThat(page.size()).isLessThanOrEqualTo(3);
      if (page.isEmpty()) {
        break;
      }
      seen.addAll(page);
      before = page.get(page.size() - 1).recordId();
    }

    assertThat(seen).containsExactlyElementsOf(all);
    assertThat(seen).hasSize(7);
    // The cursor is exclusive.
    long newest = all.get(0).recordId();
    assertThat(inTx(() -> records.page("acc-1", newest, 1))).containsExactly(all.get(1));
    assertThat(inTx(() -> records.page("acc-1", all.get(6).recordId(), 10))).isEmpty();
  }

  @Test
  void recordsOfOneOrderGetAscendingIds() {
    BillingRecordMapper records = mapper(BillingRecordMapper.class);
    BillingRecord renew =
        record(
            "acc-1",
            "ord-7",
            BillingRecordType.RENEW,
            -12_000,
            88_000,
            "ins-a0000001,ins-a0000002",
            AT);
    BillingRecord upgrade =
        record(
            "acc-1",
            "ord-7",
            BillingRecordType.BANDWIDTH_UPGRADE,
            -340,
            87_660,
            "ins-a0000002",
            AT.plusMillis(1));
    BillingRecord other =
        record("acc-1", "ord-8", BillingRecordType.UNIFIED_EXPIRY, -1, 87_659, "ins-a0000001", AT);
    inTx(
        () -> {
          records.insert(renew);
          records.insert(other);
          records.insert(upgrade);
        });

    List<BillingRecord> found = ofOrder(records, "ord-7");

    assertThat(found).hasSize(2);
    assertThat(found.get(0).recordId()).isLessThan(found.get(1).recordId());
    assertThat(found.get(0)).isEqualTo(withId(renew, found.get(0).recordId()));
    assertThat(found.get(1)).isEqualTo(withId(upgrade, found.get(1).recordId()));
    assertThat(ofOrder(records, "ord-9")).isEmpty();
  }

  @Test
  void longInstanceListAndLargeAmountsRoundTrip() {
    BillingRecordMapper records = mapper(BillingRecordMapper.class);
    // 100 ids, the largest batch: 100 * 12 + 99 commas = 1299 characters.
    String ids =
        IntStream.range(0, 100)
            .mapToObj(i -> "ins-%08d".formatted(i))
            .collect(Collectors.joining(","));
    BillingRecord big =
        record(
            "acc-1",
            "ord-big",
            BillingRecordType.AUTO_RENEW,
            -4_000_000_000_000L,
            Long.MAX_VALUE,
            ids,
            Instant.parse("9999-12-31T23:59:59.999Z"));
    inTx(() -> records.insert(big));

    List<BillingRecord> found = ofOrder(records, "ord-big");

    assertThat(found).hasSize(1);
    assertThat(found.get(0)).isEqualTo(withId(big, found.get(0).recordId()));
    assertThat(found.get(0).instanceIds()).hasSize(1299);
  }

  /** The order's records in id order (acc-1's newest 100, filtered). */
  private List<BillingRecord> ofOrder(BillingRecordMapper records, String orderId) {
    return inTx(() -> records.page("acc-1", null, 100)).stream()
        .filter(r -> r.orderId().equals(orderId))
        .sorted(java.util.Comparator.comparingLong(BillingRecord::recordId))
        .toList();
  }
}
