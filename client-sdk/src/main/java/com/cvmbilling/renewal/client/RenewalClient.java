package com.cvmbilling.renewal.client;

import com.cvmbilling.renewal.client.model.AccountInfo;
import com.cvmbilling.renewal.client.model.BillingRecordInfo;
import com.cvmbilling.renewal.client.model.EventInfo;
import com.cvmbilling.renewal.client.model.InstanceInfo;
import com.cvmbilling.renewal.client.model.PriceList;
import com.cvmbilling.renewal.client.model.PriceQuote;
import com.cvmbilling.renewal.client.model.RenewalOrder;
import com.cvmbilling.renewal.v1.DescribeAccountRequest;
import com.cvmbilling.renewal.v1.DescribeBillingRecordsRequest;
import com.cvmbilling.renewal.v1.DescribeInstancesRequest;
import com.cvmbilling.renewal.v1.DescribePricesRequest;
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
import java.util.concurrent.CompletableFuture;

/**
 * The tenant API ({@code cvm.renewal.v1.RenewalService}), called with a tenant API key.
 *
 * <p>Every RPC has a blocking form, which throws a {@link
 * com.cvmbilling.renewal.client.error.RenewalException}, and an asynchronous form ({@code
 * ...Async}) whose future fails with one. Each takes the generated request message, and optionally
 * {@link RequestOptions} for this call's deadline, retries or request id.
 *
 * <p><b>Retries and idempotency.</b> A call is one logical call however many attempts it takes:
 * {@code UNAVAILABLE} and {@code ABORTED}/{@code REQUEST_IN_PROGRESS} are retried with exponential
 * backoff and jitter within the call's deadline; {@code INVALID_ARGUMENT}, {@code
 * FAILED_PRECONDITION}, {@code NOT_FOUND} and {@code UNAUTHENTICATED} never are. Every call that
 * moves money or changes an instance carries a {@code client_token}: yours if the request has one,
 * otherwise one the SDK generates for the call; every attempt sends the same token, so a retry
 * after a lost response returns the first response and never charges twice. Every attempt also
 * sends the same {@code x-request-id}.
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

  private RenewalClient(ClientSettings settings) {
    this.core = new ClientCore(settings);
  }

  /** A builder; {@link ClientBuilder#build()} returns the client. */
  public static ClientBuilder<RenewalClient> newBuilder() {
    return new ClientBuilder<>(RenewalClient::new);
  }

  /** A client with these settings. */
  public static RenewalClient create(ClientSettings settings) {
    return new RenewalClient(settings);
  }

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

  // ---- Convenience forms of the common calls ----

  /** Renews instances for {@code periodMonths} (1..12, 24 or 36) with a generated client token. */
  public RenewalOrder renewInstances(Collection<String> instanceIds, int periodMonths) {
    return renewInstances(
        RenewInstancesRequest.newBuilder()
            .addAllInstanceIds(instanceIds)
            .setPeriodMonths(periodMonths)
            .build());
  }

  /** Prices a renewal of instances for {@code periodMonths}. */
  public PriceQuote inquiryPriceRenewInstances(Collection<String> instanceIds, int periodMonths) {
    return inquiryPriceRenewInstances(
        InquiryPriceRenewInstancesRequest.newBuilder()
            .addAllInstanceIds(instanceIds)
            .setPeriodMonths(periodMonths)
            .build());
  }

  /** The key's account and its balance. */
  public AccountInfo describeAccount() {
    return describeAccount(DescribeAccountRequest.getDefaultInstance());
  }

  /** The price catalog. */
  public PriceList describePrices() {
    return describePrices(DescribePricesRequest.getDefaultInstance());
  }

  /**
   * Renews 1..100 prepaid instances for the same number of months, all or nothing, as one order.
   * The request's {@code client_token} is generated when empty and reused on every retry, so the
   * order is charged at most once; {@link RenewalOrder#clientToken()} returns it.
   */
  public RenewalOrder renewInstances(RenewInstancesRequest request) {
    return Futures.await(renewInstancesAsync(request, null));
  }

  /**
   * Renews 1..100 prepaid instances for the same number of months, all or nothing, as one order.
   * The request's {@code client_token} is generated when empty and reused on every retry, so the
   * order is charged at most once; {@link RenewalOrder#clientToken()} returns it.
   */
  public RenewalOrder renewInstances(RenewInstancesRequest request, RequestOptions options) {
    return Futures.await(renewInstancesAsync(request, options));
  }

  /**
   * Renews 1..100 prepaid instances for the same number of months, all or nothing, as one order.
   * The request's {@code client_token} is generated when empty and reused on every retry, so the
   * order is charged at most once; {@link RenewalOrder#clientToken()} returns it.
   */
  public CompletableFuture<RenewalOrder> renewInstancesAsync(RenewInstancesRequest request) {
    return renewInstancesAsync(request, null);
  }

  /**
   * Renews 1..100 prepaid instances for the same number of months, all or nothing, as one order.
   * The request's {@code client_token} is generated when empty and reused on every retry, so the
   * order is charged at most once; {@link RenewalOrder#clientToken()} returns it.
   */
  public CompletableFuture<RenewalOrder> renewInstancesAsync(
      RenewInstancesRequest request, RequestOptions options) {
    RenewInstancesRequest req = UnaryCaller.withClientToken(Rpc.RENEW_INSTANCES, request);
    return core.call(
            Rpc.RENEW_INSTANCES, RenewalServiceGrpc.getRenewInstancesMethod(), req, options)
        .thenApply(resp -> RenewalOrder.fromProto(resp, req.getClientToken()));
  }

  /** Prices a renewal exactly as {@code renewInstances} would charge it, changing nothing. */
  public PriceQuote inquiryPriceRenewInstances(InquiryPriceRenewInstancesRequest request) {
    return Futures.await(inquiryPriceRenewInstancesAsync(request, null));
  }

  /** Prices a renewal exactly as {@code renewInstances} would charge it, changing nothing. */
  public PriceQuote inquiryPriceRenewInstances(
      InquiryPriceRenewInstancesRequest request, RequestOptions options) {
    return Futures.await(inquiryPriceRenewInstancesAsync(request, options));
  }

  /** Prices a renewal exactly as {@code renewInstances} would charge it, changing nothing. */
  public CompletableFuture<PriceQuote> inquiryPriceRenewInstancesAsync(
      InquiryPriceRenewInstancesRequest request) {
    return inquiryPriceRenewInstancesAsync(request, null);
  }

  /** Prices a renewal exactly as {@code renewInstances} would charge it, changing nothing. */
  public CompletableFuture<PriceQuote> inquiryPriceRenewInstancesAsync(
      InquiryPriceRenewInstancesRequest request, RequestOptions options) {
    InquiryPriceRenewInstancesRequest req = request;
    return core.call(
            Rpc.INQUIRY_PRICE_RENEW_INSTANCES,
            RenewalServiceGrpc.getInquiryPriceRenewInstancesMethod(),
            req,
            options)
        .thenApply(resp -> PriceQuote.fromProto(resp));
  }

  /**
   * Sets the renew flag (and auto-renew period) of instances; returns them as they are after the
   * call.
   */
  public List<InstanceInfo> setAutoRenew(SetAutoRenewRequest request) {
    return Futures.await(setAutoRenewAsync(request, null));
  }

  /**
   * Sets the renew flag (and auto-renew period) of instances; returns them as they are after the
   * call.
   */
  public List<InstanceInfo> setAutoRenew(SetAutoRenewRequest request, RequestOptions options) {
    return Futures.await(setAutoRenewAsync(request, options));
  }

  /**
   * Sets the renew flag (and auto-renew period) of instances; returns them as they are after the
   * call.
   */
  public CompletableFuture<List<InstanceInfo>> setAutoRenewAsync(SetAutoRenewRequest request) {
    return setAutoRenewAsync(request, null);
  }

  /**
   * Sets the renew flag (and auto-renew period) of instances; returns them as they are after the
   * call.
   */
  public CompletableFuture<List<InstanceInfo>> setAutoRenewAsync(
      SetAutoRenewRequest request, RequestOptions options) {
    SetAutoRenewRequest req = UnaryCaller.withClientToken(Rpc.SET_AUTO_RENEW, request);
    return core.call(Rpc.SET_AUTO_RENEW, RenewalServiceGrpc.getSetAutoRenewMethod(), req, options)
        .thenApply(resp -> resp.getInstancesList().stream().map(InstanceInfo::fromProto).toList());
  }

  /**
   * Moves the expiry of running prepaid instances forward to a day of the month, charging the
   * extension as one order.
   */
  public RenewalOrder setUnifiedExpiry(SetUnifiedExpiryRequest request) {
    return Futures.await(setUnifiedExpiryAsync(request, null));
  }

  /**
   * Moves the expiry of running prepaid instances forward to a day of the month, charging the
   * extension as one order.
   */
  public RenewalOrder setUnifiedExpiry(SetUnifiedExpiryRequest request, RequestOptions options) {
    return Futures.await(setUnifiedExpiryAsync(request, options));
  }

  /**
   * Moves the expiry of running prepaid instances forward to a day of the month, charging the
   * extension as one order.
   */
  public CompletableFuture<RenewalOrder> setUnifiedExpiryAsync(SetUnifiedExpiryRequest request) {
    return setUnifiedExpiryAsync(request, null);
  }

  /**
   * Moves the expiry of running prepaid instances forward to a day of the month, charging the
   * extension as one order.
   */
  public CompletableFuture<RenewalOrder> setUnifiedExpiryAsync(
      SetUnifiedExpiryRequest request, RequestOptions options) {
    SetUnifiedExpiryRequest req = UnaryCaller.withClientToken(Rpc.SET_UNIFIED_EXPIRY, request);
    return core.call(
            Rpc.SET_UNIFIED_EXPIRY, RenewalServiceGrpc.getSetUnifiedExpiryMethod(), req, options)
        .thenApply(resp -> RenewalOrder.fromProto(resp, req.getClientToken()));
  }

  /**
   * Prices a unified expiry exactly as {@code setUnifiedExpiry} would charge it, changing nothing.
   */
  public PriceQuote inquiryPriceUnifiedExpiry(InquiryPriceUnifiedExpiryRequest request) {
    return Futures.await(inquiryPriceUnifiedExpiryAsync(request, null));
  }

  /**
   * Prices a unified expiry exactly as {@code setUnifiedExpiry} would charge it, changing nothing.
   */
  public PriceQuote inquiryPriceUnifiedExpiry(
      InquiryPriceUnifiedExpiryRequest request, RequestOptions options) {
    return Futures.await(inquiryPriceUnifiedExpiryAsync(request, options));
  }

  /**
   * Prices a unified expiry exactly as {@code setUnifiedExpiry} would charge it, changing nothing.
   */
  public CompletableFuture<PriceQuote> inquiryPriceUnifiedExpiryAsync(
      InquiryPriceUnifiedExpiryRequest request) {
    return inquiryPriceUnifiedExpiryAsync(request, null);
  }

  /**
   * Prices a unified expiry exactly as {@code setUnifiedExpiry} would charge it, changing nothing.
   */
  public CompletableFuture<PriceQuote> inquiryPriceUnifiedExpiryAsync(
      InquiryPriceUnifiedExpiryRequest request, RequestOptions options) {
    InquiryPriceUnifiedExpiryRequest req = request;
    return core.call(
            Rpc.INQUIRY_PRICE_UNIFIED_EXPIRY,
            RenewalServiceGrpc.getInquiryPriceUnifiedExpiryMethod(),
            req,
            options)
        .thenApply(resp -> PriceQuote.fromProto(resp));
  }

  /**
   * Releases postpaid instances and isolated prepaid ones; a running prepaid one is refused ({@code
   * PrepaidNotTerminableException}).
   */
  public List<InstanceInfo> terminateInstances(TerminateInstancesRequest request) {
    return Futures.await(terminateInstancesAsync(request, null));
  }

  /**
   * Releases postpaid instances and isolated prepaid ones; a running prepaid one is refused ({@code
   * PrepaidNotTerminableException}).
   */
  public List<InstanceInfo> terminateInstances(
      TerminateInstancesRequest request, RequestOptions options) {
    return Futures.await(terminateInstancesAsync(request, options));
  }

  /**
   * Releases postpaid instances and isolated prepaid ones; a running prepaid one is refused ({@code
   * PrepaidNotTerminableException}).
   */
  public CompletableFuture<List<InstanceInfo>> terminateInstancesAsync(
      TerminateInstancesRequest request) {
    return terminateInstancesAsync(request, null);
  }

  /**
   * Releases postpaid instances and isolated prepaid ones; a running prepaid one is refused ({@code
   * PrepaidNotTerminableException}).
   */
  public CompletableFuture<List<InstanceInfo>> terminateInstancesAsync(
      TerminateInstancesRequest request, RequestOptions options) {
    TerminateInstancesRequest req = UnaryCaller.withClientToken(Rpc.TERMINATE_INSTANCES, request);
    return core.call(
            Rpc.TERMINATE_INSTANCES, RenewalServiceGrpc.getTerminateInstancesMethod(), req, options)
        .thenApply(resp -> resp.getInstancesList().stream().map(InstanceInfo::fromProto).toList());
  }

  /** The key's account and its balance. */
  public AccountInfo describeAccount(DescribeAccountRequest request) {
    return Futures.await(describeAccountAsync(request, null));
  }

  /** The key's account and its balance. */
  public AccountInfo describeAccount(DescribeAccountRequest request, RequestOptions options) {
    return Futures.await(describeAccountAsync(request, options));
  }

  /** The key's account and its balance. */
  public CompletableFuture<AccountInfo> describeAccountAsync(DescribeAccountRequest request) {
    return describeAccountAsync(request, null);
  }

  /** The key's account and its balance. */
  public CompletableFuture<AccountInfo> describeAccountAsync(
      DescribeAccountRequest request, RequestOptions options) {
    DescribeAccountRequest req = request;
    return core.call(
            Rpc.DESCRIBE_ACCOUNT, RenewalServiceGrpc.getDescribeAccountMethod(), req, options)
        .thenApply(resp -> AccountInfo.fromProto(resp.getAccount()));
  }

  /** The price catalog. */
  public PriceList describePrices(DescribePricesRequest request) {
    return Futures.await(describePricesAsync(request, null));
  }

  /** The price catalog. */
  public PriceList describePrices(DescribePricesRequest request, RequestOptions options) {
    return Futures.await(describePricesAsync(request, options));
  }

  /** The price catalog. */
  public CompletableFuture<PriceList> describePricesAsync(DescribePricesRequest request) {
    return describePricesAsync(request, null);
  }

  /** The price catalog. */
  public CompletableFuture<PriceList> describePricesAsync(
      DescribePricesRequest request, RequestOptions options) {
    DescribePricesRequest req = request;
    return core.call(
            Rpc.DESCRIBE_PRICES, RenewalServiceGrpc.getDescribePricesMethod(), req, options)
        .thenApply(resp -> PriceList.fromProto(resp));
  }

  // ---- Lists: one page, and iteration over all pages ----

  /**
   * One page of instances; {@link Page#iterateAll()} walks every page. Results are in instance id
   * order. Later pages repeat the request's filters with the next page token.
   */
  public Page<InstanceInfo> describeInstances(DescribeInstancesRequest request) {
    return Futures.await(describeInstancesAsync(request, null));
  }

  /** One page of instances, with per-call options that also apply to the later pages. */
  public Page<InstanceInfo> describeInstances(
      DescribeInstancesRequest request, RequestOptions options) {
    return Futures.await(describeInstancesAsync(request, options));
  }

  /** One page of instances. */
  public CompletableFuture<Page<InstanceInfo>> describeInstancesAsync(
      DescribeInstancesRequest request) {
    return describeInstancesAsync(request, null);
  }

  /** One page of instances, with per-call options that also apply to the later pages. */
  public CompletableFuture<Page<InstanceInfo>> describeInstancesAsync(
      DescribeInstancesRequest request, RequestOptions options) {
    return core.call(
            Rpc.DESCRIBE_INSTANCES,
            RenewalServiceGrpc.getDescribeInstancesMethod(),
            request,
            options)
        .thenApply(
            resp ->
                new Page<>(
                    resp.getInstancesList().stream().map(InstanceInfo::fromProto).toList(),
                    resp.getNextPageToken(),
                    token ->
                        describeInstancesAsync(
                            request.toBuilder().setPageToken(token).build(), options)));
  }

  /** Every instance of the account, page by page as the iteration goes. */
  public Iterable<InstanceInfo> listAllInstances() {
    return describeInstances(DescribeInstancesRequest.newBuilder().setPageSize(100).build())
        .iterateAll();
  }

  /** One page of the ledger, newest first; {@link Page#iterateAll()} walks every page. */
  public Page<BillingRecordInfo> describeBillingRecords(DescribeBillingRecordsRequest request) {
    return Futures.await(describeBillingRecordsAsync(request, null));
  }

  /** One page of the ledger, with per-call options that also apply to the later pages. */
  public Page<BillingRecordInfo> describeBillingRecords(
      DescribeBillingRecordsRequest request, RequestOptions options) {
    return Futures.await(describeBillingRecordsAsync(request, options));
  }

  /** One page of the ledger. */
  public CompletableFuture<Page<BillingRecordInfo>> describeBillingRecordsAsync(
      DescribeBillingRecordsRequest request) {
    return describeBillingRecordsAsync(request, null);
  }

  /** One page of the ledger, with per-call options that also apply to the later pages. */
  public CompletableFuture<Page<BillingRecordInfo>> describeBillingRecordsAsync(
      DescribeBillingRecordsRequest request, RequestOptions options) {
    return core.call(
            Rpc.DESCRIBE_BILLING_RECORDS,
            RenewalServiceGrpc.getDescribeBillingRecordsMethod(),
            request,
            options)
        .thenApply(
            resp ->
                new Page<>(
                    resp.getRecordsList().stream().map(BillingRecordInfo::fromProto).toList(),
                    resp.getNextPageToken(),
                    token ->
                        describeBillingRecordsAsync(
                            request.toBuilder().setPageToken(token).build(), options)));
  }

  /**
   * One page of events after {@code after_event_id}, oldest first; {@link Page#iterateAll()} walks
   * every later page (each asks for the events after the last one of the page before). The
   * iteration ends at the newest event; to follow new ones, use {@link #watchEvents}.
   */
  public Page<EventInfo> listEvents(ListEventsRequest request) {
    return Futures.await(listEventsAsync(request, null));
  }

  /** One page of events, with per-call options that also apply to the later pages. */
  public Page<EventInfo> listEvents(ListEventsRequest request, RequestOptions options) {
    return Futures.await(listEventsAsync(request, options));
  }

  /** One page of events. */
  public CompletableFuture<Page<EventInfo>> listEventsAsync(ListEventsRequest request) {
    return listEventsAsync(request, null);
  }

  /** One page of events, with per-call options that also apply to the later pages. */
  public CompletableFuture<Page<EventInfo>> listEventsAsync(
      ListEventsRequest request, RequestOptions options) {
    return core.call(Rpc.LIST_EVENTS, RenewalServiceGrpc.getListEventsMethod(), request, options)
        .thenApply(
            resp ->
                new Page<>(
                    resp.getEventsList().stream().map(EventInfo::fromProto).toList(),
                    nextEventsToken(request, resp),
                    token ->
                        listEventsAsync(
                            request.toBuilder().setAfterEventId(Long.parseLong(token)).build(),
                            options)));
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
   * twice. Close the returned watch (or the client) to stop.
   */
  public EventWatch watchEvents(long afterEventId, EventListener listener) {
    if (afterEventId < 0) {
      throw new IllegalArgumentException("afterEventId must be >= 0");
    }
    return core.watch(afterEventId, java.util.Objects.requireNonNull(listener, "listener"));
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
