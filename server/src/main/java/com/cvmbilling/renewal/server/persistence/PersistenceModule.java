package com.cvmbilling.renewal.server.persistence;

import com.google.inject.Provider;
import jakarta.inject.Inject;
import java.time.Instant;
import javax.sql.DataSource;
import org.apache.ibatis.mapping.VendorDatabaseIdProvider;
import org.apache.ibatis.transaction.jdbc.JdbcTransactionFactory;
import org.mybatis.guice.MyBatisModule;

/**
 * Wires MyBatis over a given pool: the mappers (SQL in XML beside each interface), the instant type
 * handler, and a databaseId ("h2" or "mysql") for the rare statement that must differ.
 */
public final class PersistenceModule extends MyBatisModule {
  private final DataSource dataSource;
  private final java.time.Duration maxQueryTime;

  public PersistenceModule(DataSource dataSource) {
    this(dataSource, null);
  }

  /**
   * @param maxQueryTime the longest one statement may run (JDBC query timeout); a gRPC call's
   *     deadline shortens it. Null or zero: only the call's deadline bounds a statement.
   */
  public PersistenceModule(DataSource dataSource, java.time.Duration maxQueryTime) {
    this.dataSource = dataSource;
    this.maxQueryTime = maxQueryTime;
  }

  @Override
  protected void initialize() {
    environmentId("renewal");
    bind(DataSource.class)
        .annotatedWith(Pooled.class)
        .toInstance(new DeadlineBoundDataSource(dataSource));
    bindDataSourceProviderType(PooledDataSourceProvider.class);
    bindTransactionFactoryType(NoAutoCommitResetTransactionFactory.class);
    java.util.Properties vendors = new java.util.Properties();
    vendors.setProperty("H2", "h2");
    vendors.setProperty("MySQL", "mysql");
    vendors.setProperty("MariaDB", "mysql");
    VendorDatabaseIdProvider databaseIdProvider = new VendorDatabaseIdProvider();
    databaseIdProvider.setProperties(vendors);
    bindDatabaseIdProvider(databaseIdProvider);
    mapUnderscoreToCamelCase(true);
    useGeneratedKeys(false);
    handleType(Instant.class).with(EpochMillisInstantTypeHandler.class);
    addMapperClass(AccountMapper.class);
    addMapperClass(InstanceMapper.class);
    addMapperClass(BillingRecordMapper.class);
    addMapperClass(EventMapper.class);
    addMapperClass(PriceMapper.class);
    addMapperClass(ApiKeyMapper.class);
    addMapperClass(IdempotencyMapper.class);
    addMapperClass(LifecycleMapper.class);
    addInterceptorClass(QueryTimeoutInterceptor.class);
    addInterceptorClass(DatabaseErrorInterceptor.class);
    bind(QueryTimeoutInterceptor.class).toInstance(new QueryTimeoutInterceptor(maxQueryTime));
    bind(Transactions.class);
  }

  /**
   * MyBatis turns autocommit back on when it closes a transaction, and the pool turns it off again
   * when the connection returns: two round trips per transaction for nothing, since every
   * connection of the pool is always used with autocommit off.
   */
  public static final class NoAutoCommitResetTransactionFactory extends JdbcTransactionFactory {
    public NoAutoCommitResetTransactionFactory() {
      java.util.Properties p = new java.util.Properties();
      p.setProperty("skipSetAutoCommitOnClose", "true");
      setProperties(p);
    }
  }

  @jakarta.inject.Qualifier
  @java.lang.annotation.Retention(java.lang.annotation.RetentionPolicy.RUNTIME)
  public @interface Pooled {}

  static final class PooledDataSourceProvider implements Provider<DataSource> {
    private final DataSource dataSource;

    @Inject
    PooledDataSourceProvider(@Pooled DataSource dataSource) {
      this.dataSource = dataSource;
    }

    @Override
    public DataSource get() {
      return dataSource;
    }
  }
}
