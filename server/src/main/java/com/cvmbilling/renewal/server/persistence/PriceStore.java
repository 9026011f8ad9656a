package com.cvmbilling.renewal.server.persistence;

import com.cvmbilling.renewal.server.error.ApiException;
import com.cvmbilling.renewal.v1.ErrorReason;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.ibatis.exceptions.PersistenceException;

/**
 * The versioned price catalog ({@code price_catalog_version}, {@code price_catalog_item}, {@code
 * price_catalog_discount}), append-only: a version, once written, is never changed. The table
 * {@code price_catalog} of the first release is left to that release (see migration V5).
 */
@Singleton
public class PriceStore {
  /** One version with its items and discounts. */
  public record StoredVersion(
      PriceVersionRow version, List<PriceItemRow> items, List<PriceDiscountRow> discounts) {}

  private final PriceVersionMapper versions;
  private final PriceItemMapper items;
  private final PriceDiscountMapper discounts;

  @Inject
  PriceStore(PriceVersionMapper versions, PriceItemMapper items, PriceDiscountMapper discounts) {
    this.versions = versions;
    this.items = items;
    this.discounts = discounts;
  }

  /** The highest version number: one cheap statement, the cache's freshness check. */
  public long latestVersion() {
    return versions.latestVersion();
  }

  /** The versions above {@code version} with their rows, by version (three statements). */
  public List<StoredVersion> versionsAfter(long version) {
    Map<Long, List<PriceItemRow>> itemsOf = new TreeMap<>();
    for (PriceItemRow r : items.after(version)) {
      itemsOf.computeIfAbsent(r.version(), v -> new ArrayList<>()).add(r);
    }
    Map<Long, List<PriceDiscountRow>> discountsOf = new TreeMap<>();
    for (PriceDiscountRow r : discounts.after(version)) {
      discountsOf.computeIfAbsent(r.version(), v -> new ArrayList<>()).add(r);
    }
    List<StoredVersion> found = new ArrayList<>();
    for (PriceVersionRow v : versions.after(version)) {
      found.add(
          new StoredVersion(
              v,
              List.copyOf(itemsOf.getOrDefault(v.version(), List.of())),
              List.copyOf(discountsOf.getOrDefault(v.version(), List.of()))));
    }
    return found;
  }

  /**
   * Writes a new version (in the caller's transaction).
   *
   * @throws ApiException {@code CONCURRENT_MODIFICATION} when another writer took this version
   *     number first
   */
  public void insert(StoredVersion v) {
    try {
      versions.insert(v.version());
    } catch (PersistenceException e) {
      if (Transactions.isDuplicateKey(e)) {
        throw ApiException.of(
                ErrorReason.CONCURRENT_MODIFICATION,
                "another price catalog version was written at the same time; retry")
            .build();
      }
      throw e;
    }
    items.insertAll(v.items());
    discounts.insertAll(v.discounts());
  }
}
