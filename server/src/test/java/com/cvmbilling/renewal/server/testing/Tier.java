package com.cvmbilling.renewal.server.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.Set;
import org.junit.jupiter.api.Tag;

/**
 * The test tiers: each test class carries one tag per resource it needs beyond this JVM's memory
 * ({@code -Dgroups=...} selects them, e.g. {@code -Dgroups=unit} or {@code -DexcludedGroups=
 * mariadb,process}). A class with none of them is {@link Unit}. The tags are inherited by
 * subclasses, so a test class that runs on H2 is not the base of one that runs on MariaDB.
 */
public final class Tier {
  public static final String UNIT = "unit";
  public static final String DB_H2 = "db-h2";
  public static final String MARIADB = "mariadb";
  public static final String NETWORK = "network";
  public static final String PROCESS = "process";
  public static final String FAULT = "fault";
  public static final String FUZZ = "fuzz";
  public static final String GALERA = "galera";
  public static final String BROWSER = "browser";

  /** Every tag a test class may carry; {@code TierTagsTest} fails on any other. */
  public static final Set<String> ALL =
      Set.of(UNIT, DB_H2, MARIADB, NETWORK, PROCESS, FAULT, FUZZ, GALERA, BROWSER);

  private Tier() {}

  /** No database, no child process, no socket: plain code in this JVM, in seconds. */
  @Target(ElementType.TYPE)
  @Retention(RetentionPolicy.RUNTIME)
  @Tag(UNIT)
  public @interface Unit {}

  /** An H2 database (in memory, or a file of an embedded server process). */
  @Target(ElementType.TYPE)
  @Retention(RetentionPolicy.RUNTIME)
  @Tag(DB_H2)
  public @interface H2 {}

  /** The MariaDB server at {@code RENEWAL_TEST_MARIADB_URL} (default 127.0.0.1:3306). */
  @Target(ElementType.TYPE)
  @Retention(RetentionPolicy.RUNTIME)
  @Tag(MARIADB)
  public @interface MariaDb {}

  /** TCP on loopback (a Netty server or channel in this JVM, or a port a child process opens). */
  @Target(ElementType.TYPE)
  @Retention(RetentionPolicy.RUNTIME)
  @Tag(NETWORK)
  public @interface Network {}

  /** Starts server JVMs (or a database server) as child processes. */
  @Target(ElementType.TYPE)
  @Retention(RetentionPolicy.RUNTIME)
  @Tag(PROCESS)
  public @interface Process {}

  /** Fault injection: kills a replica, a runner or the database under load. */
  @Target(ElementType.TYPE)
  @Retention(RetentionPolicy.RUNTIME)
  @Tag(FAULT)
  public @interface Fault {}

  /** Randomized abuse of the public surface. */
  @Target(ElementType.TYPE)
  @Retention(RetentionPolicy.RUNTIME)
  @Tag(FUZZ)
  public @interface Fuzz {}

  /**
   * A 3-node MariaDB Galera cluster the test starts itself ({@link GaleraCluster}, with
   * deploy/galera/cluster.sh and package galera-4).
   */
  @Target(ElementType.TYPE)
  @Retention(RetentionPolicy.RUNTIME)
  @Tag(GALERA)
  public @interface Galera {}

  /**
   * A real headless Chromium driven by Selenium (Debian's {@code chromium} and {@code
   * chromium-driver}); skipped where they are missing, failed under {@code CI=true}.
   */
  @Target(ElementType.TYPE)
  @Retention(RetentionPolicy.RUNTIME)
  @Tag(BROWSER)
  public @interface Browser {}
}
