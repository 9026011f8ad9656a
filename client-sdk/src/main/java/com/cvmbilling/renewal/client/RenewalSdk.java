package com.cvmbilling.renewal.client;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The SDK's own facts. */
public final class RenewalSdk {
  /** This SDK's version (semantic versioning), e.g. {@code 0.1.0}. */
  public static final String VERSION = loadVersion();

  private RenewalSdk() {}

  private static String loadVersion() {
    try (InputStream in = RenewalSdk.class.getResourceAsStream("renewal-sdk.properties")) {
      if (in == null) {
        return "unknown";
      }
      Properties p = new Properties();
      p.load(in);
      return p.getProperty("version", "unknown");
    } catch (IOException e) {
      return "unknown";
    }
  }

  static String userAgent(String suffix) {
    String ua = "renewal-java-sdk/" + VERSION;
    return suffix == null || suffix.isBlank() ? ua : ua + " " + suffix.strip();
  }
}
