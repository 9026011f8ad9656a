package com.cvmbilling.renewal.server.grpc;

import static com.cvmbilling.renewal.server.testing.Errors.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.cvmbilling.renewal.server.persistence.ApiKeyRow;
import com.cvmbilling.renewal.server.persistence.ApiKeyStore;
import com.cvmbilling.renewal.server.persistence.Transactions;
import com.cvmbilling.renewal.server.support.Hashing;
import com.cvmbilling.renewal.server.testing.TestServer;
import com.cvmbilling.renewal.server.testing.TestServer.TestAccount;
import com.cvmbilling.renewal.v1.AdminServiceGrpc;
import com.cvmbilling.renewal.v1.ApiKey;
import com.cvmbilling.renewal.v1.CreateAccountRequest;
import com.cvmbilling.renewal.v1.CreateApiKeyRequest;
import com.cvmbilling.renewal.v1.CreateApiKeyResponse;
import com.cvmbilling.renewal.v1.DescribeAccountRequest;
import com.cvmbilling.renewal.v1.DescribePricesRequest;
import com.cvmbilling.renewal.v1.ListApiKeysRequest;
import com.cvmbilling.renewal.v1.ListApiKeysResponse;
import com.cvmbilling.renewal.v1.RevokeApiKeyRequest;
import com.cvmbilling.renewal.v1.RevokeApiKeyResponse;
import io.grpc.Status;
import io.grpc.stub.MetadataUtils;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The API key lifecycle (issue #12 point 1): CreateApiKey's new fields, ListApiKeys, RevokeApiKey.
 */
abstract class ApiKeyLifecycleTest extends ServiceTestBase {

  AdminServiceGrpc.AdminServiceBlockingStub admin() {
    return server.admin();
  }

  AdminServiceGrpc.AdminServiceBlockingStub adminWith(String key) {
    return AdminServiceGrpc.newBlockingStub(server.channel())
        .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(TestServer.bearer(key)));
  }

  List<ApiKey> listAll(ListApiKeysRequest request) {
    List<ApiKey> all = new ArrayList<>();
    String token = "";
    do {
      ListApiKeysResponse page =
          admin().listApiKeys(request.toBuilder().setPageToken(token).build());
      all.addAll(page.getApiKeysList());
      token = page.getNextPageToken();
    } while (!token.isEmpty());
    return all;
  }

  List<ApiKey> tenantKeys(TestAccount account) {
    return listAll(ListApiKeysRequest.newBuilder().setAccountId(account.accountId()).build());
  }

  ApiKeyRow row(String keyId) {
    var injector = server.server().injector();
    return injector
        .getInstance(Transactions.class)
        .inTransaction(() -> injector.getInstance(ApiKeyStore.class).findById(keyId));
  }

  // ---------------------------------------------------------------- CreateApiKey

  @Test
  void createsATenantKeyWithDescriptionAndExpiryAndListsItWithoutTheSecret() {
    TestAccount account = account(100);
    CreateApiKeyResponse created =
        admin()
            .createApiKey(
                CreateApiKeyRequest.newBuilder()
                    .setAccountId(account.accountId())
                    .setDescription("billing robot")
                    .setExpireTime(ts("2027-02-01T00:00:00Z"))
                    .build());

    ApiKey info = created.getKeyInfo();
    assertThat(info.getKeyId()).startsWith("key-");
    assertThat(created.getApiKey()).startsWith(info.getPrefix());
    assertThat(info.getAccountId()).isEqualTo(account.accountId());
    assertThat(info.getAdmin()).isFalse();
    assertThat(info.getDescription()).isEqualTo("billing robot");
    assertThat(instant(info.getCreatedTime())).isEqualTo(NOW);
    assertThat(instant(info.getExpireTime())).isEqualTo(t("2027-02-01T00:00:00Z"));
    assertThat(info.hasLastUsedTime()).isFalse();
    assertThat(info.hasRevokedTime()).isFalse();

    List<ApiKey> listed = tenantKeys(account);
    assertThat(listed).hasSize(2).contains(info);
    assertThat(listed.toString())
        .doesNotContain(created.getApiKey())
        .doesNotContain(Hashing.sha256Hex(created.getApiKey()))
        .doesNotContain(Hashing.sha256Hex(account.apiKey()));
    assertThat(
            server
                .tenant(created.getApiKey())
                .describeAccount(DescribeAccountRequest.getDefaultInstance())
                .getAccount()
                .getAccountId())
        .isEqualTo(account.accountId());
  }

  @Test
  void anExpiredKeyIsRefusedAsExpired() {
    TestAccount account = account(100);
    String key =
        admin()
            .createApiKey(
                CreateApiKeyRequest.newBuilder()
                    .setAccountId(account.accountId())
                    .setExpireTime(TestServer.timestamp(NOW.plus(Duration.ofHours(1))))
                    .build())
            .getApiKey();
    server.tenant(key).describeAccount(DescribeAccountRequest.getDefaultInstance());

    clock.advance(Duration.ofHours(1));

    var info =
        assertError(
            Status.Code.UNAUTHENTICATED,
            "API_KEY_EXPIRED",
            () -> server.tenant(key).describeAccount(DescribeAccountRequest.getDefaultInstance()));
    assertThat(info).isNotNull();
    assertError(
        Status.Code.UNAUTHENTICATED,
        "API_KEY_EXPIRED",
        () -> server.tenant(key).describeAccount(DescribeAccountRequest.getDefaultInstance()));
  }

  @Test
  void anExpiryNotInTheFutureIsInvalidAndCreatesNothing() {
    TestAccount account = account(100);
    for (var at : List.of(NOW, NOW.minusSeconds(1))) {
      assertError(
          Status.Code.INVALID_ARGUMENT,
          "INVALID_EXPIRE_TIME",
          () ->
              admin()
                  .createApiKey(
                      CreateApiKeyRequest.newBuilder()
                          .setAccountId(account.accountId())
                          .setExpireTime(TestServer.timestamp(at))
                          .build()));
    }
    assertThat(tenantKeys(account)).hasSize(1);
  }

  @Test
  void badFieldsAreInvalidArguments() {
    TestAccount account = account(100);
    assertError(
        Status.Code.INVALID_ARGUMENT,
        "INVALID_DESCRIPTION",
        () ->
            admin()
                .createApiKey(
                    CreateApiKeyRequest.newBuilder()
                        .setAccountId(account.accountId())
                        .setDescription("x".repeat(257))
                        .build()));
    assertError(
        Status.Code.INVALID_ARGUMENT,
        "INVALID_KEY_NAME",
        () ->
            admin()
                .createApiKey(
                    CreateApiKeyRequest.newBuilder()
                        .setAccountId(account.accountId())
                        .setName("robot")
                        .build()));
    assertError(
        Status.Code.NOT_FOUND,
        "ACCOUNT_NOT_FOUND",
        () ->
            admin()
                .createApiKey(
                    CreateApiKeyRequest.newBuilder().setAccountId("acc-nosuchac").build()));
    assertError(
        Status.Code.NOT_FOUND,
        "ACCOUNT_NOT_FOUND",
        () ->
            admin()
                .listApiKeys(ListApiKeysRequest.newBuilder().setAccountId("acc-nosuchac").build()));
    assertError(
        Status.Code.INVALID_ARGUMENT,
        "INVALID_ACCOUNT_ID",
        () -> admin().listApiKeys(ListApiKeysRequest.getDefaultInstance()));
    assertError(
        Status.Code.INVALID_ARGUMENT,
        "INVALID_ACCOUNT_ID",
        () ->
            admin()
                .listApiKeys(
                    ListApiKeysRequest.newBuilder()
                        .setAccountId(account.accountId())
                        .setAdmin(true)
                        .build()));
    assertThat(tenantKeys(account)).hasSize(1);
  }

  @Test
  void lastUseIsWrittenOnLookupNotOnEveryCall() {
    TestAccount account = account(100);
    CreateApiKeyResponse created =
        admin()
            .createApiKey(
                CreateApiKeyRequest.newBuilder().setAccountId(account.accountId()).build());
    var tenant = server.tenant(created.getApiKey());
    tenant.describeAccount(DescribeAccountRequest.getDefaultInstance());
    clock.advance(Duration.ofSeconds(10));
    tenant.describeAccount(DescribeAccountRequest.getDefaultInstance());

    ApiKey listed =
        tenantKeys(account).stream()
            .filter(k -> k.getKeyId().equals(created.getKeyInfo().getKeyId()))
            .findFirst()
            .orElseThrow();
    assertThat(instant(listed.getLastUsedTime())).isEqualTo(NOW);
  }

  // ---------------------------------------------------------------- ListApiKeys

  @Test
  void listsPageByPageOldestFirst() {
    TestAccount account = account(100);
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      clock.advance(Duration.ofSeconds(1));
      ids.add(
          admin()
              .createApiKey(
                  CreateApiKeyRequest.newBuilder().setAccountId(account.accountId()).build())
              .getKeyInfo()
              .getKeyId());
    }
    ListApiKeysRequest request =
        ListApiKeysRequest.newBuilder().setAccountId(account.accountId()).setPageSize(2).build();
    ListApiKeysResponse first = admin().listApiKeys(request);
    assertThat(first.getApiKeysList()).hasSize(2);
    assertThat(first.getNextPageToken()).isNotEmpty();
    ListApiKeysResponse second =
        admin().listApiKeys(request.toBuilder().setPageToken(first.getNextPageToken()).build());
    ListApiKeysResponse third =
        admin().listApiKeys(request.toBuilder().setPageToken(second.getNextPageToken()).build());
    assertThat(third.getNextPageToken()).isEmpty();
    List<String> listed = new ArrayList<>();
    for (var page : List.of(first, second, third)) {
      page.getApiKeysList().forEach(k -> listed.add(k.getKeyId()));
    }
    assertThat(listed).hasSize(5).endsWith(ids.toArray(String[]::new));

    TestAccount other = account(100);
    assertError(
        Status.Code.INVALID_ARGUMENT,
        "INVALID_PAGE_TOKEN",
        () ->
            admin()
                .listApiKeys(
                    ListApiKeysRequest.newBuilder()
                        .setAccountId(other.accountId())
                        .setPageToken(first.getNextPageToken())
                        .build()));
  }

  @Test
  void aKeyFromAnOlderReleaseGetsAStableKeyId() throws Exception {
    TestAccount account = account(100);
    var injector = server.server().injector();
    String secret = "rk_older_release_key_0123456789ab";
    String hash = Hashing.sha256Hex(secret);
    // The previous release's INSERT, column list and all: the new columns are nullable.
    javax.sql.DataSource ds =
        injector.getInstance(
            com.google.inject.Key.get(
                javax.sql.DataSource.class,
                com.cvmbilling.renewal.server.persistence.PersistenceModule.Pooled.class));
    try (java.sql.Connection c = ds.getConnection();
        java.sql.PreparedStatement insert =
            c.prepareStatement(
                "INSERT INTO api_key (key_hash, key_prefix, account_id, is_admin, created_time_ms)"
                    + " VALUES (?, ?, ?, FALSE, ?)")) {
      insert.setString(1, hash);
      insert.setString(2, "rk_old");
      insert.setString(3, account.accountId());
      insert.setLong(4, NOW.toEpochMilli());
      insert.executeUpdate();
      c.commit();
    }

    List<ApiKey> first = tenantKeys(account);
    List<ApiKey> again = tenantKeys(account);
    assertThat(first).isEqualTo(again).hasSize(2);
    assertThat(first).extracting(ApiKey::getKeyId).contains(ApiKeyStore.keyIdFor(hash));
    // V6's is_support defaults to FALSE for rows the previous release inserts.
    assertThat(row(ApiKeyStore.keyIdFor(hash)).support()).isFalse();
    assertThat(first).noneMatch(ApiKey::getSupport);
    assertThat(
            server
                .tenant(secret)
                .describeAccount(DescribeAccountRequest.getDefaultInstance())
                .getAccount()
                .getAccountId())
        .isEqualTo(account.accountId());
  }

  // ---------------------------------------------------------------- RevokeApiKey

  @Test
  void aRevokedKeyIsRefusedAtOnceAndRevokingAgainAnswersTheSame() {
    TestAccount account = account(100);
    CreateApiKeyResponse created =
        admin()
            .createApiKey(
                CreateApiKeyRequest.newBuilder().setAccountId(account.accountId()).build());
    var tenant = server.tenant(created.getApiKey());
    tenant.describeAccount(DescribeAccountRequest.getDefaultInstance()); // now remembered
    clock.advance(Duration.ofMinutes(1));

    RevokeApiKeyRequest revoke =
        RevokeApiKeyRequest.newBuilder().setKeyId(created.getKeyInfo().getKeyId()).build();
    RevokeApiKeyResponse first = admin().revokeApiKey(revoke);
    assertThat(instant(first.getApiKey().getRevokedTime())).isEqualTo(NOW.plusSeconds(60));
    assertThat(first.getApiKey().getKeyId()).isEqualTo(created.getKeyInfo().getKeyId());

    assertError(
        Status.Code.UNAUTHENTICATED,
        "API_KEY_REVOKED",
        () -> tenant.describeAccount(DescribeAccountRequest.getDefaultInstance()));
    clock.advance(Duration.ofMinutes(1));
    assertThat(admin().revokeApiKey(revoke)).isEqualTo(first);
    assertThat(tenantKeys(account)).contains(first.getApiKey());
    // The account's other key still works.
    server.tenant(account).describeAccount(DescribeAccountRequest.getDefaultInstance());
    assertThat(row(first.getApiKey().getKeyId()).revokedBy()).isEqualTo("bootstrap");
  }

  @Test
  void revokingAnUnknownOrMalformedKeyIdFails() {
    assertError(
        Status.Code.NOT_FOUND,
        "API_KEY_NOT_FOUND",
        () ->
            admin()
                .revokeApiKey(
                    RevokeApiKeyRequest.newBuilder().setKeyId("key-0123456789abcdef0123").build()));
    for (String bad : List.of("", "rk_secret", "key-XYZ")) {
      assertError(
          Status.Code.INVALID_ARGUMENT,
          "INVALID_KEY_ID",
          () -> admin().revokeApiKey(RevokeApiKeyRequest.newBuilder().setKeyId(bad).build()));
    }
  }

  @Test
  void theBootstrapKeyStoredInTheTableAsInDemoModeCannotBeRevoked() {
    var injector = server.server().injector();
    injector
        .getInstance(com.cvmbilling.renewal.server.service.ApiKeyService.class)
        .ensureKey(TestServer.ADMIN_KEY, null, true);
    String keyId = ApiKeyStore.keyIdFor(Hashing.sha256Hex(TestServer.ADMIN_KEY));
    assertError(
        Status.Code.INVALID_ARGUMENT,
        "INVALID_KEY_ID",
        () -> admin().revokeApiKey(RevokeApiKeyRequest.newBuilder().setKeyId(keyId).build()));
    assertThat(row(keyId).revokedTime()).isNull();
    admin().listApiKeys(ListApiKeysRequest.newBuilder().setAdmin(true).build());
  }

  // ---------------------------------------------------------------- admin keys

  @Test
  void namedAdminKeysAreCreatedListedAuditedAndRevoked() {
    Logger audit = (Logger) LoggerFactory.getLogger("renewal.audit");
    ListAppender<ILoggingEvent> lines = new ListAppender<>();
    lines.start();
    audit.addAppender(lines);
    try {
      CreateApiKeyResponse ops =
          admin()
              .createApiKey(
                  CreateApiKeyRequest.newBuilder()
                      .setAdmin(true)
                      .setName("ops-alice")
                      .setDescription("on call")
                      .build());
      ApiKey info = ops.getKeyInfo();
      assertThat(info.getAdmin()).isTrue();
      assertThat(info.getName()).isEqualTo("ops-alice");
      assertThat(info.getAccountId()).isEmpty();
      assertThat(row(info.getKeyId()).keyHash()).isEqualTo(Hashing.sha256Hex(ops.getApiKey()));
      assertThat(row(info.getKeyId()).createdBy()).isEqualTo("bootstrap");

      // The new admin key works on the admin API, not on the tenant API.
      var alice = adminWith(ops.getApiKey());
      CreateApiKeyResponse tenantKey =
          alice.createApiKey(
              CreateApiKeyRequest.newBuilder()
                  .setAccountId(
                      alice
                          .createAccount(
                              CreateAccountRequest.newBuilder().setDisplayName("T").build())
                          .getAccount()
                          .getAccountId())
                  .build());
      assertThat(row(tenantKey.getKeyInfo().getKeyId()).createdBy()).isEqualTo("ops-alice");
      assertError(
          Status.Code.PERMISSION_DENIED,
          "TENANT_KEY_REQUIRED",
          () ->
              server
                  .tenant(ops.getApiKey())
                  .describePrices(DescribePricesRequest.getDefaultInstance()));

      assertThat(listAll(ListApiKeysRequest.newBuilder().setAdmin(true).build()))
          .extracting(ApiKey::getKeyId)
          .contains(info.getKeyId());

      alice.revokeApiKey(
          RevokeApiKeyRequest.newBuilder().setKeyId(tenantKey.getKeyInfo().getKeyId()).build());
      assertThat(row(tenantKey.getKeyInfo().getKeyId()).revokedBy()).isEqualTo("ops-alice");
      admin().revokeApiKey(RevokeApiKeyRequest.newBuilder().setKeyId(info.getKeyId()).build());
      assertError(
          Status.Code.UNAUTHENTICATED,
          "API_KEY_REVOKED",
          () -> alice.listApiKeys(ListApiKeysRequest.newBuilder().setAdmin(true).build()));

      List<String> messages = lines.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
      assertThat(messages)
          .anySatisfy(
              m ->
                  assertThat(m)
                      .contains("action=create", "key_id=" + info.getKeyId(), "actor=bootstrap"))
          .anySatisfy(
              m ->
                  assertThat(m)
                      .contains(
                          "action=revoke",
                          "key_id=" + tenantKey.getKeyInfo().getKeyId(),
                          "actor=ops-alice",
                          "account=" + tenantKey.getKeyInfo().getAccountId()))
          .anySatisfy(
              m ->
                  assertThat(m)
                      .contains("action=revoke", "key_id=" + info.getKeyId(), "actor=bootstrap"));
      assertThat(messages.toString()).doesNotContain(ops.getApiKey());
    } finally {
      audit.detachAppender(lines);
    }
  }

  @Test
  void adminKeyRequestsAreValidated() {
    for (String bad : List.of("", "bootstrap", "has space", "x".repeat(65))) {
      assertError(
          Status.Code.INVALID_ARGUMENT,
          "INVALID_KEY_NAME",
          () ->
              admin()
                  .createApiKey(
                      CreateApiKeyRequest.newBuilder().setAdmin(true).setName(bad).build()));
    }
    TestAccount account = account(100);
    assertError(
        Status.Code.INVALID_ARGUMENT,
        "INVALID_ACCOUNT_ID",
        () ->
            admin()
                .createApiKey(
                    CreateApiKeyRequest.newBuilder()
                        .setAdmin(true)
                        .setName("ops")
                        .setAccountId(account.accountId())
                        .build()));
  }

  // ---------------------------------------------------------------- support keys

  @Test
  void supportKeysAreCreatedListedRevokedAndCannotManageKeys() {
    CreateApiKeyResponse created =
        admin()
            .createApiKey(
                CreateApiKeyRequest.newBuilder()
                    .setSupport(true)
                    .setName("helpdesk")
                    .setDescription("first-line support")
                    .setExpireTime(ts("2027-02-01T00:00:00Z"))
                    .build());
    ApiKey info = created.getKeyInfo();
    assertThat(info.getSupport()).isTrue();
    assertThat(info.getAdmin()).isFalse();
    assertThat(info.getName()).isEqualTo("helpdesk");
    assertThat(info.getAccountId()).isEmpty();
    assertThat(instant(info.getExpireTime())).isEqualTo(t("2027-02-01T00:00:00Z"));
    ApiKeyRow stored = row(info.getKeyId());
    assertThat(stored.support()).isTrue();
    assertThat(stored.admin()).isFalse();
    assertThat(stored.accountId()).isNull();
    assertThat(stored.createdBy()).isEqualTo("bootstrap");

    // Listed with the support keys only, never with the admin keys.
    assertThat(listAll(ListApiKeysRequest.newBuilder().setSupport(true).build()))
        .contains(info)
        .allSatisfy(k -> assertThat(k.getSupport()).isTrue());
    assertThat(listAll(ListApiKeysRequest.newBuilder().setAdmin(true).build()))
        .extracting(ApiKey::getKeyId)
        .doesNotContain(info.getKeyId());

    // Only admin keys manage keys.
    var support = adminWith(created.getApiKey());
    assertError(
        Status.Code.PERMISSION_DENIED,
        "SUPPORT_KEY_READ_ONLY",
        () ->
            support.createApiKey(
                CreateApiKeyRequest.newBuilder().setSupport(true).setName("other").build()));
    assertError(
        Status.Code.PERMISSION_DENIED,
        "SUPPORT_KEY_READ_ONLY",
        () -> support.listApiKeys(ListApiKeysRequest.newBuilder().setSupport(true).build()));
    assertError(
        Status.Code.PERMISSION_DENIED,
        "SUPPORT_KEY_READ_ONLY",
        () ->
            support.revokeApiKey(
                RevokeApiKeyRequest.newBuilder().setKeyId(info.getKeyId()).build()));

    // Works (and its last use is recorded) until revoked, like any key.
    TestAccount account = account(100);
    var reader = server.tenant(created.getApiKey());
    DescribeAccountRequest read =
        DescribeAccountRequest.newBuilder().setAccountId(account.accountId()).build();
    assertThat(reader.describeAccount(read).getAccount().getAccountId())
        .isEqualTo(account.accountId());
    assertThat(row(info.getKeyId()).lastUsedTime()).isEqualTo(NOW);
    admin().revokeApiKey(RevokeApiKeyRequest.newBuilder().setKeyId(info.getKeyId()).build());
    assertError(Status.Code.UNAUTHENTICATED, "API_KEY_REVOKED", () -> reader.describeAccount(read));
    assertThat(row(info.getKeyId()).revokedBy()).isEqualTo("bootstrap");
  }

  @Test
  void supportKeyRequestsAreValidatedAndCreateNothing() {
    int before = listAll(ListApiKeysRequest.newBuilder().setSupport(true).build()).size();
    for (String bad : List.of("", "bootstrap", "has space")) {
      assertError(
          Status.Code.INVALID_ARGUMENT,
          "INVALID_KEY_NAME",
          () ->
              admin()
                  .createApiKey(
                      CreateApiKeyRequest.newBuilder().setSupport(true).setName(bad).build()));
    }
    TestAccount account = account(100);
    assertError(
        Status.Code.INVALID_ARGUMENT,
        "INVALID_ACCOUNT_ID",
        () ->
            admin()
                .createApiKey(
                    CreateApiKeyRequest.newBuilder()
                        .setSupport(true)
                        .setName("helpdesk")
                        .setAccountId(account.accountId())
                        .build()));
    assertError(
        Status.Code.INVALID_ARGUMENT,
        "INVALID_KEY_KIND",
        () ->
            admin()
                .createApiKey(
                    CreateApiKeyRequest.newBuilder()
                        .setSupport(true)
                        .setAdmin(true)
                        .setName("helpdesk")
                        .build()));
    assertError(
        Status.Code.INVALID_ARGUMENT,
        "INVALID_KEY_KIND",
        () ->
            admin()
                .listApiKeys(
                    ListApiKeysRequest.newBuilder().setSupport(true).setAdmin(true).build()));
    assertError(
        Status.Code.INVALID_ARGUMENT,
        "INVALID_ACCOUNT_ID",
        () ->
            admin()
                .listApiKeys(
                    ListApiKeysRequest.newBuilder()
                        .setSupport(true)
                        .setAccountId(account.accountId())
                        .build()));
    assertThat(listAll(ListApiKeysRequest.newBuilder().setSupport(true).build())).hasSize(before);
    assertThat(listAll(ListApiKeysRequest.newBuilder().setAdmin(true).build()))
        .noneMatch(k -> k.getName().equals("helpdesk"));
    assertThat(tenantKeys(account)).hasSize(1);
  }
}
