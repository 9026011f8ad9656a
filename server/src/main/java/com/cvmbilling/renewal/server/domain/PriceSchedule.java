package com.cvmbilling.renewal.server.domain;

import com.cvmbilling.renewal.server.error.ApiException;
import com.cvmbilling.renewal.v1.ErrorReason;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Every version of the price catalog, and which one is in force when. The version in force at
 * {@code t} is the one with the latest effective time not after {@code t}; of two with the same
 * effective time, the higher version (so a scheduled change is corrected by writing a new version
 * with the same effective time). Version 1 is in force since the epoch, so there always is one.
 *
 * @param versions by version number, ascending
 */
public record PriceSchedule(List<PriceCatalog> versions) {
  private static final Comparator<PriceCatalog> IN_FORCE_ORDER =
      Comparator.comparing(PriceCatalog::effectiveTime).thenComparingLong(PriceCatalog::version);

  public PriceSchedule {
    versions = List.copyOf(versions);
    if (versions.isEmpty()) {
      throw new IllegalArgumentException("the price catalog has no version");
    }
    for (int i = 1; i < versions.size(); i++) {
      if (versions.get(i).version() <= versions.get(i - 1).version()) {
        throw new IllegalArgumentException("versions must ascend");
      }
    }
  }

  public static PriceSchedule of(PriceCatalog only) {
    return new PriceSchedule(List.of(only));
  }

  /** This schedule with {@code added} (higher versions) appended. */
  public PriceSchedule plus(List<PriceCatalog> added) {
    if (added.isEmpty()) {
      return this;
    }
    List<PriceCatalog> all = new ArrayList<>(versions);
    all.addAll(added);
    return new PriceSchedule(all);
  }

  /** The catalog in force at {@code t}. */
  public PriceCatalog at(Instant t) {
    PriceCatalog best = null;
    for (PriceCatalog c : versions) {
      if (!c.effectiveTime().isAfter(t) && (best == null || IN_FORCE_ORDER.compare(c, best) > 0)) {
        best = c;
      }
    }
    if (best == null) {
      throw new IllegalStateException("no price catalog in force at " + t);
    }
    return best;
  }

  /** The first instant a catalog is in force (version 1's, the epoch): nothing before it. */
  public Instant earliestEffectiveTime() {
    return versions.stream().map(PriceCatalog::effectiveTime).min(Instant::compareTo).orElseThrow();
  }

  /** The highest version: what a new version is checked against. */
  public PriceCatalog latest() {
    return versions.get(versions.size() - 1);
  }

  public long latestVersion() {
    return latest().version();
  }

  /**
   * A new version's effective time must be at least {@code minLead} after {@code now}, so that
   * every replica has read it before it takes effect (history is never rewritten).
   *
   * @param minLead the server's configured lead ({@code --price-change-lead-time}), stated in the
   *     error
   * @throws ApiException {@code INVALID_TIMESTAMP} on {@code effective_time} otherwise
   */
  public static void requireEffectiveTime(Instant effective, Instant now, Duration minLead) {
    Instant earliest = now.plus(minLead);
    if (effective.isBefore(earliest)) {
      long leadMillis = minLead.toMillis();
      String msg =
          "effective_time must be at least "
              + (leadMillis % 1000 == 0 ? leadMillis / 1000 + " s" : leadMillis + " ms")
              + " (this server's price change lead time) after now ("
              + earliest
              + " or later): prices in force are never rewritten and every replica must read a"
              + " change before it takes effect; got "
              + effective;
      throw ApiException.of(ErrorReason.INVALID_TIMESTAMP, msg)
          .field("effective_time", msg)
          .meta("earliestEffectiveTime", earliest.toString())
          .build();
    }
  }
}
