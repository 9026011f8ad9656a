package com.cvmbilling.renewal.server.persistence;

import com.google.inject.Provider;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import com.google.inject.multibindings.OptionalBinder;
import jakarta.inject.Inject;
import java.time.Instant;
import javax.sql.DataSource;
import org.apache.ibatis.mapping.VendorDatabaseIdProvider;
import org.mybatis.guice.MyBatisModule;

/**
 * Wires MyBatis over a given pool: the mappers (SQL in XML beside each interface), the instant type
 * handler, and a databaseId ("h2" or "mysql") for the rare statement that must differ. Work is
 * bounded by the current call's {@link CallDeadline}: none unless the transport binds one (with
 * {@code OptionalBinder.newOptionalBinder(binder(), CallDeadline.class).setBinding()}).
 */
public final class PersistenceModule extends MyBatisModule {
  private final DataSource dataSource;
  private final TransactionSettings settings;
  private final DatabaseServer server;

  public PersistenceModule(DataSource dataSource, TransactionSettings settings) {
    this(dataSource, settings, DatabaseServer.SINGLE);
  }

  public PersistenceModule(
      DataSource dataSource, TransactionSettings settings, DatabaseServer server) {
    this.dataSource = dataSource;
    this.settings = settings;
    this.server = server;
  }

  @Override
  protected void initialize() {
    environmentId("renewal");
    bind(TransactionSettings.class).toInstance(settings);
    bind(DatabaseServer.class).toInstance(server);
    OptionalBinder.newOptionalBinder(binder(), CallDeadline.class)
        .setDefault()
        .toInstance(CallDeadline.NONE);
    bindDataSourceProviderType(PooledDataSourceProvider.class);
    bindTransactionFactoryType(CallBoundTransactionFactory.class);
    java.util.Properties vendors = new java.util.Properties();
    vendors.setProperty("H2", "h2");
    vendors.setProperty("MySQL", "mysql");
    vendors.setProperty("MariaDB", "mysql");
    VendorDatabaseIdProvider databaseIdProvider = new VendorDatabaseIdProvider();
    databaseIdProvider.setProperties(vendors);
    bindDatabaseIdProvider(databaseIdProvider);
    bindObjectFactoryType(ConstructorCachingObjectFactory.class);
    // No mapper declares a second-level cache: skip the caching executor around every statement.
    useCacheEnabled(false);
    mapUnderscoreToCamelCase(true);
    useGeneratedKeys(false);
    handleType(Instant.class).with(EpochMillisInstantTypeHandler.class);
    addAlias("parseCaching").to(ParseCachingLanguageDriver.class);
    addMapperClass(AccountMapper.class);
    addMapperClass(InstanceMapper.class);
    addMapperClass(BillingRecordMapper.class);
    addMapperClass(EventMapper.class);
    addMapperClass(PriceVersionMapper.class);
    addMapperClass(PriceItemMapper.class);
    addMapperClass(PriceDiscountMapper.class);
    addMapperClass(ApiKeyMapper.class);
    addMapperClass(IdempotencyMapper.class);
    addMapperClass(AutoRenewChargeMapper.class);
    addInterceptorClass(DatabaseErrorInterceptor.class);
    bind(Transactions.class);
  }

  /** The pool as MyBatis (and tests) see it: connection waits bounded by the call's deadline. */
  @Provides
  @Singleton
  @Pooled
  DataSource pooled(CallDeadline deadline) {
    return new DeadlineBoundDataSource(dataSource, deadline);
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
