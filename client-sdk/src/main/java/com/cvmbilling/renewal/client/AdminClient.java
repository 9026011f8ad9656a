package com.cvmbilling.renewal.client;

import com.cvmbilling.renewal.client.model.AccountInfo;
import com.cvmbilling.renewal.client.model.Amount;
import com.cvmbilling.renewal.client.model.ClockAdvance;
import com.cvmbilling.renewal.client.model.InstanceInfo;
import com.cvmbilling.renewal.client.model.NewAccount;
import com.cvmbilling.renewal.client.model.ProtoTypes;
import com.cvmbilling.renewal.v1.AdminServiceGrpc;
import com.cvmbilling.renewal.v1.AdvanceTimeRequest;
import com.cvmbilling.renewal.v1.CreateAccountRequest;
import com.cvmbilling.renewal.v1.CreateApiKeyRequest;
import com.cvmbilling.renewal.v1.CreateInstancesRequest;
import com.cvmbilling.renewal.v1.GetTimeRequest;
import com.cvmbilling.renewal.v1.TestClockServiceGrpc;
import com.cvmbilling.renewal.v1.TopUpBalanceRequest;
import io.grpc.Channel;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The operator API ({@code cvm.renewal.v1.AdminService}, and {@code TestClockService} on servers
 * with a test clock), called with an admin API key. Blocking and asynchronous forms, retries,
 * client tokens and errors work as in {@link RenewalClient}.
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

  private AdminClient(ClientSettings settings) {
    this.core = new ClientCore(settings);
  }

  /** A builder; {@link ClientBuilder#build()} returns the client. */
  public static ClientBuilder<AdminClient> newBuilder() {
    return new ClientBuilder<>(AdminClient::new);
  }

  /** A client with these settings. */
  public static AdminClient create(ClientSettings settings) {
    return new AdminClient(settings);
  }

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

  // ---- Convenience forms ----

  /** Creates an account with a billing time zone and an initial balance (may be zero). */
  public NewAccount createAccount(
      String displayName, ZoneId billingTimeZone, Amount initialBalance) {
    return createAccount(
        CreateAccountRequest.newBuilder()
            .setDisplayName(displayName)
            .setBillingTimeZone(billingTimeZone.getId())
            .setInitialBalance(initialBalance.toProto())
            .build());
  }

  /** Issues a new tenant API key for an account. */
  public String createApiKey(String accountId) {
    return createApiKey(CreateApiKeyRequest.newBuilder().setAccountId(accountId).build());
  }

  /** Tops up an account with a generated client token. */
  public AccountInfo topUpBalance(String accountId, Amount amount) {
    return topUpBalance(
        TopUpBalanceRequest.newBuilder()
            .setAccountId(accountId)
            .setAmount(amount.toProto())
            .build());
  }

  /** The server's test clock. */
  public Instant getTime() {
    return getTime(GetTimeRequest.getDefaultInstance());
  }

  /** Moves the server's test clock forward by {@code by}. */
  public ClockAdvance advanceTime(Duration by) {
    return advanceTime(
        AdvanceTimeRequest.newBuilder().setBy(ProtoTypes.toProtoDuration(by)).build());
  }

  /** Moves the server's test clock forward to {@code to}. */
  public ClockAdvance advanceTimeTo(Instant to) {
    return advanceTime(AdvanceTimeRequest.newBuilder().setTo(ProtoTypes.toTimestamp(to)).build());
  }

  /**
   * Creates an account and its first tenant API key. Takes no client token, so it is not retried
   * unless configured ({@link Rpc#CREATE_ACCOUNT}).
   */
  public NewAccount createAccount(CreateAccountRequest request) {
    return Futures.await(createAccountAsync(request, null));
  }

  /**
   * Creates an account and its first tenant API key. Takes no client token, so it is not retried
   * unless configured ({@link Rpc#CREATE_ACCOUNT}).
   */
  public NewAccount createAccount(CreateAccountRequest request, RequestOptions options) {
    return Futures.await(createAccountAsync(request, options));
  }

  /**
   * Creates an account and its first tenant API key. Takes no client token, so it is not retried
   * unless configured ({@link Rpc#CREATE_ACCOUNT}).
   */
  public CompletableFuture<NewAccount> createAccountAsync(CreateAccountRequest request) {
    return createAccountAsync(request, null);
  }

  /**
   * Creates an account and its first tenant API key. Takes no client token, so it is not retried
   * unless configured ({@link Rpc#CREATE_ACCOUNT}).
   */
  public CompletableFuture<NewAccount> createAccountAsync(
      CreateAccountRequest request, RequestOptions options) {
    CreateAccountRequest req = request;
    return core.call(Rpc.CREATE_ACCOUNT, AdminServiceGrpc.getCreateAccountMethod(), req, options)
        .thenApply(resp -> NewAccount.fromProto(resp));
  }

  /**
   * Issues a new tenant API key for an account; the key is shown once. Not retried unless
   * configured.
   */
  public String createApiKey(CreateApiKeyRequest request) {
    return Futures.await(createApiKeyAsync(request, null));
  }

  /**
   * Issues a new tenant API key for an account; the key is shown once. Not retried unless
   * configured.
   */
  public String createApiKey(CreateApiKeyRequest request, RequestOptions options) {
    return Futures.await(createApiKeyAsync(request, options));
  }

  /**
   * Issues a new tenant API key for an account; the key is shown once. Not retried unless
   * configured.
   */
  public CompletableFuture<String> createApiKeyAsync(CreateApiKeyRequest request) {
    return createApiKeyAsync(request, null);
  }

  /**
   * Issues a new tenant API key for an account; the key is shown once. Not retried unless
   * configured.
   */
  public CompletableFuture<String> createApiKeyAsync(
      CreateApiKeyRequest request, RequestOptions options) {
    CreateApiKeyRequest req = request;
    return core.call(Rpc.CREATE_API_KEY, AdminServiceGrpc.getCreateApiKeyMethod(), req, options)
        .thenApply(resp -> resp.getApiKey());
  }

  /**
   * Adds money to an account's balance; returns the account after it. Carries a client token
   * (generated when empty), so a retry never credits twice.
   */
  public AccountInfo topUpBalance(TopUpBalanceRequest request) {
    return Futures.await(topUpBalanceAsync(request, null));
  }

  /**
   * Adds money to an account's balance; returns the account after it. Carries a client token
   * (generated when empty), so a retry never credits twice.
   */
  public AccountInfo topUpBalance(TopUpBalanceRequest request, RequestOptions options) {
    return Futures.await(topUpBalanceAsync(request, options));
  }

  /**
   * Adds money to an account's balance; returns the account after it. Carries a client token
   * (generated when empty), so a retry never credits twice.
   */
  public CompletableFuture<AccountInfo> topUpBalanceAsync(TopUpBalanceRequest request) {
    return topUpBalanceAsync(request, null);
  }

  /**
   * Adds money to an account's balance; returns the account after it. Carries a client token
   * (generated when empty), so a retry never credits twice.
   */
  public CompletableFuture<AccountInfo> topUpBalanceAsync(
      TopUpBalanceRequest request, RequestOptions options) {
    TopUpBalanceRequest req = UnaryCaller.withClientToken(Rpc.TOP_UP_BALANCE, request);
    return core.call(Rpc.TOP_UP_BALANCE, AdminServiceGrpc.getTopUpBalanceMethod(), req, options)
        .thenApply(resp -> AccountInfo.fromProto(resp.getAccount()));
  }

  /**
   * Provisions instances (nothing is charged). Carries a client token (generated when empty), so a
   * retry never creates them twice.
   */
  public List<InstanceInfo> createInstances(CreateInstancesRequest request) {
    return Futures.await(createInstancesAsync(request, null));
  }

  /**
   * Provisions instances (nothing is charged). Carries a client token (generated when empty), so a
   * retry never creates them twice.
   */
  public List<InstanceInfo> createInstances(
      CreateInstancesRequest request, RequestOptions options) {
    return Futures.await(createInstancesAsync(request, options));
  }

  /**
   * Provisions instances (nothing is charged). Carries a client token (generated when empty), so a
   * retry never creates them twice.
   */
  public CompletableFuture<List<InstanceInfo>> createInstancesAsync(
      CreateInstancesRequest request) {
    return createInstancesAsync(request, null);
  }

  /**
   * Provisions instances (nothing is charged). Carries a client token (generated when empty), so a
   * retry never creates them twice.
   */
  public CompletableFuture<List<InstanceInfo>> createInstancesAsync(
      CreateInstancesRequest request, RequestOptions options) {
    CreateInstancesRequest req = UnaryCaller.withClientToken(Rpc.CREATE_INSTANCES, request);
    return core.call(
            Rpc.CREATE_INSTANCES, AdminServiceGrpc.getCreateInstancesMethod(), req, options)
        .thenApply(resp -> resp.getInstancesList().stream().map(InstanceInfo::fromProto).toList());
  }

  /**
   * The server's test clock ({@code TestClockService}; only on a server started with a test clock).
   */
  public Instant getTime(GetTimeRequest request) {
    return Futures.await(getTimeAsync(request, null));
  }

  /**
   * The server's test clock ({@code TestClockService}; only on a server started with a test clock).
   */
  public Instant getTime(GetTimeRequest request, RequestOptions options) {
    return Futures.await(getTimeAsync(request, options));
  }

  /**
   * The server's test clock ({@code TestClockService}; only on a server started with a test clock).
   */
  public CompletableFuture<Instant> getTimeAsync(GetTimeRequest request) {
    return getTimeAsync(request, null);
  }

  /**
   * The server's test clock ({@code TestClockService}; only on a server started with a test clock).
   */
  public CompletableFuture<Instant> getTimeAsync(GetTimeRequest request, RequestOptions options) {
    GetTimeRequest req = request;
    return core.call(Rpc.GET_TIME, TestClockServiceGrpc.getGetTimeMethod(), req, options)
        .thenApply(resp -> ProtoTypes.toInstant(resp.getNow()));
  }

  /**
   * Moves the server's test clock forward, running every lifecycle step that falls due. Not retried
   * unless configured: a repeat would move the clock again.
   */
  public ClockAdvance advanceTime(AdvanceTimeRequest request) {
    return Futures.await(advanceTimeAsync(request, null));
  }

  /**
   * Moves the server's test clock forward, running every lifecycle step that falls due. Not retried
   * unless configured: a repeat would move the clock again.
   */
  public ClockAdvance advanceTime(AdvanceTimeRequest request, RequestOptions options) {
    return Futures.await(advanceTimeAsync(request, options));
  }

  /**
   * Moves the server's test clock forward, running every lifecycle step that falls due. Not retried
   * unless configured: a repeat would move the clock again.
   */
  public CompletableFuture<ClockAdvance> advanceTimeAsync(AdvanceTimeRequest request) {
    return advanceTimeAsync(request, null);
  }

  /**
   * Moves the server's test clock forward, running every lifecycle step that falls due. Not retried
   * unless configured: a repeat would move the clock again.
   */
  public CompletableFuture<ClockAdvance> advanceTimeAsync(
      AdvanceTimeRequest request, RequestOptions options) {
    AdvanceTimeRequest req = request;
    return core.call(Rpc.ADVANCE_TIME, TestClockServiceGrpc.getAdvanceTimeMethod(), req, options)
        .thenApply(resp -> ClockAdvance.fromProto(resp));
  }

  /** Closes the client, like {@link RenewalClient#close()}. */
  @Override
  public void close() {
    core.close();
  }

  @Override
  public String toString() {
    return "AdminClient{" + core.settings + "}";
  }
}
