package com.cvmbilling.renewal.client;

import com.cvmbilling.renewal.client.error.AccountNotFoundException;
import com.cvmbilling.renewal.client.error.IdempotencyKeyReusedException;
import com.cvmbilling.renewal.client.error.InvalidArgumentException;
import com.cvmbilling.renewal.client.error.NotFoundException;
import com.cvmbilling.renewal.client.error.PermissionDeniedException;
import com.cvmbilling.renewal.client.error.RenewalException;
import com.cvmbilling.renewal.client.error.UnauthenticatedException;
import com.cvmbilling.renewal.client.error.UnimplementedException;
import com.cvmbilling.renewal.client.model.AccountInfo;
import com.cvmbilling.renewal.client.model.Amount;
import com.cvmbilling.renewal.client.model.ApiKeyInfo;
import com.cvmbilling.renewal.client.model.ClockAdvance;
import com.cvmbilling.renewal.client.model.InstanceInfo;
import com.cvmbilling.renewal.client.model.NewAccount;
import com.cvmbilling.renewal.client.model.NewApiKey;
import com.cvmbilling.renewal.client.model.PriceCatalogInfo;
import com.cvmbilling.renewal.client.model.PriceCatalogSnapshot;
import com.cvmbilling.renewal.client.model.ProtoTypes;
import com.cvmbilling.renewal.v1.AdminServiceGrpc;
import com.cvmbilling.renewal.v1.AdvanceTimeRequest;
import com.cvmbilling.renewal.v1.CreateAccountRequest;
import com.cvmbilling.renewal.v1.CreateApiKeyRequest;
import com.cvmbilling.renewal.v1.CreateInstancesRequest;
import com.cvmbilling.renewal.v1.DescribePriceCatalogRequest;
import com.cvmbilling.renewal.v1.GetTimeRequest;
import com.cvmbilling.renewal.v1.ListApiKeysRequest;
import com.cvmbilling.renewal.v1.RevokeApiKeyRequest;
import com.cvmbilling.renewal.v1.SetPriceCatalogRequest;
import com.cvmbilling.renewal.v1.TestClockServiceGrpc;
import com.cvmbilling.renewal.v1.TopUpBalanceRequest;
import io.grpc.Channel;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;

/**
 * The operator API ({@code cvm.renewal.v1.AdminService}, and {@code TestClockService} on servers
 * with a test clock), called with an admin API key. Each RPC has one blocking method and a {@link
 * UnaryCallable} ({@code ...Callable()}, for per-call options and futures); retries, client tokens
 * and errors work as in {@link RenewalClient}.
 *
 * <pre>{@code
 * try (AdminClient admin = AdminClient.newBuilder().target("billing.internal:50051").apiKey(adminKey).build()) {
 *   NewAccount acme = admin.createAccount("Acme", ZoneId.of("Asia/Shanghai"), Amount.cny("500.00"));
 *   admin.topUpBalance(acme.account().accountId(), Amount.cny("1000.50"));
 * }
 * }</pre>
 */
public final class AdminClient implements AutoCloseable {
  private final ClientCore core;
  private final UnaryCallable<CreateAccountRequest, NewAccount> createAccount;
  private final UnaryCallable<CreateApiKeyRequest, String> createApiKey;
  private final UnaryCallable<CreateApiKeyRequest, NewApiKey> createApiKeyWithInfo;
  private final UnaryCallable<TopUpBalanceRequest, AccountInfo> topUpBalance;
  private final UnaryCallable<CreateInstancesRequest, List<InstanceInfo>> createInstances;
  private final UnaryCallable<ListApiKeysRequest, Page<ApiKeyInfo>> listApiKeys;
  private final UnaryCallable<RevokeApiKeyRequest, ApiKeyInfo> revokeApiKey;
  private final UnaryCallable<GetTimeRequest, Instant> getTime;
  private final UnaryCallable<AdvanceTimeRequest, ClockAdvance> advanceTime;
  private final UnaryCallable<DescribePriceCatalogRequest, PriceCatalogSnapshot>
      describePriceCatalog;
  private final UnaryCallable<SetPriceCatalogRequest, PriceCatalogInfo> setPriceCatalog;

  private AdminClient(ClientSettings settings) {
    this.core = new ClientCore(settings);
    createAccount =
        core.callable(
            Rpc.CREATE_ACCOUNT,
            AdminServiceGrpc.getCreateAccountMethod(),
            (req, resp) -> NewAccount.fromProto(resp));
    createApiKey =
        core.callable(
            Rpc.CREATE_API_KEY,
            AdminServiceGrpc.getCreateApiKeyMethod(),
            (req, resp) -> resp.getApiKey());
    createApiKeyWithInfo =
        core.callable(
            Rpc.CREATE_API_KEY,
            AdminServiceGrpc.getCreateApiKeyMethod(),
            (req, resp) -> NewApiKey.fromProto(resp));
    topUpBalance =
        core.callable(
            Rpc.TOP_UP_BALANCE,
            AdminServiceGrpc.getTopUpBalanceMethod(),
            (req, resp) -> AccountInfo.fromProto(resp.getAccount()));
    createInstances =
        core.callable(
            Rpc.CREATE_INSTANCES,
            AdminServiceGrpc.getCreateInstancesMethod(),
            (req, resp) -> resp.getInstancesList().stream().map(InstanceInfo::fromProto).toList());
    listApiKeys =
        core.pagedCallable(
            Rpc.LIST_API_KEYS,
            AdminServiceGrpc.getListApiKeysMethod(),
            resp -> resp.getApiKeysList().stream().map(ApiKeyInfo::fromProto).toList(),
            (req, resp) -> resp.getNextPageToken(),
            (req, token) -> req.toBuilder().setPageToken(token).build());
    revokeApiKey =
        core.callable(
            Rpc.REVOKE_API_KEY,
            AdminServiceGrpc.getRevokeApiKeyMethod(),
            (req, resp) -> ApiKeyInfo.fromProto(resp.getApiKey()));
    getTime =
        core.callable(
            Rpc.GET_TIME,
            TestClockServiceGrpc.getGetTimeMethod(),
            (req, resp) -> ProtoTypes.toInstant(resp.getNow()));
    advanceTime =
        core.callable(
            Rpc.ADVANCE_TIME,
            TestClockServiceGrpc.getAdvanceTimeMethod(),
            (req, resp) -> ClockAdvance.fromProto(resp));
    describePriceCatalog =
        core.callable(
            Rpc.DESCRIBE_PRICE_CATALOG,
            AdminServiceGrpc.getDescribePriceCatalogMethod(),
            (req, resp) -> PriceCatalogSnapshot.fromProto(resp));
    setPriceCatalog =
        core.callable(
            Rpc.SET_PRICE_CATALOG,
            AdminServiceGrpc.getSetPriceCatalogMethod(),
            (req, resp) -> PriceCatalogInfo.fromProto(resp.getCatalog()));
  }

  /** A builder; {@link ClientBuilder#build()} returns the client. */
  public static ClientBuilder<AdminClient> newBuilder() {
    return new ClientBuilder<>(AdminClient::new);
  }

  /**
   * A client with these settings (from {@link ClientBuilder#settings()}).
   *
   * @param settings the settings
   * @return the client; it owns its connections until {@link #close()}
   * @throws NullPointerException if {@code settings} is null
   * @throws IllegalStateException if the settings ask for logging without SLF4J on the classpath
   */
  public static AdminClient create(ClientSettings settings) {
    return new AdminClient(settings);
  }

  /** The settings the client was built with. */
  public ClientSettings settings() {
    return core.settings;
  }

  /**
   * The channel, for the generated stubs (no SDK retries). Owned by the client: do not shut it
   * down.
   */
  public Channel channel() {
    return core.channel;
  }

  // ---- CreateAccount ----

  /**
   * Creates an account and its first tenant API key. Takes no client token, so it is not retried
   * unless configured ({@link Rpc#CREATE_ACCOUNT}).
   *
   * @throws InvalidArgumentException a wrong field (e.g. reason {@code INVALID_TIME_ZONE}, {@code
   *     INVALID_AMOUNT})
   * @throws PermissionDeniedException the key is not an admin key
   * @throws RenewalException any other failure (e.g. {@code UnavailableException})
   */
  public NewAccount createAccount(CreateAccountRequest request) {
    return createAccountCallable().call(request);
  }

  /**
   * Creates an account with a billing time zone and an initial balance (may be zero).
   *
   * @throws RenewalException as {@link #createAccount(CreateAccountRequest)}
   */
  public NewAccount createAccount(
      String displayName, ZoneId billingTimeZone, Amount initialBalance) {
    return createAccount(
        CreateAccountRequest.newBuilder()
            .setDisplayName(displayName)
            .setBillingTimeZone(billingTimeZone.getId())
            .setInitialBalance(initialBalance.toProto())
            .build());
  }

  /** {@link #createAccount(CreateAccountRequest)} as a callable: per-call options, futures. */
  public UnaryCallable<CreateAccountRequest, NewAccount> createAccountCallable() {
    return createAccount;
  }

  // ---- CreateApiKey ----

  /**
   * Issues a new API key and returns only its secret (shown once); {@link
   * #createApiKeyWithInfo(CreateApiKeyRequest)} also returns the key's id and details. A tenant key
   * for {@code account_id}, or with {@code admin} (or {@code support}) set a named admin (or
   * read-only support) key with no account; optional {@code description} and {@code expire_time}.
   * Not retried unless configured.
   *
   * @throws InvalidArgumentException a wrong field (reason {@code INVALID_ACCOUNT_ID}, {@code
   *     INVALID_KEY_NAME}, {@code INVALID_DESCRIPTION}, {@code INVALID_EXPIRE_TIME}, {@code
   *     INVALID_KEY_KIND} for admin and support both set)
   * @throws AccountNotFoundException no such account
   * @throws PermissionDeniedException the key is not an admin key
   * @throws RenewalException any other failure
   */
  public String createApiKey(CreateApiKeyRequest request) {
    return createApiKeyCallable().call(request);
  }

  /**
   * Issues a new API key as {@link #createApiKey(CreateApiKeyRequest)} does, and returns both the
   * secret (shown once) and the key as {@link #listApiKeys(ListApiKeysRequest)} shows it: its key
   * id (to revoke it), kind, name, description and expiry.
   *
   * @throws RenewalException as {@link #createApiKey(CreateApiKeyRequest)}
   */
  public NewApiKey createApiKeyWithInfo(CreateApiKeyRequest request) {
    return createApiKeyWithInfoCallable().call(request);
  }

  /**
   * Issues a read-only support key: it may only read any account's account, instances, billing
   * records and events by naming the account id (each read is audited on the server).
   *
   * @param name the key's name in the server's access and audit logs (1..64 of A-Z a-z 0-9 . _ -)
   * @throws InvalidArgumentException a wrong name (reason {@code INVALID_KEY_NAME})
   * @throws RenewalException as {@link #createApiKey(CreateApiKeyRequest)}
   */
  public NewApiKey createSupportApiKey(String name) {
    return createApiKeyWithInfo(
        CreateApiKeyRequest.newBuilder().setSupport(true).setName(name).build());
  }

  /**
   * Issues a new tenant API key for an account.
   *
   * @throws RenewalException as {@link #createApiKey(CreateApiKeyRequest)}
   */
  public String createApiKey(String accountId) {
    return createApiKey(CreateApiKeyRequest.newBuilder().setAccountId(accountId).build());
  }

  /** {@link #createApiKey(CreateApiKeyRequest)} as a callable: per-call options, futures. */
  public UnaryCallable<CreateApiKeyRequest, String> createApiKeyCallable() {
    return createApiKey;
  }

  /**
   * {@link #createApiKeyWithInfo(CreateApiKeyRequest)} as a callable: per-call options, futures.
   */
  public UnaryCallable<CreateApiKeyRequest, NewApiKey> createApiKeyWithInfoCallable() {
    return createApiKeyWithInfo;
  }

  // ---- TopUpBalance ----

  /**
   * Adds money to an account's balance; returns the account after it. Carries a client token
   * (generated when empty), so a retry never credits twice.
   *
   * @throws InvalidArgumentException a wrong field (e.g. reason {@code INVALID_AMOUNT}); {@link
   *     IdempotencyKeyReusedException} for a token used before with another request
   * @throws AccountNotFoundException no such account
   * @throws PermissionDeniedException the key is not an admin key
   * @throws RenewalException any other failure after the retries
   */
  public AccountInfo topUpBalance(TopUpBalanceRequest request) {
    return topUpBalanceCallable().call(request);
  }

  /**
   * Tops up an account with a generated client token.
   *
   * @throws RenewalException as {@link #topUpBalance(TopUpBalanceRequest)}
   */
  public AccountInfo topUpBalance(String accountId, Amount amount) {
    return topUpBalance(
        TopUpBalanceRequest.newBuilder()
            .setAccountId(accountId)
            .setAmount(amount.toProto())
            .build());
  }

  /** {@link #topUpBalance(TopUpBalanceRequest)} as a callable: per-call options, futures. */
  public UnaryCallable<TopUpBalanceRequest, AccountInfo> topUpBalanceCallable() {
    return topUpBalance;
  }

  // ---- CreateInstances ----

  /**
   * Provisions instances (nothing is charged). Carries a client token (generated when empty), so a
   * retry never creates them twice.
   *
   * @throws InvalidArgumentException a wrong field (e.g. reason {@code INVALID_INSTANCE_TYPE},
   *     {@code INVALID_COUNT}); {@link IdempotencyKeyReusedException} for a reused token
   * @throws AccountNotFoundException no such account
   * @throws PermissionDeniedException the key is not an admin key
   * @throws RenewalException any other failure after the retries
   */
  public List<InstanceInfo> createInstances(CreateInstancesRequest request) {
    return createInstancesCallable().call(request);
  }

  /** {@link #createInstances(CreateInstancesRequest)} as a callable: per-call options, futures. */
  public UnaryCallable<CreateInstancesRequest, List<InstanceInfo>> createInstancesCallable() {
    return createInstances;
  }

  // ---- ListApiKeys ----

  /**
   * One page of API keys, oldest first, revoked and expired ones included (never a secret): the
   * tenant keys of {@code account_id}, or with {@code admin} set the admin keys stored in the
   * database (the server's {@code --admin-key} is not listed). Read-only, retried by default.
   *
   * @throws InvalidArgumentException a wrong account id, page size or page token
   * @throws AccountNotFoundException no such account
   * @throws PermissionDeniedException the key is not an admin key
   * @throws RenewalException any other failure after the retries
   */
  public Page<ApiKeyInfo> listApiKeys(ListApiKeysRequest request) {
    return listApiKeysCallable().call(request);
  }

  /**
   * Every tenant key of an account, page by page as the iteration goes.
   *
   * @throws RenewalException as {@link #listApiKeys(ListApiKeysRequest)} (here, or while iterating)
   */
  public Iterable<ApiKeyInfo> listAllApiKeys(String accountId) {
    return listApiKeys(
            ListApiKeysRequest.newBuilder().setAccountId(accountId).setPageSize(100).build())
        .iterateAll();
  }

  /** {@link #listApiKeys(ListApiKeysRequest)} as a callable: per-call options, futures. */
  public UnaryCallable<ListApiKeysRequest, Page<ApiKeyInfo>> listApiKeysCallable() {
    return listApiKeys;
  }

  // ---- RevokeApiKey ----

  /**
   * Revokes an API key: calls with it fail with {@link UnauthenticatedException} (reason {@code
   * API_KEY_REVOKED}) at once on the server that took this call, and on every other replica within
   * the server's key cache time ({@code --api-key-cache-time}, default 30 s). Revoking a revoked
   * key changes nothing and answers the same, so the call is retried by default.
   *
   * @throws InvalidArgumentException a malformed key id (reason {@code INVALID_KEY_ID})
   * @throws NotFoundException no key has this id (reason {@code API_KEY_NOT_FOUND})
   * @throws PermissionDeniedException the key is not an admin key
   * @throws RenewalException any other failure after the retries
   */
  public ApiKeyInfo revokeApiKey(RevokeApiKeyRequest request) {
    return revokeApiKeyCallable().call(request);
  }

  /**
   * Revokes the API key with this key id.
   *
   * @throws RenewalException as {@link #revokeApiKey(RevokeApiKeyRequest)}
   */
  public ApiKeyInfo revokeApiKey(String keyId) {
    return revokeApiKey(RevokeApiKeyRequest.newBuilder().setKeyId(keyId).build());
  }

  /** {@link #revokeApiKey(RevokeApiKeyRequest)} as a callable: per-call options, futures. */
  public UnaryCallable<RevokeApiKeyRequest, ApiKeyInfo> revokeApiKeyCallable() {
    return revokeApiKey;
  }

  // ---- TestClockService ----

  /**
   * The server's test clock ({@code TestClockService}; only on a server started with a test clock).
   *
   * @throws UnimplementedException the server has no test clock
   * @throws PermissionDeniedException the key is not an admin key
   * @throws RenewalException any other failure after the retries
   */
  public Instant getTime(GetTimeRequest request) {
    return getTimeCallable().call(request);
  }

  /**
   * The server's test clock.
   *
   * @throws RenewalException as {@link #getTime(GetTimeRequest)}
   */
  public Instant getTime() {
    return getTime(GetTimeRequest.getDefaultInstance());
  }

  /** {@link #getTime(GetTimeRequest)} as a callable: per-call options, futures. */
  public UnaryCallable<GetTimeRequest, Instant> getTimeCallable() {
    return getTime;
  }

  /**
   * Moves the server's test clock forward, running every lifecycle step that falls due. Not retried
   * unless configured: a repeat would move the clock again.
   *
   * @throws InvalidArgumentException a wrong advance (reason {@code INVALID_TIME_ADVANCE})
   * @throws UnimplementedException the server has no test clock
   * @throws PermissionDeniedException the key is not an admin key
   * @throws RenewalException any other failure
   */
  public ClockAdvance advanceTime(AdvanceTimeRequest request) {
    return advanceTimeCallable().call(request);
  }

  /**
   * Moves the server's test clock forward by {@code by}.
   *
   * @throws RenewalException as {@link #advanceTime(AdvanceTimeRequest)}
   */
  public ClockAdvance advanceTime(Duration by) {
    return advanceTime(
        AdvanceTimeRequest.newBuilder().setBy(ProtoTypes.toProtoDuration(by)).build());
  }

  /**
   * Moves the server's test clock forward to {@code to}.
   *
   * @throws RenewalException as {@link #advanceTime(AdvanceTimeRequest)}
   */
  public ClockAdvance advanceTimeTo(Instant to) {
    return advanceTime(AdvanceTimeRequest.newBuilder().setTo(ProtoTypes.toTimestamp(to)).build());
  }

  /** {@link #advanceTime(AdvanceTimeRequest)} as a callable: per-call options, futures. */
  public UnaryCallable<AdvanceTimeRequest, ClockAdvance> advanceTimeCallable() {
    return advanceTime;
  }

  // ---- Price changes: DescribePriceCatalog, SetPriceCatalog ----

  /**
   * The price catalog version in force at the request's {@code effective_time} (default: now), and
   * with {@code include_history} every version. Read-only, retried by default.
   *
   * @throws InvalidArgumentException a wrong {@code effective_time} (reason {@code
   *     INVALID_TIMESTAMP})
   * @throws PermissionDeniedException the key is not an admin key
   * @throws RenewalException any other failure after the retries
   */
  public PriceCatalogSnapshot describePriceCatalog(DescribePriceCatalogRequest request) {
    return describePriceCatalogCallable().call(request);
  }

  /**
   * The price catalog version in force at {@code at}.
   *
   * @throws RenewalException as {@link #describePriceCatalog(DescribePriceCatalogRequest)}
   */
  public PriceCatalogInfo describePriceCatalog(Instant at) {
    return describePriceCatalog(
            DescribePriceCatalogRequest.newBuilder()
                .setEffectiveTime(ProtoTypes.toTimestamp(at))
                .build())
        .inForce();
  }

  /**
   * {@link #describePriceCatalog(DescribePriceCatalogRequest)} as a callable: per-call options,
   * futures.
   */
  public UnaryCallable<DescribePriceCatalogRequest, PriceCatalogSnapshot>
      describePriceCatalogCallable() {
    return describePriceCatalog;
  }

  /**
   * Writes a new version of the whole price catalog, in force from the request's {@code
   * effective_time} (at least the server's {@code --price-change-lead-time} ahead, 30 s by
   * default); returns it. Carries a client token (generated when empty), so a retry never writes
   * two versions.
   *
   * @throws InvalidArgumentException a wrong field (reason {@code INVALID_TIMESTAMP}, {@code
   *     INVALID_INSTANCE_TYPE}, {@code INVALID_AMOUNT}, {@code INVALID_PERIOD} or {@code
   *     INVALID_DISCOUNT}); {@link IdempotencyKeyReusedException} for a reused token
   * @throws PermissionDeniedException the key is not an admin key
   * @throws RenewalException any other failure after the retries (e.g. {@code AbortedException},
   *     reason {@code CONCURRENT_MODIFICATION}, when another version was written at that moment)
   */
  public PriceCatalogInfo setPriceCatalog(SetPriceCatalogRequest request) {
    return setPriceCatalogCallable().call(request);
  }

  /** {@link #setPriceCatalog(SetPriceCatalogRequest)} as a callable: per-call options, futures. */
  public UnaryCallable<SetPriceCatalogRequest, PriceCatalogInfo> setPriceCatalogCallable() {
    return setPriceCatalog;
  }

  /**
   * Closes the client: fails calls still waiting to retry with {@code CANCELLED}, lets calls in
   * flight finish for up to 5 seconds, and releases connections.
   */
  @Override
  public void close() {
    core.close();
  }

  @Override
  public String toString() {
    return "AdminClient{" + core.settings + "}";
  }
}
