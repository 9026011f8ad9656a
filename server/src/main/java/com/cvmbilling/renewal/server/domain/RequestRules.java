package com.cvmbilling.renewal.server.domain;

import com.cvmbilling.renewal.server.error.ApiException;
import com.cvmbilling.renewal.v1.ErrorReason;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Validation of request fields (SPEC sections 2, 5, 6 and 7). Each failure is an {@link
 * ApiException} with a stable reason, a field violation naming the proto field in {@code
 * snake_case}, and metadata naming the offending values ({@code instanceIds} for ids,
 * comma-separated).
 *
 * <p>Offending values from the request are echoed in metadata only in a bounded form (see {@link
 * #display}), so that an absurd input cannot make the error itself too large to deliver.
 */
public final class RequestRules {
  /** Most instance ids one request may name. */
  public static final int MAX_BATCH = 100;

  /** Billing time zone of an account that names none. */
  public static final ZoneId DEFAULT_TIME_ZONE = ZoneId.of("Asia/Shanghai");

  public static final int MIN_BANDWIDTH_MBPS = 1;
  public static final int MAX_BANDWIDTH_MBPS = 1000;
  public static final int MAX_AUTO_RENEW_PERIOD_MONTHS = 12;
  public static final int MAX_CLIENT_TOKEN_LENGTH = 64;

  /** Days a renewal forecast looks ahead when the request names none, and at most. */
  public static final int DEFAULT_HORIZON_DAYS = 90;

  public static final int MAX_HORIZON_DAYS = 400;

  /** Longest echo of one offending request value in metadata or messages. */
  static final int MAX_ECHO_CHARS = 32;

  private static final String ID_PREFIX = "ins-";
  private static final int ID_SUFFIX_LENGTH = 8;
  private static final String ID_FORMAT =
      "an instance id is \"ins-\" followed by 8 lowercase letters or digits";

  /** How many malformed ids the human-readable message quotes (metadata lists all). */
  private static final int MAX_IDS_IN_MESSAGE = 3;

  private static final Pattern ACCOUNT_ID = Pattern.compile("acc-[a-z0-9]{8}");

  private static final Set<String> ZONE_IDS = Set.copyOf(ZoneId.getAvailableZoneIds());

  private RequestRules() {}

  /** {@code "ins-"} followed by exactly 8 characters of {@code [a-z0-9]}. */
  public static boolean isValidInstanceId(String id) {
    if (id == null
        || id.length() != ID_PREFIX.length() + ID_SUFFIX_LENGTH
        || !id.startsWith(ID_PREFIX)) {
      return false;
    }
    for (int i = ID_PREFIX.length(); i < id.length(); i++) {
      char c = id.charAt(i);
      if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))) {
        return false;
      }
    }
    return true;
  }

  /**
   * A batch of 1..{@value #MAX_BATCH} distinct, well-formed instance ids. Checked in this order,
   * the first failure wins: empty ({@code INVALID_INSTANCE_ID}), too many ({@code
   * TOO_MANY_INSTANCES}, metadata {@code count} and {@code max}), malformed ({@code
   * INVALID_INSTANCE_ID}, metadata {@code instanceIds} listing every distinct malformed id in
   * request order; null and empty count as malformed), repeated ({@code DUPLICATE_INSTANCE_ID},
   * metadata {@code instanceIds} listing each repeated id once, in order of first appearance). A
   * null list counts as empty.
   */
  public static void validateInstanceIds(List<String> ids) {
    if (ids == null || ids.isEmpty()) {
      String msg = "instance_ids must name 1 to " + MAX_BATCH + " instances";
      throw ApiException.of(ErrorReason.INVALID_INSTANCE_ID, msg)
          .meta("count", "0")
          .meta("max", Integer.toString(MAX_BATCH))
          .field("instance_ids", msg)
          .build();
    }
    if (ids.size() > MAX_BATCH) {
      String msg =
          "instance_ids names " + ids.size() + " instances; at most " + MAX_BATCH + " per request";
      throw ApiException.of(ErrorReason.TOO_MANY_INSTANCES, msg)
          .meta("count", Integer.toString(ids.size()))
          .meta("max", Integer.toString(MAX_BATCH))
          .field("instance_ids", msg)
          .build();
    }

    Set<String> malformed = new LinkedHashSet<>();
    for (String id : ids) {
      if (!isValidInstanceId(id)) {
        malformed.add(display(id));
      }
    }
    if (!malformed.isEmpty()) {
      String msg = malformedMessage(new ArrayList<>(malformed));
      // Joined here, not with meta(String, Collection): that one drops the separator after a
      // leading empty element, and an empty id is a malformed id that must keep its place.
      throw ApiException.of(ErrorReason.INVALID_INSTANCE_ID, msg)
          .meta("instanceIds", String.join(",", malformed))
          .field("instance_ids", msg)
          .build();
    }

    Set<String> seen = new HashSet<>();
    Set<String> repeated = new LinkedHashSet<>();
    for (String id : ids) {
      if (!seen.add(id)) {
        repeated.add(id);
      }
    }
    if (!repeated.isEmpty()) {
      String msg =
          "instance_ids must be distinct; named more than once: " + String.join(", ", repeated);
      throw ApiException.of(ErrorReason.DUPLICATE_INSTANCE_ID, msg)
          .meta("instanceIds", repeated)
          .field("instance_ids", msg)
          .build();
    }
  }

  private static String malformedMessage(List<String> malformed) {
    StringBuilder msg = new StringBuilder("malformed instance id");
    msg.append(malformed.size() == 1 ? " " : "s ");
    int shown = Math.min(malformed.size(), MAX_IDS_IN_MESSAGE);
    for (int i = 0; i < shown; i++) {
      if (i > 0) {
        msg.append(", ");
      }
      msg.append('"').append(malformed.get(i)).append('"');
    }
    if (malformed.size() > shown) {
      msg.append(" and ").append(malformed.size() - shown).append(" more");
    }
    return msg.append("; ").append(ID_FORMAT).toString();
  }

  /**
   * An account id is "acc-" + 8 lowercase letters or digits, matched exactly (whatever the database
   * collation would match); else {@code INVALID_ACCOUNT_ID} on {@code account_id}.
   */
  public static String validateAccountId(String accountId) {
    if (accountId == null || !ACCOUNT_ID.matcher(accountId).matches()) {
      throw ApiException.badField(
          ErrorReason.INVALID_ACCOUNT_ID,
          "account_id",
          "account_id must be \"acc-\" followed by 8 lowercase letters or digits");
    }
    return accountId;
  }

  /**
   * A renewal period: 1..12, 24 or 36 months; else {@code INVALID_PERIOD} on {@code period_months}.
   */
  public static void validateRenewalPeriod(int months) {
    if (!Pricing.isAllowedRenewalPeriod(months)) {
      throw Pricing.invalidPeriod(months);
    }
  }

  /**
   * An auto-renew period: 1..12 months, or 0 to keep the current one; else {@code INVALID_PERIOD}
   * on {@code auto_renew_period_months}.
   */
  public static void validateAutoRenewPeriod(int months) {
    if (months < 0 || months > MAX_AUTO_RENEW_PERIOD_MONTHS) {
      String msg =
          "auto_renew_period_months must be 1 to "
              + MAX_AUTO_RENEW_PERIOD_MONTHS
              + " (or 0 to keep the current period); got "
              + months;
      throw ApiException.of(ErrorReason.INVALID_PERIOD, msg)
          .meta("autoRenewPeriodMonths", Integer.toString(months))
          .field("auto_renew_period_months", msg)
          .build();
    }
  }

  /**
   * A forecast horizon: 1..{@value #MAX_HORIZON_DAYS} days, 0 for {@value #DEFAULT_HORIZON_DAYS};
   * else {@code INVALID_HORIZON} on {@code horizon_days}. Returns the days to forecast.
   */
  public static int horizonDays(int requested) {
    if (requested == 0) {
      return DEFAULT_HORIZON_DAYS;
    }
    if (requested < 0 || requested > MAX_HORIZON_DAYS) {
      String msg =
          "horizon_days must be 1 to "
              + MAX_HORIZON_DAYS
              + " (or 0 for "
              + DEFAULT_HORIZON_DAYS
              + "); got "
              + requested;
      throw ApiException.of(ErrorReason.INVALID_HORIZON, msg)
          .meta("horizonDays", Integer.toString(requested))
          .field("horizon_days", msg)
          .build();
    }
    return requested;
  }

  /** Public bandwidth 1..1000 Mbps; else {@code INVALID_BANDWIDTH} on {@code bandwidth_mbps}. */
  public static void validateBandwidth(int mbps) {
    if (mbps < MIN_BANDWIDTH_MBPS || mbps > MAX_BANDWIDTH_MBPS) {
      String msg =
          "bandwidth_mbps must be "
              + MIN_BANDWIDTH_MBPS
              + " to "
              + MAX_BANDWIDTH_MBPS
              + "; got "
              + mbps;
      throw ApiException.of(ErrorReason.INVALID_BANDWIDTH, msg)
          .meta("bandwidthMbps", Integer.toString(mbps))
          .field("bandwidth_mbps", msg)
          .build();
    }
  }

  /** A unified expiry day 1..28; else {@code INVALID_EXPIRY_DAY} on {@code expiry_day}. */
  public static void validateExpiryDay(int day) {
    if (day < 1 || day > 28) {
      throw BillingCalendar.invalidExpiryDay(day);
    }
  }

  /**
   * An idempotency token: empty (or null) means none; otherwise 1..64 characters, each printable
   * ASCII 0x21..0x7E (no spaces, control or non-ASCII characters); else {@code
   * INVALID_CLIENT_TOKEN} on {@code client_token}. The token itself is not echoed.
   */
  public static void validateClientToken(String token) {
    if (token == null || token.isEmpty()) {
      return;
    }
    boolean ok = token.length() <= MAX_CLIENT_TOKEN_LENGTH;
    for (int i = 0; ok && i < token.length(); i++) {
      char c = token.charAt(i);
      ok = c >= 0x21 && c <= 0x7E;
    }
    if (!ok) {
      String msg =
          "client_token must be 1 to "
              + MAX_CLIENT_TOKEN_LENGTH
              + " printable ASCII characters without spaces (got "
              + token.length()
              + " characters)";
      throw ApiException.of(ErrorReason.INVALID_CLIENT_TOKEN, msg)
          .meta("length", Integer.toString(token.length()))
          .field("client_token", msg)
          .build();
    }
  }

  /**
   * A billing time zone: empty (or null) is {@link #DEFAULT_TIME_ZONE}; otherwise an IANA time zone
   * id known to this JVM's tz database, spelt exactly (e.g. {@code Asia/Shanghai}, {@code
   * America/New_York}, {@code UTC}). Fixed offsets ({@code +08:00}, {@code Z}, {@code UTC+8}) are
   * rejected: they have no rules and cannot follow a region. Else {@code INVALID_TIME_ZONE} on
   * {@code billing_time_zone}.
   */
  public static ZoneId parseTimeZone(String id) {
    if (id == null || id.isEmpty()) {
      return DEFAULT_TIME_ZONE;
    }
    if (ZONE_IDS.contains(id)) {
      return ZoneId.of(id);
    }
    String shown = display(id);
    String msg =
        "billing_time_zone \"" + shown + "\" is not an IANA time zone id such as Asia/Shanghai";
    throw ApiException.of(ErrorReason.INVALID_TIME_ZONE, msg)
        .meta("billingTimeZone", shown)
        .field("billing_time_zone", msg)
        .build();
  }

  /**
   * A request value as echoed in errors: null as the empty string; each code point outside
   * printable ASCII (0x20..0x7E), and each comma (the metadata list separator), replaced by {@code
   * ?}; cut to {@value #MAX_ECHO_CHARS} code points followed by {@code ...}. Ordinary ids come back
   * unchanged. Every error that echoes a request value must pass it through here: the ErrorInfo
   * travels in the trailers, and HTTP/2 peers refuse trailers over 8 KiB by default.
   */
  public static String display(String value) {
    if (value == null) {
      return "";
    }
    StringBuilder out = new StringBuilder(Math.min(value.length(), MAX_ECHO_CHARS + 3));
    int count = 0;
    for (int i = 0; i < value.length(); ) {
      int cp = value.codePointAt(i);
      i += Character.charCount(cp);
      if (count == MAX_ECHO_CHARS) {
        out.append("...");
        break;
      }
      out.append(cp >= 0x20 && cp <= 0x7E && cp != ',' ? (char) cp : '?');
      count++;
    }
    return out.toString();
  }
}
