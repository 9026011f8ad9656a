package com.cvmbilling.renewal.server.support;

import jakarta.inject.Singleton;
import java.security.SecureRandom;

/** Random public identifiers. Collisions are caught by primary keys and retried by callers. */
@Singleton
public class IdGenerator {
  private static final char[] ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789".toCharArray();
  private final SecureRandom random = new SecureRandom();

  public String instanceId() {
    return "ins-" + random(8);
  }

  public String accountId() {
    return "acc-" + random(8);
  }

  public String orderId() {
    return "ord-" + random(20);
  }

  /** A tenant API key: 160 bits of randomness, so a fast hash (SHA-256) is enough to store it. */
  public String apiKey() {
    return "rk_" + random(32);
  }

  private String random(int length) {
    char[] out = new char[length];
    for (int i = 0; i < length; i++) {
      out[i] = ALPHABET[random.nextInt(ALPHABET.length)];
    }
    return new String(out);
  }
}
