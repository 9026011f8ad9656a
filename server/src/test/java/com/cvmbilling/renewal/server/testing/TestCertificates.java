package com.cvmbilling.renewal.server.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Throw-away CAs and certificates (EC P-256, valid from an hour ago for two days), made fresh by
 * each test: in memory ({@link #certificateAuthority}, {@link #server(Issued)}, {@link
 * #client(Issued, String)}) or also written as PEM files into a directory ({@link #ca}, {@link
 * #server(Path, Issued)}, {@link #client(Path, String, Issued)}). Leaf certificates name localhost
 * and 127.0.0.1.
 */
public final class TestCertificates {
  private static final AtomicLong SERIAL = new AtomicLong(System.currentTimeMillis());

  private TestCertificates() {}

  /** A certificate with its key; the files they were written to, or null when only in memory. */
  public record Issued(X509Certificate certificate, PrivateKey key, Path certFile, Path keyFile) {
    public byte[] certificatePem() {
      try {
        return pem("CERTIFICATE", certificate.getEncoded()).getBytes(StandardCharsets.US_ASCII);
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException(e);
      }
    }

    /** The key as PKCS#8 PEM (a JDK private key's encoding): the form the server requires. */
    public byte[] keyPem() {
      return pem("PRIVATE KEY", key.getEncoded()).getBytes(StandardCharsets.US_ASCII);
    }
  }

  /** A self-signed CA, in memory. */
  public static Issued certificateAuthority(String name) {
    KeyPair pair = keyPair();
    X500Name subject = new X500Name("CN=" + name);
    X509v3CertificateBuilder b = builder(subject, subject, pair);
    try {
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
      b.addExtension(
          Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new Issued(sign(b, pair.getPrivate()), pair.getPrivate(), null, null);
  }

  /** A server certificate (CN=localhost) signed by {@code ca}, in memory. */
  public static Issued server(Issued ca) {
    return leaf("localhost", ca, KeyPurposeId.id_kp_serverAuth);
  }

  /** A client certificate (CN={@code name}) signed by {@code ca}, in memory. */
  public static Issued client(Issued ca, String name) {
    return leaf(name, ca, KeyPurposeId.id_kp_clientAuth);
  }

  /** A CA written to {@code dir/<name>.crt.pem} and {@code .key.pem}. */
  public static Issued ca(Path dir, String name) {
    return write(dir, name, certificateAuthority(name));
  }

  /** A server certificate written to {@code dir/server.crt.pem} and {@code .key.pem}. */
  public static Issued server(Path dir, Issued ca) {
    return write(dir, "server", server(ca));
  }

  /** A client certificate written to {@code dir/<name>.crt.pem} and {@code .key.pem}. */
  public static Issued client(Path dir, String name, Issued ca) {
    return write(dir, name, client(ca, name));
  }

  private static Issued leaf(String commonName, Issued ca, KeyPurposeId purpose) {
    KeyPair pair = keyPair();
    X509v3CertificateBuilder b =
        builder(
            new X500Name(ca.certificate().getSubjectX500Principal().getName()),
            new X500Name("CN=" + commonName),
            pair);
    try {
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
      b.addExtension(
          Extension.keyUsage,
          true,
          new KeyUsage(
              KeyUsage.digitalSignature | KeyUsage.keyEncipherment | KeyUsage.keyAgreement));
      b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose));
      b.addExtension(
          Extension.subjectAlternativeName,
          false,
          new GeneralNames(
              new GeneralName[] {
                new GeneralName(GeneralName.dNSName, "localhost"),
                new GeneralName(GeneralName.iPAddress, "127.0.0.1")
              }));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new Issued(sign(b, ca.key()), pair.getPrivate(), null, null);
  }

  private static X509v3CertificateBuilder builder(X500Name issuer, X500Name subject, KeyPair pair) {
    Instant now = Instant.now();
    return new JcaX509v3CertificateBuilder(
        issuer,
        BigInteger.valueOf(SERIAL.incrementAndGet()),
        Date.from(now.minus(Duration.ofHours(1))),
        Date.from(now.plus(Duration.ofDays(2))),
        subject,
        pair.getPublic());
  }

  private static X509Certificate sign(X509v3CertificateBuilder b, PrivateKey issuerKey) {
    try {
      return new JcaX509CertificateConverter()
          .getCertificate(b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKey)));
    } catch (GeneralSecurityException | OperatorCreationException e) {
      throw new IllegalStateException(e);
    }
  }

  private static KeyPair keyPair() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec("secp256r1"));
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Issued write(Path dir, String name, Issued issued) {
    try {
      Path certFile = dir.resolve(name + ".crt.pem");
      Path keyFile = dir.resolve(name + ".key.pem");
      Files.write(certFile, issued.certificatePem());
      Files.write(keyFile, issued.keyPem());
      return new Issued(issued.certificate(), issued.key(), certFile, keyFile);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN "
        + type
        + "-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
        + "\n-----END "
        + type
        + "-----\n";
  }
}
