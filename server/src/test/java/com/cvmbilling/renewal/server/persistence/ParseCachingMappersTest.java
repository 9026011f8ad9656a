package com.cvmbilling.renewal.server.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import com.cvmbilling.renewal.server.testing.TestDatabases;
import com.cvmbilling.renewal.server.testing.TestServer;
import com.cvmbilling.renewal.server.testing.Tier;
import java.util.List;
import org.apache.ibatis.session.Configuration;
import org.apache.ibatis.session.SqlSessionFactory;
import org.junit.jupiter.api.Test;

/** Every statement that opts into the parse-caching language is kept by list sizes. */
@Tier.H2
class ParseCachingMappersTest {
  @Test
  void everyOptedInStatementOfTheMappersIsKeptByShape() {
    try (TestDatabases.TestDatabase db = TestDatabases.h2();
        TestServer server = new TestServer(db.settings())) {
      Configuration configuration =
          server.server().injector().getInstance(SqlSessionFactory.class).getConfiguration();
      List<ParseCachingLanguageDriver.ParseCachingSqlSource> optedIn =
          configuration.getMappedStatementNames().stream()
              .filter(name -> name.contains("."))
              .map(name -> configuration.getMappedStatement(name).getSqlSource())
              .filter(ParseCachingLanguageDriver.ParseCachingSqlSource.class::isInstance)
              .map(ParseCachingLanguageDriver.ParseCachingSqlSource.class::cast)
              .toList();
      // On H2: the renewal's UPDATE and two IN locks, account locks and lock versions, billing
      // records, charges, events (the step write is MariaDB's only).
      assertThat(optedIn).hasSizeGreaterThanOrEqualTo(8);
      assertThat(optedIn).allSatisfy(s -> assertThat(s.keptByShape()).isTrue());
    }
  }
}
