package com.cvmbilling.renewal.server.service;

import static net.logstash.logback.argument.StructuredArguments.kv;

import com.cvmbilling.renewal.server.config.AccessSettings;
import com.cvmbilling.renewal.server.domain.ApiKeyRules;
import com.cvmbilling.renewal.server.domain.KeyKind;
import com.cvmbilling.renewal.server.error.ApiException;
import com.cvmbilling.renewal.server.persistence.AccountStore;
import com.cvmbilling.renewal.server.persistence.ApiKeyRow;
import com.cvmbilling.renewal.server.persistence.ApiKeyStore;
import com.cvmbilling.renewal.server.persistence.Transactions;
import com.cvmbilling.renewal.server.support.Hashing;
import com.cvmbilling.renewal.server.support.IdGenerator;
import com.cvmbilling.renewal.server.support.PageTokens;
import com.cvmbilling.renewal.v1.ErrorReason;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * API keys: only their SHA-256 is stored (keys are long random strings, so a slow password hash
 * would add nothing). Bootstrap admin keys from the command line are compared in memory; they are
 * not in the table, so ListApiKeys does not show them and RevokeApiKey cannot revoke them.
 *
 * <p>Every key change (create, revoke) is audited twice: a line on the {@code renewal.audit}
 * logger, after the commit, and durably in the key's own row ({@code created_by}, {@code
 * revoked_by} with the times), which is never deleted.
 */
@Singleton
public class ApiKeyService {
  private static final Logger AUDIT = LoggerFactory.getLogger("renewal.audit");

  private static final int REMEMBERED_MAX = 100_000;

  /** A key found in the database, valid until {@code untilNanos} (then it is looked up again). */
  private record Remembered(Principal principal, Instant expireTime, long untilNanos) {}

  private final ConcurrentHashMap<String, Remembered> remembered = new ConcurrentHashMap<>();

  private final ApiKeyStore keys;
  private final AccountStore accounts;
  private final Transactions tx;
  private final IdGenerator ids;
  private final Clock clock;
  private final List<String> bootstrapAdminKeyHashes;

  /**
   * A key found in the database is remembered for this long ({@code --api-key-cache-time}, default
   * 30 s), so a client's stream of calls costs one lookup (a SELECT, a conditional UPDATE of its
   * last use and a COMMIT) per key per cache time instead of one per call. Only valid keys are
   * remembered; a key revoked on another replica (or removed by SQL) stops working here within this
   * time; a key revoked through this replica stops at once; an expiry is checked on every call.
   */
  private final Duration rememberFor;

  /** A key to issue: accountId only for a tenant key, name only for an admin or support key. */
  public record NewKey(
      KeyKind kind, String accountId, String name, String description, Instant expireTime) {}

  /** A key just issued: the secret (shown once) and its row. */
  public record IssuedKey(String secret, ApiKeyRow row) {}

  @Inject
  public ApiKeyService(
      ApiKeyStore keys,
      AccountStore accounts,
      Transactions tx,
      IdGenerator ids,
      Clock clock,
      AccessSettings access) {
    this.keys = keys;
    this.accounts = accounts;
    this.tx = tx;
    this.ids = ids;
    this.clock = clock;
    this.bootstrapAdminKeyHashes =
        access.bootstrapAdminKeys().stream().map(Hashing::sha256Hex).toList();
    this.rememberFor = access.apiKeyCacheTime();
  }

  /**
   * How long a key found in the database is remembered (the revocation delay on other replicas).
   */
  public Duration cacheTime() {
    return rememberFor;
  }

  /**
   * The caller behind a presented key, or INVALID_CREDENTIALS, API_KEY_REVOKED, API_KEY_EXPIRED.
   */
  public Principal authenticate(String presentedKey) {
    String hash = Hashing.sha256Hex(presentedKey);
    for (String adminHash : bootstrapAdminKeyHashes) {
      if (MessageDigest.isEqual(
          adminHash.getBytes(StandardCharsets.US_ASCII),
          hash.getBytes(StandardCharsets.US_ASCII))) {
        return Principal.admin(prefixOf(presentedKey), ApiKeyRules.BOOTSTRAP_NAME);
      }
    }
    long now = System.nanoTime();
    Remembered known = remembered.get(hash);
    if (known != null && now - known.untilNanos() < 0) {
      if (ApiKeyRules.expired(known.expireTime(), clock.instant())) {
        remembered.remove(hash);
        throw expired();
      }
      return known.principal();
    }
    ApiKeyRow row =
        tx.inTransaction(
            () -> {
              ApiKeyRow found = keys.findByHash(hash);
              Instant at = clock.instant();
              if (found != null
                  && found.revokedTime() == null
                  && !ApiKeyRules.expired(found.expireTime(), at)) {
                keys.markUsed(hash, at, at.minus(rememberFor));
              }
              return found;
            });
    if (row == null) {
      remembered.remove(hash);
      throw ApiException.of(ErrorReason.INVALID_CREDENTIALS, "the API key is not valid").build();
    }
    if (row.revokedTime() != null) {
      remembered.remove(hash);
      throw ApiException.of(
              ErrorReason.API_KEY_REVOKED, "the API key was revoked at " + row.revokedTime())
          .build();
    }
    if (ApiKeyRules.expired(row.expireTime(), clock.instant())) {
      remembered.remove(hash);
      throw expired();
    }
    String name = row.name() != null ? row.name() : row.keyId();
    Principal principal =
        switch (row.kind()) {
          case ADMIN -> Principal.admin(row.keyPrefix(), name);
          case SUPPORT -> Principal.support(row.keyPrefix(), name);
          case TENANT -> Principal.tenant(row.accountId(), row.keyPrefix());
        };
    if (remembered.size() >= REMEMBERED_MAX) {
      remembered.clear();
    }
    remembered.put(hash, new Remembered(principal, row.expireTime(), now + rememberFor.toNanos()));
    return principal;
  }

  private static ApiException expired() {
    return ApiException.of(ErrorReason.API_KEY_EXPIRED, "the API key has expired").build();
  }

  /** Issues a new tenant key for an account (the account must exist: caller's job). */
  public String issueTenantKey(String accountId) {
    String key = ids.apiKey();
    store(key, KeyKind.TENANT, accountId, null, null, null, null);
    return key;
  }

  /**
   * Issues a key (CreateApiKey): a tenant key for an existing account (else ACCOUNT_NOT_FOUND) or a
   * named admin or support key. Validation of the fields is the caller's ({@link ApiKeyRules}); the
   * expiry is checked here, against the service clock.
   */
  public IssuedKey issue(NewKey spec, Principal by) {
    ApiKeyRules.validateExpireTime(spec.expireTime(), clock.instant());
    String key = ids.apiKey();
    ApiKeyRow row =
        tx.inTransaction(
            () -> {
              boolean tenant = spec.kind() == KeyKind.TENANT;
              if (tenant) {
                accounts.require(spec.accountId());
              }
              store(
                  key,
                  spec.kind(),
                  tenant ? spec.accountId() : null,
                  spec.name(),
                  spec.description(),
                  spec.expireTime(),
                  by.name());
              return keys.findByHash(Hashing.sha256Hex(key));
            });
    audit("create", by, row);
    return new IssuedKey(key, row);
  }

  /**
   * One page of keys of one kind, oldest first: the admin keys, the support keys, or (TENANT) the
   * account's tenant keys (ACCOUNT_NOT_FOUND for an unknown account).
   */
  public Page<ApiKeyRow> list(KeyKind kind, String accountId, int pageSize, String pageToken) {
    int limit = PageTokens.pageSize(pageSize);
    String fingerprint =
        PageTokens.fingerprint("apiKeys", kind == KeyKind.TENANT ? accountId : kind.logName());
    String position = PageTokens.decode(pageToken, fingerprint);
    Instant afterTime = null;
    String afterId = null;
    if (position != null) {
      int colon = position.indexOf(':');
      try {
        afterTime = Instant.ofEpochMilli(Long.parseLong(position.substring(0, colon)));
        afterId = position.substring(colon + 1);
      } catch (RuntimeException e) {
        throw ApiException.badField(
            ErrorReason.INVALID_PAGE_TOKEN, "page_token", "the page token is not valid");
      }
    }
    Instant t = afterTime;
    String id = afterId;
    List<ApiKeyRow> rows =
        tx.inTransaction(
            () -> {
              if (kind == KeyKind.TENANT) {
                accounts.require(accountId);
              }
              keys.assignMissingKeyIds();
              return keys.page(kind, accountId, t, id, limit + 1);
            });
    if (rows.size() <= limit) {
      return new Page<>(rows, "");
    }
    ApiKeyRow last = rows.get(limit - 1);
    return new Page<>(
        List.copyOf(rows.subList(0, limit)),
        PageTokens.encode(last.createdTime().toEpochMilli() + ":" + last.keyId(), fingerprint));
  }

  /**
   * Revokes a key (API_KEY_NOT_FOUND if no key has this id); a revoked key answers its row
   * unchanged. Refused on this replica at once, on the others within {@link #cacheTime()}.
   */
  public ApiKeyRow revoke(String keyId, Principal by) {
    boolean[] changed = new boolean[1];
    ApiKeyRow row =
        tx.inTransaction(
            () -> {
              keys.assignMissingKeyIds();
              ApiKeyRow found = keys.findById(keyId);
              if (found == null) {
                throw ApiException.of(ErrorReason.API_KEY_NOT_FOUND, "no API key has this key_id")
                    .meta("keyId", keyId)
                    .field("key_id", "not found")
                    .build();
              }
              if (bootstrapAdminKeyHashes.contains(found.keyHash())) {
                // Demo mode stores its admin key, which is also a bootstrap key: revoking the row
                // would not stop it (bootstrap keys are checked first), so it is refused.
                throw ApiException.badField(
                    ErrorReason.INVALID_KEY_ID,
                    "key_id",
                    "this key is also the server's --admin-key (bootstrap) key: it cannot be"
                        + " revoked over the API; change the setting and restart");
              }
              if (found.revokedTime() != null) {
                return found;
              }
              changed[0] = keys.revoke(keyId, clock.instant(), by.name());
              return keys.findById(keyId);
            });
    remembered.remove(row.keyHash());
    if (changed[0]) {
      audit("revoke", by, row);
    }
    return row;
  }

  /** Stores a key chosen by the operator (demo mode's fixed keys). No-op if it exists. */
  public void ensureKey(String key, String accountId, boolean admin) {
    tx.inTransaction(
        () -> {
          if (keys.findByHash(Hashing.sha256Hex(key)) == null) {
            store(
                key,
                admin ? KeyKind.ADMIN : KeyKind.TENANT,
                accountId,
                admin ? "demo" : null,
                null,
                null,
                null);
          }
        });
  }

  private void store(
      String key,
      KeyKind kind,
      String accountId,
      String name,
      String description,
      Instant expireTime,
      String createdBy) {
    tx.inTransaction(
        () ->
            keys.insert(
                new ApiKeyRow(
                    Hashing.sha256Hex(key),
                    prefixOf(key),
                    accountId,
                    kind == KeyKind.ADMIN,
                    kind == KeyKind.SUPPORT,
                    Instant.now(clock),
                    null,
                    name,
                    description,
                    expireTime,
                    null,
                    null,
                    createdBy,
                    null)));
  }

  /** The audit line of a key change: who (admin key name) did what to which key, of what kind. */
  private static void audit(String action, Principal by, ApiKeyRow row) {
    AUDIT.info(
        "api key change: {} {} {} {} {} {} {} {} {}",
        kv("action", action),
        kv("key_id", row.keyId()),
        kv("actor", by.name()),
        kv("prefix", row.keyPrefix()),
        kv("account", row.accountId() == null ? "-" : row.accountId()),
        kv("admin_key", row.admin()),
        kv("key_kind", row.kind().logName()),
        kv("key_name", row.name() == null ? "-" : row.name()),
        kv("expire_time", row.expireTime() == null ? "-" : row.expireTime().toString()));
  }

  static String prefixOf(String key) {
    return key.length() <= 6 ? "***" : key.substring(0, 6);
  }
}
