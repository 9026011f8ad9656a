package com.cvmbilling.renewal.client;

import io.grpc.ChannelCredentials;
import io.grpc.TlsChannelCredentials;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * TLS, optionally mutual: which certificate authorities to trust for the server's certificate
 * (default: the JDK's trust store) and, for mutual TLS, the client's certificate chain and private
 * key. Certificates and keys are PEM; the private key is PKCS#8 ({@code -----BEGIN PRIVATE
 * KEY-----}).
 *
 * <pre>{@code
 * TlsSettings.newBuilder()
 *     .trustCertificates(Path.of("ca.pem"))                                  // server's CA
 *     .clientCertificate(Path.of("client.pem"), Path.of("client.key"))      // mutual TLS
 *     .build();
 * }</pre>
 */
public final class TlsSettings {
  private final byte[] trustPem;
  private final byte[] certChainPem;
  private final byte[] privateKeyPem;
  private final String authorityOverride;

  private TlsSettings(Builder b) {
    this.trustPem = b.trustPem;
    this.certChainPem = b.certChainPem;
    this.privateKeyPem = b.privateKeyPem;
    this.authorityOverride = b.authorityOverride;
  }

  /** TLS trusting the JDK's default certificate authorities, no client certificate. */
  public static TlsSettings systemDefault() {
    return newBuilder().build();
  }

  public static Builder newBuilder() {
    return new Builder();
  }

  /** Whether a client certificate is presented (mutual TLS). */
  public boolean isMutual() {
    return certChainPem != null;
  }

  /** The name checked against the server certificate instead of each target's host; may be null. */
  public String authorityOverride() {
    return authorityOverride;
  }

  ChannelCredentials toChannelCredentials() {
    try {
      TlsChannelCredentials.Builder b = TlsChannelCredentials.newBuilder();
      if (trustPem != null) {
        b.trustManager(new ByteArrayInputStream(trustPem));
      }
      if (certChainPem != null) {
        b.keyManager(
            new ByteArrayInputStream(certChainPem), new ByteArrayInputStream(privateKeyPem));
      }
      return b.build();
    } catch (IOException e) {
      throw new IllegalArgumentException("unreadable TLS certificate or key: " + e.getMessage(), e);
    }
  }

  @Override
  public String toString() {
    return "TlsSettings{trust="
        + (trustPem == null ? "system" : "custom CA")
        + ", mutual="
        + isMutual()
        + (authorityOverride == null ? "" : ", authority=" + authorityOverride)
        + "}";
  }

  /** Builds {@link TlsSettings}. */
  public static final class Builder {
    private byte[] trustPem;
    private byte[] certChainPem;
    private byte[] privateKeyPem;
    private String authorityOverride;

    private Builder() {}

    /**
     * Trust only the certificate authorities in this PEM file (instead of the JDK's).
     *
     * @param caPem a PEM file of one or more certificates
     * @return this builder
     * @throws java.io.UncheckedIOException if the file cannot be read
     * @throws NullPointerException if {@code caPem} is null
     */
    public Builder trustCertificates(Path caPem) {
      this.trustPem = read(caPem);
      return this;
    }

    /**
     * Trust only the certificate authorities in this PEM text.
     *
     * @param caPem PEM text of one or more certificates (checked by {@link #build()})
     * @return this builder
     * @throws NullPointerException if {@code caPem} is null
     */
    public Builder trustCertificates(byte[] caPem) {
      this.trustPem = Objects.requireNonNull(caPem, "caPem").clone();
      return this;
    }

    /**
     * Mutual TLS: present this certificate chain (PEM) and private key (PKCS#8 PEM).
     *
     * @param certChainPem a PEM file of the client's certificate chain
     * @param privateKeyPem a PKCS#8 PEM file of its private key
     * @return this builder
     * @throws java.io.UncheckedIOException if a file cannot be read
     * @throws NullPointerException if a path is null
     */
    public Builder clientCertificate(Path certChainPem, Path privateKeyPem) {
      this.certChainPem = read(certChainPem);
      this.privateKeyPem = read(privateKeyPem);
      return this;
    }

    /**
     * Mutual TLS: present this certificate chain (PEM) and private key (PKCS#8 PEM).
     *
     * @param certChainPem PEM text of the client's certificate chain (checked by {@link #build()})
     * @param privateKeyPem PKCS#8 PEM text of its private key (checked by {@link #build()})
     * @return this builder
     * @throws NullPointerException if either is null
     */
    public Builder clientCertificate(byte[] certChainPem, byte[] privateKeyPem) {
      this.certChainPem = Objects.requireNonNull(certChainPem, "certChainPem").clone();
      this.privateKeyPem = Objects.requireNonNull(privateKeyPem, "privateKeyPem").clone();
      return this;
    }

    /**
     * Check the server certificate against this name instead of each target's host, e.g. when the
     * targets are IP addresses and the certificate names a host.
     */
    public Builder authorityOverride(String authority) {
      this.authorityOverride = authority;
      return this;
    }

    /**
     * The settings; fails here, not at the first call, on certificates or a key that cannot be
     * read.
     *
     * @return the settings
     * @throws IllegalArgumentException if a certificate or the key cannot be read, or the key is
     *     not PKCS#8 PEM
     */
    public TlsSettings build() {
      if (trustPem != null) {
        requireCertificates(trustPem, "trusted certificates");
      }
      if (certChainPem != null) {
        requireCertificates(certChainPem, "client certificate chain");
        String key = new String(privateKeyPem, java.nio.charset.StandardCharsets.US_ASCII);
        if (!key.contains("-----BEGIN PRIVATE KEY-----")) {
          throw new IllegalArgumentException(
              "the client private key must be PKCS#8 PEM (-----BEGIN PRIVATE KEY-----)");
        }
      }
      TlsSettings settings = new TlsSettings(this);
      settings.toChannelCredentials();
      return settings;
    }

    private static void requireCertificates(byte[] pem, String what) {
      try {
        if (java.security.cert.CertificateFactory.getInstance("X.509")
            .generateCertificates(new ByteArrayInputStream(pem))
            .isEmpty()) {
          throw new IllegalArgumentException("no certificate in the " + what);
        }
      } catch (java.security.cert.CertificateException e) {
        throw new IllegalArgumentException("unreadable " + what + ": " + e.getMessage(), e);
      }
    }

    private static byte[] read(Path path) {
      try {
        return Files.readAllBytes(path);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + path, e);
      }
    }
  }
}
