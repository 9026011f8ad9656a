package com.cvmbilling.renewal.client;

import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiFunction;

/**
 * One RPC as an object, in the shape of GAX's {@code UnaryCallable}: {@link #call} blocks, {@link
 * #futureCall} does not, and both take optional {@link RequestOptions} (deadline, retry settings,
 * request id) for this call only. Every client method {@code fooBar(request)} is {@code
 * fooBarCallable().call(request)}.
 *
 * <p>One call is one logical call, however many attempts it takes: a {@code client_token} is
 * generated once when the request of a changing RPC has none and is sent on every attempt (so a
 * retry never charges twice), every attempt sends the same {@code x-request-id}, and failures are
 * retried per the RPC's {@link RetrySettings} within the call's deadline.
 *
 * <pre>{@code
 * RenewalOrder order = client.renewInstancesCallable()
 *     .call(request, RequestOptions.withDeadline(Duration.ofSeconds(3)));
 * CompletableFuture<PriceQuote> quote = client.inquiryPriceRenewInstancesCallable().futureCall(inquiry);
 * }</pre>
 *
 * <p>Thread-safe; owned by its client and usable until the client is closed.
 *
 * @param <RequestT> the generated request message
 * @param <ResponseT> what the call returns (an SDK model view of the response)
 */
public final class UnaryCallable<RequestT, ResponseT> {
  private final Rpc rpc;
  private final BiFunction<RequestT, RequestOptions, CompletableFuture<ResponseT>> invoker;

  UnaryCallable(
      Rpc rpc, BiFunction<RequestT, RequestOptions, CompletableFuture<ResponseT>> invoker) {
    this.rpc = rpc;
    this.invoker = invoker;
  }

  /** The RPC this callable calls, e.g. {@link Rpc#RENEW_INSTANCES}. */
  public Rpc rpc() {
    return rpc;
  }

  /**
   * Calls the RPC and waits for its outcome, with the client's settings.
   *
   * @param request the request; for an RPC that takes a {@code client_token}, an empty token is
   *     filled in once for this call
   * @return the response
   * @throws com.cvmbilling.renewal.client.error.RenewalException or one of its subclasses (by
   *     status code, e.g. {@code InvalidArgumentException}, and by reason, e.g. {@code
   *     InsufficientBalanceException}) when the call fails after its retries; {@code
   *     CancelledException} when the waiting thread is interrupted or the client closed
   * @throws NullPointerException if {@code request} is null
   */
  public ResponseT call(RequestT request) {
    return call(request, null);
  }

  /**
   * Calls the RPC and waits for its outcome, with per-call options.
   *
   * @param request the request; for an RPC that takes a {@code client_token}, an empty token is
   *     filled in once for this call
   * @param options this call's deadline, retry settings or request id; null = the client's
   * @return the response
   * @throws com.cvmbilling.renewal.client.error.RenewalException or one of its subclasses (by
   *     status code and by reason) when the call fails after its retries; {@code
   *     CancelledException} when the waiting thread is interrupted or the client closed
   * @throws NullPointerException if {@code request} is null
   */
  public ResponseT call(RequestT request, RequestOptions options) {
    return Futures.await(futureCall(request, options));
  }

  /**
   * Starts the call and returns at once, with the client's settings.
   *
   * @param request the request
   * @return the response's future; it fails with a {@link
   *     com.cvmbilling.renewal.client.error.RenewalException} (or subclass) when the call fails
   *     after its retries; cancelling it cancels the call
   * @throws NullPointerException if {@code request} is null
   */
  public CompletableFuture<ResponseT> futureCall(RequestT request) {
    return futureCall(request, null);
  }

  /**
   * Starts the call and returns at once, with per-call options.
   *
   * @param request the request
   * @param options this call's deadline, retry settings or request id; null = the client's
   * @return the response's future; it fails with a {@link
   *     com.cvmbilling.renewal.client.error.RenewalException} (or subclass) when the call fails
   *     after its retries; cancelling it cancels the call
   * @throws NullPointerException if {@code request} is null
   */
  public CompletableFuture<ResponseT> futureCall(RequestT request, RequestOptions options) {
    return invoker.apply(Objects.requireNonNull(request, "request"), options);
  }

  @Override
  public String toString() {
    return "UnaryCallable{" + rpc.methodName() + "}";
  }
}
