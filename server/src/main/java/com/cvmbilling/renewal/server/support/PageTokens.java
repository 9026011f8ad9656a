package com.cvmbilling.renewal.server.support;

import com.cvmbilling.renewal.server.error.ApiException;
import com.cvmbilling.renewal.v1.ErrorReason;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Opaque page tokens (AIP-158): the keyset position plus a fingerprint of the query (caller's
 * account and filters). A token used with other filters, by another account, or altered is
 * INVALID_PAGE_TOKEN. Tokens only carry a position, so forging one reveals nothing.
 */
public final class PageTokens {
  private static final String VERSION = "v1";

  private PageTokens() {}

  public static String encode(String position, String queryFingerprint) {
    String raw = VERSION + "|" + queryFingerprint + "|" + position;
    String sealed = raw + "|" + checksum(raw);
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(sealed.getBytes(StandardCharsets.UTF_8));
  }

  /** Detects altered or truncated tokens (an integrity check, not a secret). */
  private static String checksum(String raw) {
    return Hashing.sha256Hex(raw).substring(0, 12);
  }

  /** The position in a token, or null for an empty token (first page). */
  public static String decode(String token, String queryFingerprint) {
    if (token == null || token.isEmpty()) {
      return null;
    }
    String raw;
    try {
      raw = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw invalid();
    }
    int lastBar = raw.lastIndexOf('|');
    if (lastBar < 0 || !raw.substring(lastBar + 1).equals(checksum(raw.substring(0, lastBar)))) {
      throw invalid();
    }
    String[] parts = raw.substring(0, lastBar).split("\\|", 3);
    if (parts.length != 3
        || !VERSION.equals(parts[0])
        || !parts[1].equals(queryFingerprint)
        || parts[2].isEmpty()) {
      throw invalid();
    }
    return parts[2];
  }

  public static long decodeLong(String token, String queryFingerprint) {
    String position = decode(token, queryFingerprint);
    if (position == null) {
      return -1;
    }
    try {
      return Long.parseLong(position);
    } catch (NumberFormatException e) {
      throw invalid();
    }
  }

  public static String fingerprint(Object... queryParts) {
    StringBuilder text = new StringBuilder();
    for (Object part : queryParts) {
      text.append(part).append('\u0000');
    }
    return Hashing.sha256Hex(text.toString()).substring(0, 16);
  }

  /** page_size: 0 means the default (20); above 100 is treated as 100; negative is an error. */
  public static int pageSize(int requested) {
    if (requested < 0) {
      throw ApiException.badField(
          ErrorReason.INVALID_PAGE_SIZE, "page_size", "page_size must not be negative");
    }
    if (requested == 0) {
      return 20;
    }
    return Math.min(requested, 100);
  }

  private static ApiException invalid() {
    return ApiException.badField(
        ErrorReason.INVALID_PAGE_TOKEN,
        "page_token",
        "page_token is not valid for this request; start again without a token");
  }
}
