package com.cvmbilling.renewal.client.testing;

import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
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
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** Certificates made by the test: a CA, and server and client certificates it signs (EC P-256). */
public final class TestCertificates {
  private static final SecureRandom RANDOM = new SecureRandom();

  /** A certificate and its private key, as PEM (the key PKCS#8). */
  public record Issued(X509Certificate certificate, PrivateKey key) {
    public byte[] certificatePem() {
      return pem(certificate);
    }

    public byte[] keyPem() {
      String b64 =
          Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
              .encodeToString(key.getEncoded());
      return ("-----BEGIN PRIVATE KEY-----\n" + b64 + "\n-----END PRIVATE KEY-----\n")
          .getBytes(StandardCharsets.US_ASCII);
    }
  }

  private TestCertificates() {}

  public static Issued certificateAuthority(String name) {
    KeyPair keys = keyPair();
    return new Issued(
        build(
            new X500Name("CN=" + name),
            keys,
            new X500Name("CN=" + name),
            keys.getPrivate(),
            true,
            null,
            null),
        keys.getPrivate());
  }

  /** A server certificate for localhost and 127.0.0.1. */
  public static Issued server(Issued ca) {
    KeyPair keys = keyPair();
    GeneralNames names =
        new GeneralNames(
            new GeneralName[] {
              new GeneralName(GeneralName.dNSName, "localhost"),
              new GeneralName(GeneralName.iPAddress, "127.0.0.1")
            });
    return new Issued(
        build(
            new X500Name("CN=localhost"),
            keys,
            issuer(ca),
            ca.key(),
            false,
            names,
            KeyPurposeId.id_kp_serverAuth),
        keys.getPrivate());
  }

  public static Issued client(Issued ca, String name) {
    KeyPair keys = keyPair();
    return new Issued(
        build(
            new X500Name("CN=" + name),
            keys,
            issuer(ca),
            ca.key(),
            false,
            null,
            KeyPurposeId.id_kp_clientAuth),
        keys.getPrivate());
  }

  private static X500Name issuer(Issued ca) {
    return new X500Name(ca.certificate().getSubjectX500Principal().getName());
  }

  private static KeyPair keyPair() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
      return g.generateKeyPair();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static X509Certificate build(
      X500Name subject,
      KeyPair keys,
      X500Name issuer,
      PrivateKey signer,
      boolean ca,
      GeneralNames sans,
      KeyPurposeId purpose) {
    try {
      Instant now = Instant.now();
      X509v3CertificateBuilder b =
          new JcaX509v3CertificateBuilder(
              issuer,
              new BigInteger(64, RANDOM),
              Date.from(now.minus(Duration.ofHours(1))),
              Date.from(now.plus(Duration.ofDays(1))),
              subject,
              keys.getPublic());
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
      b.addExtension(
          Extension.keyUsage,
          true,
          ca
              ? new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign)
              : new KeyUsage(
                  KeyUsage.digitalSignature | KeyUsage.keyEncipherment | KeyUsage.keyAgreement));
      if (sans != null) {
        b.addExtension(Extension.subjectAlternativeName, false, sans);
      }
      if (purpose != null) {
        b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose));
      }
      ContentSigner contentSigner = new JcaContentSignerBuilder("SHA256withECDSA").build(signer);
      return new JcaX509CertificateConverter().getCertificate(b.build(contentSigner));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static byte[] pem(X509Certificate certificate) {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter w = new JcaPEMWriter(out)) {
      w.writeObject(certificate);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    return out.toString().getBytes(StandardCharsets.US_ASCII);
  }
}
