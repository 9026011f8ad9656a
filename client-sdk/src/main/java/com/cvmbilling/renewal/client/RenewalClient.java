package com.cvmbilling.renewal.client;

import com.cvmbilling.renewal.client.error.AccountNotFoundException;
import com.cvmbilling.renewal.client.error.IdempotencyKeyReusedException;
import com.cvmbilling.renewal.client.error.InstanceIsolatedException;
import com.cvmbilling.renewal.client.error.InstanceNotFoundException;
import com.cvmbilling.renewal.client.error.InstanceReleasedException;
import com.cvmbilling.renewal.client.error.InsufficientBalanceException;
import com.cvmbilling.renewal.client.error.InvalidArgumentException;
import com.cvmbilling.renewal.client.error.NotPrepaidException;
import com.cvmbilling.renewal.client.error.PrepaidNotTerminableException;
import com.cvmbilling.renewal.client.error.RenewalException;
import com.cvmbilling.renewal.client.model.AccountInfo;
import com.cvmbilling.renewal.client.model.BillingRecordInfo;
import com.cvmbilling.renewal.client.model.EventInfo;
import com.cvmbilling.renewal.client.model.InstanceInfo;
import com.cvmbilling.renewal.client.model.PriceList;
import com.cvmbilling.renewal.client.model.PriceQuote;
import com.cvmbilling.renewal.client.model.RenewalForecast;
import com.cvmbilling.renewal.client.model.RenewalOrder;
import com.cvmbilling.renewal.v1.DescribeAccountRequest;
import com.cvmbilling.renewal.v1.DescribeBillingRecordsRequest;
import com.cvmbilling.renewal.v1.DescribeInstancesRequest;
import com.cvmbilling.renewal.v1.DescribePricesRequest;
import com.cvmbilling.renewal.v1.DescribeRenewalForecastRequest;
import com.cvmbilling.renewal.v1.InquiryPriceRenewInstancesRequest;
import com.cvmbilling.renewal.v1.InquiryPriceUnifiedExpiryRequest;
import com.cvmbilling.renewal.v1.ListEventsRequest;
import com.cvmbilling.renewal.v1.ListEventsResponse;
import com.cvmbilling.renewal.v1.RenewInstancesRequest;
import com.cvmbilling.renewal.v1.RenewalServiceGrpc;
import com.cvmbilling.renewal.v1.SetAutoRenewRequest;
import com.cvmbilling.renewal.v1.SetUnifiedExpiryRequest;
import com.cvmbilling.renewal.v1.TerminateInstancesRequest;
import io.grpc.Channel;
import java.util.Collection;
import java.util.List;
import java.util.Objects;

/**
 * The tenant API ({@code cvm.renewal.v1.RenewalService}), called with a tenant API key.
 *
 * <p>Every RPC has one method that takes the generated request message and blocks, e.g. {@link
 * #renewInstances(RenewInstancesRequest)}, and a {@link UnaryCallable} for everything else, e.g.
 * {@link #renewInstancesCallable()}: {@code call(request, options)} with {@link RequestOptions} for
 * this call's deadline, retries or request id, and {@code futureCall(request)} for a {@code
 * CompletableFuture} (the shape of Google's generated clients). A failed call throws a {@link
 * RenewalException}, or its future fails with one: a subclass per status code and per common
 * reason, see {@link com.cvmbilling.renewal.client.error}.
 *
 * <p><b>Retries and idempotency.</b> A call is one logical call however many attempts it takes:
 * {@code UNAVAILABLE}, {@code ABORTED}/{@code REQUEST_IN_PROGRESS} and {@code
 * RESOURCE_EXHAUSTED}/{@code RATE_LIMITED} are retried with exponential backoff and jitter (and at
 * least the server's {@code RetryInfo} delay) within the call's deadline, as is an attempt that ran
 * out of its {@linkplain RetrySettings#attemptTimeout() attempt timeout}; {@code INVALID_ARGUMENT},
 * {@code FAILED_PRECONDITION}, {@code NOT_FOUND} and {@code UNAUTHENTICATED} never are, nor is a
 * {@link com.cvmbilling.renewal.client.error.TlsMismatchException TLS/plaintext mismatch}. Every
 * call that moves money or changes an instance carries a {@code client_token}: yours if the request
 * has one, otherwise one the SDK generates for the call; every attempt sends the same token, so a
 * retry after a lost response returns the first response and never charges twice. Every attempt
 * also sends the same {@code x-request-id}.
 *
 * <pre>{@code
 * try (RenewalClient client = RenewalClient.newBuilder()
 *     .target("billing.internal:50051").apiKey(apiKey).build()) {
 *   RenewalOrder order = client.renewInstances(List.of("ins-abcd1234"), 1);
 *   System.out.println(order.totalPrice() + " charged, balance " + order.balance());
 * } catch (InsufficientBalanceException e) {
 *   ...
 * }
 * }</pre>
 *
 * <p>Thread-safe; create one per process and share it. Close it to release its connections.
 */
public final class RenewalClient implements AutoCloseable {
  private final ClientCore core;
  private final UnaryCallable<RenewInstancesRequest, RenewalOrder> renewInstances;
  private final UnaryCallable<InquiryPriceRenewInstancesRequest, PriceQuote>
      inquiryPriceRenewInstances;
  private final UnaryCallable<SetAutoRenewRequest, List<InstanceInfo>> setAutoRenew;
  private final UnaryCallable<SetUnifiedExpiryRequest, RenewalOrder> setUnifiedExpiry;
  private final UnaryCallable<InquiryPriceUnifiedExpiryRequest, PriceQuote>
      inquiryPriceUnifiedExpiry;
  private final UnaryCallable<TerminateInstancesRequest, List<InstanceInfo>> terminateInstances;
  private final UnaryCallable<DescribeAccountRequest, AccountInfo> describeAccount;
  private final UnaryCallable<DescribePricesRequest, PriceList> describePrices;
  private final UnaryCallable<DescribeRenewalForecastRequest, RenewalForecast>
      describeRenewalForecast;
  private final UnaryCallable<DescribeInstancesRequest, Page<InstanceInfo>> describeInstances;
  private final UnaryCallable<DescribeBillingRecordsRequest, Page<BillingRecordInfo>>
      describeBillingRecords;
  private final UnaryCallable<ListEventsRequest, Page<EventInfo>> listEvents;

  private RenewalClient(ClientSettings settings) {
    this.core = new ClientCore(settings);
    renewInstances =
        core.callable(
            Rpc.RENEW_INSTANCES,
            RenewalServiceGrpc.getRenewInstancesMethod(),
            (req, resp) -> RenewalOrder.fromProto(resp, req.getClientToken()));
    inquiryPriceRenewInstances =
        core.callable(
            Rpc.INQUIRY_PRICE_RENEW_INSTANCES,
            RenewalServiceGrpc.getInquiryPriceRenewInstancesMethod(),
            (req, resp) -> PriceQuote.fromProto(resp));
    setAutoRenew =
        core.callable(
            Rpc.SET_AUTO_RENEW,
            RenewalServiceGrpc.getSetAutoRenewMethod(),
            (req, resp) -> resp.getInstancesList().stream().map(InstanceInfo::fromProto).toList());
    setUnifiedExpiry =
        core.callable(
            Rpc.SET_UNIFIED_EXPIRY,
            RenewalServiceGrpc.getSetUnifiedExpiryMethod(),
            (req, resp) -> RenewalOrder.fromProto(resp, req.getClientToken()));
    inquiryPriceUnifiedExpiry =
        core.callable(
            Rpc.INQUIRY_PRICE_UNIFIED_EXPIRY,
            RenewalServiceGrpc.getInquiryPriceUnifiedExpiryMethod(),
            (req, resp) -> PriceQuote.fromProto(resp));
    terminateInstances =
        core.callable(
            Rpc.TERMINATE_INSTANCES,
            RenewalServiceGrpc.getTerminateInstancesMethod(),
            (req, resp) -> resp.getInstancesList().stream().map(InstanceInfo::fromProto).toList());
    describeAccount =
        core.callable(
            Rpc.DESCRIBE_ACCOUNT,
            RenewalServiceGrpc.getDescribeAccountMethod(),
            (req, resp) -> AccountInfo.fromProto(resp.getAccount()));
    describePrices =
        core.callable(
            Rpc.DESCRIBE_PRICES,
            RenewalServiceGrpc.getDescribePricesMethod(),
            (req, resp) -> PriceList.fromProto(resp));
    describeRenewalForecast =
        core.callable(
            Rpc.DESCRIBE_RENEWAL_FORECAST,
            RenewalServiceGrpc.getDescribeRenewalForecastMethod(),
            (req, resp) -> RenewalForecast.fromProto(resp));
    describeInstances =
        core.pagedCallable(
            Rpc.DESCRIBE_INSTANCES,
            RenewalServiceGrpc.getDescribeInstancesMethod(),
            resp -> resp.getInstancesList().stream().map(InstanceInfo::fromProto).toList(),
            (req, resp) -> resp.getNextPageToken(),
            (req, token) -> req.toBuilder().setPageToken(token).build());
    describeBillingRecords =
        core.pagedCallable(
            Rpc.DESCRIBE_BILLING_RECORDS,
            RenewalServiceGrpc.getDescribeBillingRecordsMethod(),
            resp -> resp.getRecordsList().stream().map(BillingRecordInfo::fromProto).toList(),
            (req, resp) -> resp.getNextPageToken(),
            (req, token) -> req.toBuilder().setPageToken(token).build());
    listEvents =
        core.pagedCallable(
            Rpc.LIST_EVENTS,
            RenewalServiceGrpc.getListEventsMethod(),
            resp -> resp.getEventsList().stream().map(EventInfo::fromProto).toList(),
            RenewalClient::nextEventsToken,
            (req, token) -> req.toBuilder().setAfterEventId(Long.parseLong(token)).build());
  }

  /** A builder; {@link ClientBuilder#build()} returns the client. */
  public static ClientBuilder<RenewalClient> newBuilder() {
    return new ClientBuilder<>(RenewalClient::new);
  }

  /**
   * A client with these settings (from {@link ClientBuilder#settings()}).
   *
   * @param settings the settings
   * @return the client; it owns its connections until {@link #close()}
   * @throws NullPointerException if {@code settings} is null
   * @throws IllegalStateException if the settings ask for logging without SLF4J on the classpath
   */
  public static RenewalClient create(ClientSettings settings) {
    return new RenewalClient(settings);
  }

  /** The settings the client was built with. */
  public ClientSettings settings() {
    return core.settings;
  }

  /**
   * The channel, for calling the generated stubs directly, e.g. {@code
   * RenewalServiceGrpc.newBlockingStub(client.channel()).withCallCredentials(client.settings().credentials())}.
   * Such calls get none of the SDK's retries. Owned by the client: do not shut it down.
   */
  public Channel channel() {
    return core.channel;
  }

  // ---- RenewInstances ----

  /**
   * Renews 1..100 prepaid instances for the same number of months, all or nothing, as one order.
   * The request's {@code client_token} is generated when empty and reused on every retry, so the
   * order is charged at most once; {@link RenewalOrder#clientToken()} returns it.
   *
   * @throws InvalidArgumentException a wrong field (e.g. reason {@code INVALID_PERIOD}, {@code
   *     TOO_MANY_INSTANCES}); {@link IdempotencyKeyReusedException} for a token used before with
   *     another request
   * @throws InstanceNotFoundException an instance is not the account's
   * @throws InsufficientBalanceException the balance does not cover the order; nothing charged
   * @throws NotPrepaidException an instance is postpaid
   * @throws InstanceReleasedException an instance is released
   * @throws InstanceIsolatedException an isolated instance may not be renewed this way
   * @throws RenewalException any other failure after the retries (e.g. {@code
   *     UnavailableException}, {@code DeadlineExceededException}); repeating the call with {@link
   *     RenewalException#clientToken()} never charges twice
   */
  public RenewalOrder renewInstances(RenewInstancesRequest request) {
    return renewInstancesCallable().call(request);
  }

  /**
   * Renews instances for {@code periodMonths} (1..12, 24 or 36) with a generated client token; see
   * {@link #renewInstances(RenewInstancesRequest)}.
   *
   * @throws RenewalException as {@link #renewInstances(RenewInstancesRequest)}
   */
  public RenewalOrder renewInstances(Collection<String> instanceIds, int periodMonths) {
    return renewInstances(
        RenewInstancesRequest.newBuilder()
            .addAllInstanceIds(instanceIds)
            .setPeriodMonths(periodMonths)
            .build());
  }

  /** {@link #renewInstances(RenewInstancesRequest)} as a callable: per-call options, futures. */
  public UnaryCallable<RenewInstancesRequest, RenewalOrder> renewInstancesCallable() {
    return renewInstances;
  }

  // ---- InquiryPriceRenewInstances ----

  /**
   * Prices a renewal exactly as {@code renewInstances} would charge it, changing nothing.
   *
   * @throws InvalidArgumentException a wrong field (e.g. reason {@code INVALID_PERIOD})
   * @throws InstanceNotFoundException an instance is not the account's
   * @throws NotPrepaidException an instance is postpaid
   * @throws InstanceReleasedException an instance is released
   * @throws RenewalException any other failure after the retries
   */
  public PriceQuote inquiryPriceRenewInstances(InquiryPriceRenewInstancesRequest request) {
    return inquiryPriceRenewInstancesCallable().call(request);
  }

  /**
   * Prices a renewal of instances for {@code periodMonths}; see {@link
   * #inquiryPriceRenewInstances(InquiryPriceRenewInstancesRequest)}.
   *
   * @throws RenewalException as {@link
   *     #inquiryPriceRenewInstances(InquiryPriceRenewInstancesRequest)}
   */
  public PriceQuote inquiryPriceRenewInstances(Collection<String> instanceIds, int periodMonths) {
    return inquiryPriceRenewInstances(
        InquiryPriceRenewInstancesRequest.newBuilder()
            .addAllInstanceIds(instanceIds)
            .setPeriodMonths(periodMonths)
            .build());
  }

  /**
   * {@link #inquiryPriceRenewInstances(InquiryPriceRenewInstancesRequest)} as a callable: per-call
   * options, futures.
   */
  public UnaryCallable<InquiryPriceRenewInstancesRequest, PriceQuote>
      inquiryPriceRenewInstancesCallable() {
    return inquiryPriceRenewInstances;
  }

  // ---- SetAutoRenew ----

  /**
   * Sets the renew flag (and auto-renew period) of instances; returns them as they are after the
   * call. The {@code client_token} is generated when empty and reused on every retry.
   *
   * @throws InvalidArgumentException a wrong field (e.g. reason {@code INVALID_RENEW_FLAG})
   * @throws InstanceNotFoundException an instance is not the account's
   * @throws NotPrepaidException an instance is postpaid
   * @throws InstanceReleasedException an instance is released
   * @throws RenewalException any other failure after the retries
   */
  public List<InstanceInfo> setAutoRenew(SetAutoRenewRequest request) {
    return setAutoRenewCallable().call(request);
  }

  /** {@link #setAutoRenew(SetAutoRenewRequest)} as a callable: per-call options, futures. */
  public UnaryCallable<SetAutoRenewRequest, List<InstanceInfo>> setAutoRenewCallable() {
    return setAutoRenew;
  }

  // ---- SetUnifiedExpiry ----

  /**
   * Moves the expiry of running prepaid instances forward to a day of the month, charging the
   * extension as one order. The {@code client_token} is generated when empty and reused on every
   * retry, so the order is charged at most once.
   *
   * @throws InvalidArgumentException a wrong field (e.g. reason {@code INVALID_EXPIRY_DAY})
   * @throws InstanceNotFoundException an instance is not the account's
   * @throws InsufficientBalanceException the balance does not cover the extension
   * @throws NotPrepaidException an instance is postpaid
   * @throws InstanceReleasedException an instance is released
   * @throws InstanceIsolatedException an instance is isolated
   * @throws RenewalException any other failure after the retries
   */
  public RenewalOrder setUnifiedExpiry(SetUnifiedExpiryRequest request) {
    return setUnifiedExpiryCallable().call(request);
  }

  /**
   * {@link #setUnifiedExpiry(SetUnifiedExpiryRequest)} as a callable: per-call options, futures.
   */
  public UnaryCallable<SetUnifiedExpiryRequest, RenewalOrder> setUnifiedExpiryCallable() {
    return setUnifiedExpiry;
  }

  // ---- InquiryPriceUnifiedExpiry ----

  /**
   * Prices a unified expiry exactly as {@code setUnifiedExpiry} would charge it, changing nothing.
   *
   * @throws InvalidArgumentException a wrong field (e.g. reason {@code INVALID_EXPIRY_DAY})
   * @throws InstanceNotFoundException an instance is not the account's
   * @throws NotPrepaidException an instance is postpaid
   * @throws InstanceReleasedException an instance is released
   * @throws InstanceIsolatedException an instance is isolated
   * @throws RenewalException any other failure after the retries
   */
  public PriceQuote inquiryPriceUnifiedExpiry(InquiryPriceUnifiedExpiryRequest request) {
    return inquiryPriceUnifiedExpiryCallable().call(request);
  }

  /**
   * {@link #inquiryPriceUnifiedExpiry(InquiryPriceUnifiedExpiryRequest)} as a callable: per-call
   * options, futures.
   */
  public UnaryCallable<InquiryPriceUnifiedExpiryRequest, PriceQuote>
      inquiryPriceUnifiedExpiryCallable() {
    return inquiryPriceUnifiedExpiry;
  }

  // ---- TerminateInstances ----

  /**
   * Releases postpaid instances and isolated prepaid ones. The {@code client_token} is generated
   * when empty and reused on every retry.
   *
   * @throws InvalidArgumentException a wrong field (e.g. reason {@code INVALID_INSTANCE_ID})
   * @throws InstanceNotFoundException an instance is not the account's
   * @throws PrepaidNotTerminableException a running prepaid instance is refused
   * @throws RenewalException any other failure after the retries
   */
  public List<InstanceInfo> terminateInstances(TerminateInstancesRequest request) {
    return terminateInstancesCallable().call(request);
  }

  /**
   * {@link #terminateInstances(TerminateInstancesRequest)} as a callable: per-call options,
   * futures.
   */
  public UnaryCallable<TerminateInstancesRequest, List<InstanceInfo>> terminateInstancesCallable() {
    return terminateInstances;
  }

  // ---- DescribeAccount ----

  /**
   * The key's account and its balance.
   *
   * @throws AccountNotFoundException the key's account no longer exists
   * @throws RenewalException any other failure after the retries
   */
  public AccountInfo describeAccount(DescribeAccountRequest request) {
    return describeAccountCallable().call(request);
  }

  /**
   * The key's account and its balance.
   *
   * @throws RenewalException as {@link #describeAccount(DescribeAccountRequest)}
   */
  public AccountInfo describeAccount() {
    return describeAccount(DescribeAccountRequest.getDefaultInstance());
  }

  /** {@link #describeAccount(DescribeAccountRequest)} as a callable: per-call options, futures. */
  public UnaryCallable<DescribeAccountRequest, AccountInfo> describeAccountCallable() {
    return describeAccount;
  }

  // ---- DescribePrices ----

  /**
   * The price catalog.
   *
   * @throws RenewalException when the call fails after the retries
   */
  public PriceList describePrices(DescribePricesRequest request) {
    return describePricesCallable().call(request);
  }

  /**
   * The price catalog.
   *
   * @throws RenewalException when the call fails after the retries
   */
  public PriceList describePrices() {
    return describePrices(DescribePricesRequest.getDefaultInstance());
  }

  /** {@link #describePrices(DescribePricesRequest)} as a callable: per-call options, futures. */
  public UnaryCallable<DescribePricesRequest, PriceList> describePricesCallable() {
    return describePrices;
  }

  // ---- DescribeRenewalForecast ----

  /**
   * The auto-renewals the lifecycle job will charge over the next {@code horizon_days} (0 for 90,
   * at most 400), priced as the job prices them, with the balance after each, the first one the
   * balance will not cover and the instances at risk of isolation because of it.
   *
   * @throws InvalidArgumentException a horizon outside 1..400 (reason {@code INVALID_HORIZON})
   * @throws AccountNotFoundException the key's account no longer exists
   * @throws RenewalException any other failure after the retries
   */
  public RenewalForecast describeRenewalForecast(DescribeRenewalForecastRequest request) {
    return describeRenewalForecastCallable().call(request);
  }

  /**
   * The renewal forecast over the next {@code horizonDays} days; see {@link
   * #describeRenewalForecast(DescribeRenewalForecastRequest)}.
   *
   * @throws RenewalException as {@link #describeRenewalForecast(DescribeRenewalForecastRequest)}
   */
  public RenewalForecast describeRenewalForecast(int horizonDays) {
    return describeRenewalForecast(
        DescribeRenewalForecastRequest.newBuilder().setHorizonDays(horizonDays).build());
  }

  /**
   * {@link #describeRenewalForecast(DescribeRenewalForecastRequest)} as a callable: per-call
   * options, futures.
   */
  public UnaryCallable<DescribeRenewalForecastRequest, RenewalForecast>
      describeRenewalForecastCallable() {
    return describeRenewalForecast;
  }

  // ---- Lists: one page, and iteration over all pages ----

  /**
   * One page of instances; {@link Page#iterateAll()} walks every page. Results are in instance id
   * order. Later pages repeat the request's filters (and the call's options) with the next page
   * token.
   *
   * @throws InvalidArgumentException a wrong filter, page size or page token
   * @throws RenewalException any other failure after the retries (a later page's fetch throws the
   *     same way)
   */
  public Page<InstanceInfo> describeInstances(DescribeInstancesRequest request) {
    return describeInstancesCallable().call(request);
  }

  /**
   * {@link #describeInstances(DescribeInstancesRequest)} as a callable: per-call options (which
   * also apply to the later pages), futures.
   */
  public UnaryCallable<DescribeInstancesRequest, Page<InstanceInfo>> describeInstancesCallable() {
    return describeInstances;
  }

  /**
   * Every instance of the account, page by page as the iteration goes.
   *
   * @throws RenewalException when a page cannot be fetched (here, or while iterating)
   */
  public Iterable<InstanceInfo> listAllInstances() {
    return describeInstances(DescribeInstancesRequest.newBuilder().setPageSize(100).build())
        .iterateAll();
  }

  /**
   * One page of the ledger, newest first; {@link Page#iterateAll()} walks every page.
   *
   * @throws InvalidArgumentException a wrong page size or page token
   * @throws RenewalException any other failure after the retries
   */
  public Page<BillingRecordInfo> describeBillingRecords(DescribeBillingRecordsRequest request) {
    return describeBillingRecordsCallable().call(request);
  }

  /**
   * {@link #describeBillingRecords(DescribeBillingRecordsRequest)} as a callable: per-call options
   * (which also apply to the later pages), futures.
   */
  public UnaryCallable<DescribeBillingRecordsRequest, Page<BillingRecordInfo>>
      describeBillingRecordsCallable() {
    return describeBillingRecords;
  }

  /**
   * One page of events after {@code after_event_id}, oldest first; {@link Page#iterateAll()} walks
   * every later page (each asks for the events after the last one of the page before). The
   * iteration ends at the newest event; to follow new ones, use {@link #watchEvents}.
   *
   * @throws InvalidArgumentException a wrong page size or event id
   * @throws RenewalException any other failure after the retries
   */
  public Page<EventInfo> listEvents(ListEventsRequest request) {
    return listEventsCallable().call(request);
  }

  /**
   * {@link #listEvents(ListEventsRequest)} as a callable: per-call options (which also apply to the
   * later pages), futures.
   */
  public UnaryCallable<ListEventsRequest, Page<EventInfo>> listEventsCallable() {
    return listEvents;
  }

  /** The last event id of a full page; empty after a short page (the server had no more). */
  private static String nextEventsToken(ListEventsRequest request, ListEventsResponse response) {
    int requested = request.getPageSize();
    int effective = requested <= 0 ? 20 : Math.min(requested, 100);
    int n = response.getEventsCount();
    return n == 0 || n < effective ? "" : Long.toString(response.getEvents(n - 1).getEventId());
  }

  // ---- Event stream ----

  /**
   * Watches the account's events after {@code afterEventId} (0 = from the beginning): first the
   * backlog, then new events as they happen. The watch reconnects by itself whenever the stream
   * breaks and resumes after the last event delivered, so the listener misses none and sees none
   * twice. Close the returned watch (or the client) to stop. Failures that end the watch reach the
   * listener as a {@link RenewalException}.
   *
   * @throws IllegalArgumentException if {@code afterEventId} is negative
   * @throws NullPointerException if {@code listener} is null
   * @throws IllegalStateException if the client is closed
   */
  public EventWatch watchEvents(long afterEventId, EventListener listener) {
    if (afterEventId < 0) {
      throw new IllegalArgumentException("afterEventId must be >= 0");
    }
    return core.watch(afterEventId, Objects.requireNonNull(listener, "listener"));
  }

  /**
   * Closes the client: stops its watches, fails calls still waiting to retry with {@code
   * CANCELLED}, lets calls in flight finish for up to 5 seconds, and releases connections.
   */
  @Override
  public void close() {
    core.close();
  }

  @Override
  public String toString() {
    return "RenewalClient{" + core.settings + "}";
  }
}
