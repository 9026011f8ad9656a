package com.cvmbilling.renewal.server.grpc;

import static com.cvmbilling.renewal.server.grpc.Replies.reply;

import com.cvmbilling.renewal.server.service.EventListener;
import com.cvmbilling.renewal.server.service.RenewalOperations;
import com.cvmbilling.renewal.v1.*;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

/**
 * RenewalService over gRPC: carries each call to its {@link RenewalOperations} operation with the
 * authenticated caller. Failures are thrown and mapped by {@link ExceptionMappingInterceptor}.
 */
@Singleton
public final class RenewalGrpcService extends RenewalServiceGrpc.RenewalServiceImplBase {
  private final RenewalOperations operations;

  @Inject
  public RenewalGrpcService(RenewalOperations operations) {
    this.operations = operations;
  }

  @Override
  public void renewInstances(
      RenewInstancesRequest request, StreamObserver<RenewInstancesResponse> observer) {
    reply(observer, operations.renewInstances(AuthInterceptor.principal(), request));
  }

  @Override
  public void inquiryPriceRenewInstances(
      InquiryPriceRenewInstancesRequest request,
      StreamObserver<InquiryPriceRenewInstancesResponse> observer) {
    reply(observer, operations.inquiryPriceRenewInstances(AuthInterceptor.principal(), request));
  }

  @Override
  public void setAutoRenew(
      SetAutoRenewRequest request, StreamObserver<SetAutoRenewResponse> observer) {
    reply(observer, operations.setAutoRenew(AuthInterceptor.principal(), request));
  }

  @Override
  public void setUnifiedExpiry(
      SetUnifiedExpiryRequest request, StreamObserver<SetUnifiedExpiryResponse> observer) {
    reply(observer, operations.setUnifiedExpiry(AuthInterceptor.principal(), request));
  }

  @Override
  public void inquiryPriceUnifiedExpiry(
      InquiryPriceUnifiedExpiryRequest request,
      StreamObserver<InquiryPriceUnifiedExpiryResponse> observer) {
    reply(observer, operations.inquiryPriceUnifiedExpiry(AuthInterceptor.principal(), request));
  }

  @Override
  public void describeInstances(
      DescribeInstancesRequest request, StreamObserver<DescribeInstancesResponse> observer) {
    reply(observer, operations.describeInstances(AuthInterceptor.principal(), request));
  }

  @Override
  public void terminateInstances(
      TerminateInstancesRequest request, StreamObserver<TerminateInstancesResponse> observer) {
    reply(observer, operations.terminateInstances(AuthInterceptor.principal(), request));
  }

  @Override
  public void describeAccount(
      DescribeAccountRequest request, StreamObserver<DescribeAccountResponse> observer) {
    reply(observer, operations.describeAccount(AuthInterceptor.principal(), request));
  }

  @Override
  public void describeBillingRecords(
      DescribeBillingRecordsRequest request,
      StreamObserver<DescribeBillingRecordsResponse> observer) {
    reply(observer, operations.describeBillingRecords(AuthInterceptor.principal(), request));
  }

  @Override
  public void describePrices(
      DescribePricesRequest request, StreamObserver<DescribePricesResponse> observer) {
    reply(observer, operations.describePrices(AuthInterceptor.principal(), request));
  }

  @Override
  public void listEvents(ListEventsRequest request, StreamObserver<ListEventsResponse> observer) {
    reply(observer, operations.listEvents(AuthInterceptor.principal(), request));
  }

  @Override
  public void describeRenewalForecast(
      DescribeRenewalForecastRequest request,
      StreamObserver<DescribeRenewalForecastResponse> observer) {
    reply(observer, operations.describeRenewalForecast(AuthInterceptor.principal(), request));
  }

  @Override
  public void watchEvents(WatchEventsRequest request, StreamObserver<Event> observer) {
    operations.watchEvents(
        AuthInterceptor.principal(),
        request,
        new StreamListener((ServerCallStreamObserver<Event>) observer));
  }

  /** A WatchEvents stream as the service layer sees it. */
  private record StreamListener(ServerCallStreamObserver<Event> call) implements EventListener {
    @Override
    public void onCancel(Runnable stop) {
      call.setOnCancelHandler(stop);
    }

    @Override
    public boolean isReady() {
      return call.isReady();
    }

    @Override
    public void onEvent(Event event) {
      call.onNext(event);
    }

    @Override
    public void onFailure(RuntimeException cause) {
      call.onError(ErrorMapper.toStatusException(cause));
    }

    @Override
    public void onShutdown(String message) {
      // UNAVAILABLE: clients reconnect (to this or another replica) with their last event_id.
      call.onError(Status.UNAVAILABLE.withDescription(message).asRuntimeException());
    }
  }
}
