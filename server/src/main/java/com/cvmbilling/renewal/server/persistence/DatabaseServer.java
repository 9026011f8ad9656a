package com.cvmbilling.renewal.server.persistence;

/**
 * What start-up learned about the database server, for the few places that must behave differently
 * on a Galera cluster node (see {@link Galera}).
 *
 * @param galera the server is a node of a MariaDB Galera cluster ({@code wsrep_on})
 */
public record DatabaseServer(boolean galera) {
  /** A single server (MariaDB, MySQL) or the embedded H2. */
  public static final DatabaseServer SINGLE = new DatabaseServer(false);

  public static final DatabaseServer GALERA = new DatabaseServer(true);
}
