package com.cvmbilling.renewal.server.service;

import com.cvmbilling.renewal.server.config.PriceSettings;
import com.cvmbilling.renewal.server.domain.PriceCatalog;
import com.cvmbilling.renewal.server.domain.PriceSchedule;
import com.cvmbilling.renewal.server.persistence.PriceDiscountRow;
import com.cvmbilling.renewal.server.persistence.PriceItemRow;
import com.cvmbilling.renewal.server.persistence.PriceStore;
import com.cvmbilling.renewal.server.persistence.PriceStore.StoredVersion;
import com.cvmbilling.renewal.server.persistence.PriceVersionRow;
import com.cvmbilling.renewal.server.persistence.Transactions;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The dated price catalog (issue #12 point 3): every version, cached per replica, and the one in
 * force at a given instant.
 *
 * <p><b>Cache.</b> Versions never change once written, so a replica keeps every version it has read
 * and only asks the database for the highest version number, at most once per {@code
 * --price-refresh-interval} of its clock (the test clock when enabled); when that number moved it
 * reads the new versions (three statements). A renewal, an inquiry or a lifecycle batch therefore
 * runs no catalog statement of its own. <b>Across replicas</b>: a new version must take effect at
 * least {@code --price-change-lead-time} after it is written ({@link
 * PriceSchedule#requireEffectiveTime}), which the settings keep longer than the refresh interval,
 * so every replica has read it before any call prices with it.
 */
@Singleton
public class PriceService {

  static final String BANDWIDTH_KIND = "BANDWIDTH";
  static final String INSTANCE_TYPE_KIND = "INSTANCE_TYPE";

  /** The code of the bandwidth item (one per version, as seeded by V1). */
  static final String BANDWIDTH_ITEM = "BANDWIDTH_MBPS";

  private final PriceStore prices;
  private final Transactions tx;
  private final Clock clock;

  /** How often this replica checks for new versions (by its clock). */
  private final Duration refreshInterval;

  /** The least time between writing a version and its effective time. */
  private final Duration changeLeadTime;

  /** The versions read so far and the clock instant of the last check; null before the first. */
  private volatile Cached cached;

  private record Cached(PriceSchedule schedule, Instant checkedAt) {}

  /** Who wrote each version read so far, and when (not part of the prices). */
  private final Map<Long, PriceVersionInfo> infos = new ConcurrentHashMap<>();

  @Inject
  public PriceService(PriceStore prices, Transactions tx, Clock clock, PriceSettings settings) {
    this.prices = prices;
    this.tx = tx;
    this.clock = clock;
    this.refreshInterval = settings.refreshInterval();
    this.changeLeadTime = settings.changeLeadTime();
  }

  /** The catalog in force now (the clock's now). */
  public PriceCatalog current() {
    return catalogAt(clock.instant());
  }

  /** The catalog in force at {@code t}, as far as this replica knows now. */
  public PriceCatalog catalogAt(Instant t) {
    return schedule().at(t);
  }

  /** Every version known now, refreshed when the last check is a refresh interval old. */
  public PriceSchedule schedule() {
    Instant now = clock.instant();
    Cached c = cached;
    if (c != null && now.isBefore(c.checkedAt().plus(refreshInterval))) {
      return c.schedule();
    }
    return refresh(now, false);
  }

  /** Forgets the check time so the next read checks (after this replica wrote a version). */
  void invalidate() {
    Cached c = cached;
    if (c != null) {
      cached = new Cached(c.schedule(), Instant.MIN);
    }
  }

  /**
   * Checks the database (unless another thread just did, when not {@code force}d), in the caller's
   * transaction if there is one.
   */
  private synchronized PriceSchedule refresh(Instant now, boolean force) {
    Cached c = cached;
    if (!force && c != null && now.isBefore(c.checkedAt().plus(refreshInterval))) {
      return c.schedule(); // another thread refreshed meanwhile
    }
    PriceSchedule schedule =
        tx.inTransaction(
            () -> {
              if (c == null) {
                return new PriceSchedule(toCatalogs(prices.versionsAfter(0)));
              }
              if (prices.latestVersion() == c.schedule().latestVersion()) {
                return c.schedule();
              }
              return c.schedule()
                  .plus(toCatalogs(prices.versionsAfter(c.schedule().latestVersion())));
            });
    cached = new Cached(schedule, now);
    return schedule;
  }

  /**
   * Writes the next version in the caller's transaction (or its own) and returns it, after the
   * domain checks: the effective time at least the change lead time ahead of the clock, the
   * contents against the latest version ({@link PriceCatalog#requireValidNext}). The cache of this
   * replica sees it at its next read after the commit ({@link #invalidate}).
   *
   * @param instanceTypes (code, monthly fen) in request order
   * @param discountPercent (period months, percent) in request order
   */
  PriceCatalog append(
      List<Map.Entry<String, Long>> instanceTypes,
      long bandwidthFenPerMbps,
      List<Map.Entry<Integer, Integer>> discountPercent,
      Instant effectiveTime,
      String createdBy) {
    return tx.inTransaction(
        () -> {
          Instant now = clock.instant();
          PriceSchedule.requireEffectiveTime(effectiveTime, now, changeLeadTime);
          PriceSchedule known = refresh(now, true);
          PriceCatalog.requireValidNext(
              instanceTypes, bandwidthFenPerMbps, discountPercent, known.latest());
          long version = known.latestVersion() + 1;
          List<PriceItemRow> items = new ArrayList<>();
          items.add(new PriceItemRow(version, BANDWIDTH_ITEM, BANDWIDTH_KIND, bandwidthFenPerMbps));
          for (Map.Entry<String, Long> t : instanceTypes) {
            items.add(new PriceItemRow(version, t.getKey(), INSTANCE_TYPE_KIND, t.getValue()));
          }
          List<PriceDiscountRow> discounts = new ArrayList<>();
          for (Map.Entry<Integer, Integer> d : discountPercent) {
            discounts.add(new PriceDiscountRow(version, d.getKey(), d.getValue()));
          }
          StoredVersion stored =
              new StoredVersion(
                  new PriceVersionRow(
                      version,
                      effectiveTime.truncatedTo(ChronoUnit.MILLIS),
                      now.truncatedTo(ChronoUnit.MILLIS),
                      createdBy),
                  items,
                  discounts);
          prices.insert(stored);
          return toCatalog(stored);
        });
  }

  /** When a version was written and by whom, by version (kept beside the schedule). */
  public PriceVersionInfo info(long version) {
    PriceVersionInfo i = infos.get(version);
    return i != null ? i : new PriceVersionInfo(Instant.EPOCH, "");
  }

  /** When a version was written, and the prefix of the admin key that wrote it. */
  public record PriceVersionInfo(Instant createdTime, String createdBy) {}

  private List<PriceCatalog> toCatalogs(List<StoredVersion> stored) {
    return stored.stream().map(this::toCatalog).toList();
  }

  private PriceCatalog toCatalog(StoredVersion v) {
    infos.put(
        v.version().version(),
        new PriceVersionInfo(v.version().createdTime(), v.version().createdBy()));
    TreeMap<String, Long> types = new TreeMap<>();
    long bandwidth = -1;
    for (PriceItemRow row : v.items()) {
      if (BANDWIDTH_KIND.equals(row.itemKind())) {
        bandwidth = row.monthlyPriceFen();
      } else if (INSTANCE_TYPE_KIND.equals(row.itemKind())) {
        types.put(row.itemCode(), row.monthlyPriceFen());
      }
    }
    if (bandwidth < 0) {
      throw new IllegalStateException(
          "price catalog version " + v.version().version() + " has no bandwidth price");
    }
    TreeMap<Integer, Integer> discounts = new TreeMap<>();
    for (PriceDiscountRow row : v.discounts()) {
      discounts.put(row.periodMonths(), row.discountPercent());
    }
    return new PriceCatalog(
        v.version().version(), v.version().effectiveTime(), types, bandwidth, discounts);
  }
}
