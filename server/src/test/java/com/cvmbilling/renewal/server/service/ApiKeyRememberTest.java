package com.cvmbilling.renewal.server.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.cvmbilling.renewal.server.error.ApiException;
import com.cvmbilling.renewal.server.persistence.PersistenceModule;
import com.cvmbilling.renewal.server.support.Hashing;
import com.cvmbilling.renewal.server.testing.TestDatabases;
import com.cvmbilling.renewal.server.testing.TestServer;
import com.cvmbilling.renewal.server.testing.Tier;
import com.google.inject.Key;
import java.sql.Connection;
import java.sql.Statement;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * API keys found in the database are remembered for 30 s (2 of the 11 round trips of a renewal call
 * were the key lookup); unknown keys are not remembered, so a key created after a refused attempt
 * works at once.
 */
@Tier.H2
class ApiKeyRememberTest {

  @Test
  void aKnownKeyIsRememberedAndAnUnknownOneIsNot() throws Exception {
    try (TestDatabases.TestDatabase db = TestDatabases.h2();
        TestServer server = new TestServer(db.settings())) {
      ApiKeyService keys = server.server().injector().getInstance(ApiKeyService.class);
      TestServer.TestAccount account = server.createAccount(100);
      String key = "rk_remember_test_key_0123456789";

      assertThatThrownBy(() -> keys.authenticate(key)).isInstanceOf(ApiException.class);
      keys.ensureKey(key, account.accountId(), false);
      assertThat(keys.authenticate(key).accountId())
          .as("not remembered as unknown")
          .isEqualTo(account.accountId());

      DataSource ds =
          server
              .server()
              .injector()
              .getInstance(Key.get(DataSource.class, PersistenceModule.Pooled.class));
      try (Connection c = ds.getConnection();
          Statement s = c.createStatement()) {
        s.executeUpdate("DELETE FROM api_key WHERE key_hash = '" + Hashing.sha256Hex(key) + "'");
        c.commit();
      }
      assertThat(keys.authenticate(key).accountId())
          .as("remembered for %s", "30 s")
          .isEqualTo(account.accountId());
      assertThatThrownBy(() -> keys.authenticate(key + "x")).isInstanceOf(ApiException.class);
    }
  }
}
