package com.cvmbilling.renewal.server.lifecycle;

import com.cvmbilling.renewal.server.config.ServerConfig;
import com.cvmbilling.renewal.server.domain.ChargeType;
import com.cvmbilling.renewal.server.domain.Instance;
import com.cvmbilling.renewal.server.domain.InstanceState;
import com.cvmbilling.renewal.server.domain.RenewFlag;
import com.cvmbilling.renewal.server.persistence.DatabaseSettings;
import com.cvmbilling.renewal.server.persistence.InstanceMapper;
import com.cvmbilling.renewal.server.persistence.PersistenceModule;
import com.cvmbilling.renewal.server.service.LifecycleService;
import com.cvmbilling.renewal.server.testing.TestServer;
import com.cvmbilling.renewal.server.testing.TestServer.TestAccount;
import com.cvmbilling.renewal.v1.BillingRecord;
import com.cvmbilling.renewal.v1.CreateInstancesRequest;
import com.cvmbilling.renewal.v1.DescribeAccountRequest;
import com.cvmbilling.renewal.v1.DescribeBillingRecordsRequest;
import com.cvmbilling.renewal.v1.DescribeBillingRecordsResponse;
import com.cvmbilling.renewal.v1.DescribeInstancesRequest;
import com.cvmbilling.renewal.v1.Event;
import com.cvmbilling.renewal.v1.ListEventsRequest;
import com.cvmbilling.renewal.v1.RenewalServiceGrpc.RenewalServiceBlockingStub;
import com.google.inject.Key;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.apache.ibatis.session.ExecutorType;
import org.apache.ibatis.session.SqlSession;
import org.apache.ibatis.session.SqlSessionFactory;

/** Shared helpers of the lifecycle tests. */
final class LifecycleFixtures {
  private LifecycleFixtures() {}

  static ServerConfig.Builder config(DatabaseSettings db) {
    return ServerConfig.forTests(db, List.of(TestServer.ADMIN_KEY)).toBuilder();
  }

  static LifecycleService lifecycle(TestServer server) {
    return server.server().injector().getInstance(LifecycleService.class);
  }

  static DataSource dataSource(TestServer server) {
    return server
        .server()
        .injector()
        .getInstance(Key.get(DataSource.class, PersistenceModule.Pooled.class));
  }

  /**
   * Inserts instance rows as they are (any state, expiry in the past allowed) through
   * InstanceMapper in JDBC batches; every prepaid, unreleased row is due at once (next_due 0).
   */
  static void insertInstances(TestServer server, List<Instance> rows) {
    SqlSessionFactory factory = server.server().injector().getInstance(SqlSessionFactory.class);
    try (SqlSession session = factory.openSession(ExecutorType.BATCH, false)) {
      InstanceMapper mapper = session.getMapper(InstanceMapper.class);
      int n = 0;
      for (Instance i : rows) {
        mapper.insert(i);
        if (++n % 1000 == 0) {
          session.flushStatements();
        }
      }
      session.flushStatements();
      session.commit();
    }
  }

  /** {@code ins-} + 8 base-36 digits of n: distinct, sortable, valid ids. */
  static String instanceId(String prefix, int n) {
    String digits = Integer.toString(n, 36);
    return "ins-" + prefix + "0".repeat(8 - prefix.length() - digits.length()) + digits;
  }

  static Instance prepaid(
      String id,
      String accountId,
      InstanceState state,
      Instant expiry,
      int anchorDay,
      Instant isolatedTime,
      RenewFlag flag,
      Instant createdTime) {
    return new Instance(
        id,
        accountId,
        "S5.SMALL2",
        ChargeType.PREPAID,
        state,
        createdTime,
        expiry,
        anchorDay,
        isolatedTime,
        null,
        flag,
        1,
        1,
        1);
  }

  static List<com.cvmbilling.renewal.v1.Instance> create(
      TestServer server,
      TestAccount account,
      String type,
      int bandwidth,
      com.cvmbilling.renewal.v1.RenewFlag flag,
      int autoRenewMonths,
      int count,
      Instant expiry) {
    return server
        .admin()
        .createInstances(
            CreateInstancesRequest.newBuilder()
                .setAccountId(account.accountId())
                .setInstanceType(type)
                .setChargeType(com.cvmbilling.renewal.v1.Instance.ChargeType.PREPAID)
                .setBandwidthMbps(bandwidth)
                .setRenewFlag(flag)
                .setAutoRenewPeriodMonths(autoRenewMonths)
                .setCount(count)
                .setExpiredTime(TestServer.timestamp(expiry))
                .build())
        .getInstancesList();
  }

  /** Every event of the account, paging ListEvents. */
  static List<Event> events(RenewalServiceBlockingStub tenant) {
    List<Event> all = new ArrayList<>();
    long after = 0;
    while (true) {
      List<Event> page =
          tenant
              .listEvents(
                  ListEventsRequest.newBuilder().setAfterEventId(after).setPageSize(100).build())
              .getEventsList();
      all.addAll(page);
      if (page.isEmpty()) {
        return all;
      }
      after = page.get(page.size() - 1).getEventId();
    }
  }

  static Map<String, List<Event>> eventsByInstance(List<Event> events) {
    return events.stream().collect(Collectors.groupingBy(Event::getInstanceId));
  }

  /** Every billing record of the account, oldest first. */
  static List<BillingRecord> records(RenewalServiceBlockingStub tenant) {
    List<BillingRecord> all = new ArrayList<>();
    String token = "";
    do {
      DescribeBillingRecordsResponse page =
          tenant.describeBillingRecords(
              DescribeBillingRecordsRequest.newBuilder()
                  .setPageSize(100)
                  .setPageToken(token)
                  .build());
      all.addAll(page.getRecordsList());
      token = page.getNextPageToken();
    } while (!token.isEmpty());
    all.sort((a, b) -> Long.compare(a.getRecordId(), b.getRecordId()));
    return all;
  }

  static com.cvmbilling.renewal.v1.Instance describe(
      RenewalServiceBlockingStub tenant, String instanceId) {
    return tenant
        .describeInstances(DescribeInstancesRequest.newBuilder().addInstanceIds(instanceId).build())
        .getInstances(0);
  }

  static long balance(RenewalServiceBlockingStub tenant) {
    return TestServer.fen(
        tenant
            .describeAccount(DescribeAccountRequest.getDefaultInstance())
            .getAccount()
            .getBalance());
  }

  static Instant at(com.google.protobuf.Timestamp ts) {
    return TestServer.instant(ts);
  }

  /** Runs a query and maps each row. */
  static <T> List<T> query(DataSource ds, String sql, RowMapper<T> mapper, Object... args) {
    try (Connection c = ds.getConnection()) {
      return query(c, sql, mapper, args);
    } catch (SQLException e) {
      throw new IllegalStateException(sql, e);
    }
  }

  static <T> List<T> query(Connection c, String sql, RowMapper<T> mapper, Object... args) {
    try (PreparedStatement s = c.prepareStatement(sql)) {
      for (int n = 0; n < args.length; n++) {
        s.setObject(n + 1, args[n]);
      }
      List<T> out = new ArrayList<>();
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          out.add(mapper.map(rs));
        }
      }
      if (!c.getAutoCommit()) {
        c.rollback();
      }
      return out;
    } catch (SQLException e) {
      throw new IllegalStateException(sql, e);
    }
  }

  static long count(DataSource ds, String sql, Object... args) {
    return query(ds, sql, rs -> rs.getLong(1), args).get(0);
  }

  static <K, V> Map<K, V> index(List<V> values, Function<V, K> key) {
    return values.stream().collect(Collectors.toMap(key, v -> v));
  }

  @FunctionalInterface
  interface RowMapper<T> {
    T map(ResultSet rs) throws SQLException;
  }
}
