package com.cvmbilling.renewal.server.domain;

import com.cvmbilling.renewal.server.error.ApiException;
import com.cvmbilling.renewal.v1.ErrorReason;
import java.time.Instant;
import java.util.regex.Pattern;

/** Validation of API key fields (issue #12 point 1: key lifecycle). */
public final class ApiKeyRules {
  public static final int MAX_NAME_LENGTH = 64;
  public static final int MAX_DESCRIPTION_LENGTH = 256;

  /**
   * The name the audit and access logs give the bootstrap {@code --admin-key} (and the demo admin
   * key); no stored admin key may take it.
   */
  public static final String BOOTSTRAP_NAME = "bootstrap";

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1," + MAX_NAME_LENGTH + "}");
  private static final Pattern KEY_ID = Pattern.compile("key-[0-9a-f]{1,28}");

  private ApiKeyRules() {}

  /**
   * An admin or support key's name: 1..64 of A-Z a-z 0-9 . _ -, not "bootstrap"; else
   * INVALID_KEY_NAME.
   */
  public static String validateName(String name) {
    if (!NAME.matcher(name).matches()) {
      throw ApiException.badField(
          ErrorReason.INVALID_KEY_NAME,
          "name",
          "an admin or support key needs a name of 1 to "
              + MAX_NAME_LENGTH
              + " characters among A-Z a-z 0-9 . _ -");
    }
    if (name.equals(BOOTSTRAP_NAME)) {
      throw ApiException.badField(
          ErrorReason.INVALID_KEY_NAME,
          "name",
          "the name '" + BOOTSTRAP_NAME + "' is reserved for the --admin-key key");
    }
    return name;
  }

  /** At most 256 characters (code points); empty means none (null). */
  public static String validateDescription(String description) {
    if (description.codePointCount(0, description.length()) > MAX_DESCRIPTION_LENGTH) {
      throw ApiException.badField(
          ErrorReason.INVALID_DESCRIPTION,
          "description",
          "description must be at most " + MAX_DESCRIPTION_LENGTH + " characters");
    }
    return description.isEmpty() ? null : description;
  }

  /** An expiry must be after now; null (none) passes. */
  public static Instant validateExpireTime(Instant expireTime, Instant now) {
    if (expireTime != null && !expireTime.isAfter(now)) {
      throw ApiException.badField(
          ErrorReason.INVALID_EXPIRE_TIME,
          "expire_time",
          "expire_time must be in the future (now is " + now + ")");
    }
    return expireTime;
  }

  /** A key id as ListApiKeys shows it; else INVALID_KEY_ID. */
  public static String validateKeyId(String keyId) {
    if (!KEY_ID.matcher(keyId).matches()) {
      throw ApiException.badField(
          ErrorReason.INVALID_KEY_ID, "key_id", "key_id must be a key id such as key-0123abcd...");
    }
    return keyId;
  }

  /** Whether a key with this expiry is refused at {@code now}. */
  public static boolean expired(Instant expireTime, Instant now) {
    return expireTime != null && !now.isBefore(expireTime);
  }
}
