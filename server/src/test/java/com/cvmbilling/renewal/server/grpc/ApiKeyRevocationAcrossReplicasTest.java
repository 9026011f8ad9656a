package com.cvmbilling.renewal.server.grpc;

import static com.cvmbilling.renewal.server.testing.Errors.assertError;

import com.cvmbilling.renewal.server.config.ServerConfig;
import com.cvmbilling.renewal.server.testing.TestDatabases;
import com.cvmbilling.renewal.server.testing.TestServer;
import com.cvmbilling.renewal.v1.CreateApiKeyRequest;
import com.cvmbilling.renewal.v1.CreateApiKeyResponse;
import com.cvmbilling.renewal.v1.DescribeAccountRequest;
import com.cvmbilling.renewal.v1.RevokeApiKeyRequest;
import io.grpc.Status;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Revocation reaches the other replicas within their key cache time: three servers on one database;
 * A revokes a key that B (cache time 1 s) and C (cache time 1 h) remember. After 1 s B refuses it;
 * C, whose cache time has not passed, still accepts it (the documented delay).
 */
abstract class ApiKeyRevocationAcrossReplicasTest {

  abstract TestDatabases.Kind databaseKind();

  static TestServer replica(TestDatabases.TestDatabase db, Duration cacheTime) {
    ServerConfig base = ServerConfig.forTests(db.settings(), List.of(TestServer.ADMIN_KEY));
    return new TestServer(
        base.toBuilder().access(base.access().withApiKeyCacheTime(cacheTime)).build(),
        Clock.systemUTC());
  }

  @Test
  void aKeyRevokedOnOneReplicaIsRefusedByAnotherAfterItsCacheTime() throws Exception {
    Duration shortCache = Duration.ofSeconds(1);
    try (TestDatabases.TestDatabase db = TestDatabases.create(databaseKind());
        TestServer a = replica(db, Duration.ofSeconds(30));
        TestServer b = replica(db, shortCache);
        TestServer c = replica(db, Duration.ofHours(1))) {
      TestServer.TestAccount account = a.createAccount(100);
      CreateApiKeyResponse created =
          a.admin()
              .createApiKey(
                  CreateApiKeyRequest.newBuilder().setAccountId(account.accountId()).build());
      String key = created.getApiKey();
      for (TestServer replica : List.of(a, b, c)) {
        replica.tenant(key).describeAccount(DescribeAccountRequest.getDefaultInstance());
      }

      a.admin()
          .revokeApiKey(
              RevokeApiKeyRequest.newBuilder().setKeyId(created.getKeyInfo().getKeyId()).build());

      assertError(
          Status.Code.UNAUTHENTICATED,
          "API_KEY_REVOKED",
          () -> a.tenant(key).describeAccount(DescribeAccountRequest.getDefaultInstance()));
      Thread.sleep(shortCache.toMillis() + 100);
      assertError(
          Status.Code.UNAUTHENTICATED,
          "API_KEY_REVOKED",
          () -> b.tenant(key).describeAccount(DescribeAccountRequest.getDefaultInstance()));
      // C remembers the key for an hour: the revocation reaches it within that time, not sooner.
      c.tenant(key).describeAccount(DescribeAccountRequest.getDefaultInstance());
    }
  }
}
