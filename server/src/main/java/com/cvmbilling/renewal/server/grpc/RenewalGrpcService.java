package com.cvmbilling.renewal.server.grpc;

import static com.cvmbilling.renewal.server.grpc.ProtoConverters.money;

import com.cvmbilling.renewal.server.domain.BillingRecord;
import com.cvmbilling.renewal.server.domain.Instance;
import com.cvmbilling.renewal.server.domain.InstanceState;
import com.cvmbilling.renewal.server.domain.PriceCatalog;
import com.cvmbilling.renewal.server.domain.RenewFlag;
import com.cvmbilling.renewal.server.domain.RenewalPlan;
import com.cvmbilling.renewal.server.domain.UnifiedExpiryPlan;
import com.cvmbilling.renewal.server.error.ApiException;
import com.cvmbilling.renewal.server.service.AccountService;
import com.cvmbilling.renewal.server.service.IdempotencyService;
import com.cvmbilling.renewal.server.service.InstanceService;
import com.cvmbilling.renewal.server.service.InstanceService.InstanceFilter;
import com.cvmbilling.renewal.server.service.InstanceService.Mode;
import com.cvmbilling.renewal.server.service.Page;
import com.cvmbilling.renewal.server.service.PriceService;
import com.cvmbilling.renewal.v1.*;
import com.cvmbilling.renewal.v1.ErrorReason;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.List;

/**
 * RenewalService over gRPC: translates requests to service calls and results to responses. Failures
 * are thrown and mapped by {@link ExceptionMappingInterceptor}.
 */
@Singleton
public final class RenewalGrpcService extends RenewalServiceGrpc.RenewalServiceImplBase {
  private final InstanceService instances;
  private final AccountService accounts;
  private final PriceService prices;
  private final IdempotencyService idempotency;
  private final EventStreams eventStreams;

  @Inject
  public RenewalGrpcService(
      InstanceService instances,
      AccountService accounts,
      PriceService prices,
      IdempotencyService idempotency,
      EventStreams eventStreams) {
    this.instances = instances;
    this.accounts = accounts;
    this.prices = prices;
    this.idempotency = idempotency;
    this.eventStreams = eventStreams;
  }

  private static String account() {
    return AuthInterceptor.principal().accountId();
  }

  private static <T> void reply(StreamObserver<T> observer, T response) {
    observer.onNext(response);
    observer.onCompleted();
  }

  @Override
  public void renewInstances(
      RenewInstancesRequest request, StreamObserver<RenewInstancesResponse> observer) {
    String accountId = account();
    Integer bandwidth = request.hasBandwidthMbps() ? request.getBandwidthMbps() : null;
    if (request.getDryRun()) {
      com.cvmbilling.renewal.server.domain.RequestRules.validateClientToken(
          request.getClientToken());
      reply(
          observer,
          renewResponse(
              instances.renew(
                  accountId,
                  request.getInstanceIdsList(),
                  request.getPeriodMonths(),
                  bandwidth,
                  Mode.DRY_RUN)));
      return;
    }
    reply(
        observer,
        idempotency.execute(
            accountId,
            "RenewInstances",
            request.getClientToken(),
            request,
            RenewInstancesResponse.parser(),
            () ->
                renewResponse(
                    instances.renew(
                        accountId,
                        request.getInstanceIdsList(),
                        request.getPeriodMonths(),
                        bandwidth,
                        Mode.EXECUTE))));
  }

  private static RenewInstancesResponse renewResponse(InstanceService.RenewalResult result) {
    return RenewInstancesResponse.newBuilder()
        .setOrderId(result.orderId())
        .addAllRenewals(renewals(result.plan()))
        .setTotalPrice(money(result.plan().totalPrice().discountFen()))
        .setBalance(money(result.balanceFen()))
        .build();
  }

  @Override
  public void inquiryPriceRenewInstances(
      InquiryPriceRenewInstancesRequest request,
      StreamObserver<InquiryPriceRenewInstancesResponse> observer) {
    Integer bandwidth = request.hasBandwidthMbps() ? request.getBandwidthMbps() : null;
    RenewalPlan plan =
        instances
            .renew(
                account(),
                request.getInstanceIdsList(),
                request.getPeriodMonths(),
                bandwidth,
                Mode.INQUIRY)
            .plan();
    reply(
        observer,
        InquiryPriceRenewInstancesResponse.newBuilder()
            .addAllRenewals(renewals(plan))
            .setTotalPrice(money(plan.totalPrice().discountFen()))
            .build());
  }

  private static List<InstanceRenewal> renewals(RenewalPlan plan) {
    List<InstanceRenewal> out = new ArrayList<>(plan.lines().size());
    for (RenewalPlan.Line line : plan.lines()) {
      out.add(
          InstanceRenewal.newBuilder()
              .setInstanceId(line.before().instanceId())
              .setOldExpiredTime(ProtoConverters.timestamp(line.before().expiredTime()))
              .setNewExpiredTime(ProtoConverters.timestamp(line.after().expiredTime()))
              .setPrice(ProtoConverters.price(line.totalPrice()))
              .setBandwidthUpgradePrice(money(line.bandwidthUpgradeFen()))
              .setBandwidthMbps(line.after().bandwidthMbps())
              .build());
    }
    return out;
  }

  @Override
  public void setAutoRenew(
      SetAutoRenewRequest request, StreamObserver<SetAutoRenewResponse> observer) {
    String accountId = account();
    reply(
        observer,
        idempotency.execute(
            accountId,
            "SetAutoRenew",
            request.getClientToken(),
            request,
            SetAutoRenewResponse.parser(),
            () -> {
              RenewFlag flag = ProtoConverters.renewFlagOrNull(request.getRenewFlag());
              List<Instance> changed =
                  instances.setAutoRenew(
                      accountId,
                      request.getInstanceIdsList(),
                      flag,
                      request.getAutoRenewPeriodMonths());
              return SetAutoRenewResponse.newBuilder()
                  .addAllInstances(ProtoConverters.instances(changed))
                  .build();
            }));
  }

  @Override
  public void setUnifiedExpiry(
      SetUnifiedExpiryRequest request, StreamObserver<SetUnifiedExpiryResponse> observer) {
    String accountId = account();
    if (request.getDryRun()) {
      com.cvmbilling.renewal.server.domain.RequestRules.validateClientToken(
          request.getClientToken());
      reply(
          observer,
          unifiedResponse(
              instances.alignExpiry(
                  accountId, request.getInstanceIdsList(), request.getExpiryDay(), Mode.DRY_RUN)));
      return;
    }
    reply(
        observer,
        idempotency.execute(
            accountId,
            "SetUnifiedExpiry",
            request.getClientToken(),
            request,
            SetUnifiedExpiryResponse.parser(),
            () ->
                unifiedResponse(
                    instances.alignExpiry(
                        accountId,
                        request.getInstanceIdsList(),
                        request.getExpiryDay(),
                        Mode.EXECUTE))));
  }

  private static SetUnifiedExpiryResponse unifiedResponse(
      InstanceService.UnifiedExpiryResult result) {
    return SetUnifiedExpiryResponse.newBuilder()
        .setOrderId(result.orderId())
        .addAllRenewals(alignments(result.plan()))
        .setTotalPrice(money(result.plan().totalFen()))
        .setBalance(money(result.balanceFen()))
        .build();
  }

  @Override
  public void inquiryPriceUnifiedExpiry(
      InquiryPriceUnifiedExpiryRequest request,
      StreamObserver<InquiryPriceUnifiedExpiryResponse> observer) {
    UnifiedExpiryPlan plan =
        instances
            .alignExpiry(
                account(), request.getInstanceIdsList(), request.getExpiryDay(), Mode.INQUIRY)
            .plan();
    reply(
        observer,
        InquiryPriceUnifiedExpiryResponse.newBuilder()
            .addAllRenewals(alignments(plan))
            .setTotalPrice(money(plan.totalFen()))
            .build());
  }

  private static List<InstanceRenewal> alignments(UnifiedExpiryPlan plan) {
    List<InstanceRenewal> out = new ArrayList<>(plan.lines().size());
    for (UnifiedExpiryPlan.Line line : plan.lines()) {
      out.add(
          InstanceRenewal.newBuilder()
              .setInstanceId(line.before().instanceId())
              .setOldExpiredTime(ProtoConverters.timestamp(line.before().expiredTime()))
              .setNewExpiredTime(ProtoConverters.timestamp(line.after().expiredTime()))
              .setPrice(ProtoConverters.price(line.price()))
              .setBandwidthUpgradePrice(money(0))
              .setBandwidthMbps(line.after().bandwidthMbps())
              .build());
    }
    return out;
  }

  @Override
  public void describeInstances(
      DescribeInstancesRequest request, StreamObserver<DescribeInstancesResponse> observer) {
    List<InstanceState> states = new ArrayList<>();
    for (int i = 0; i < request.getStatesCount(); i++) {
      InstanceState state = ProtoConverters.stateOrNull(request.getStates(i));
      if (state == null) {
        throw ApiException.badField(
            ErrorReason.INVALID_STATE, "states", "states must be RUNNING, ISOLATED or RELEASED");
      }
      states.add(state);
    }
    var chargeType = ProtoConverters.chargeTypeOrNull(request.getChargeType());
    if (chargeType == null && request.getChargeTypeValue() != 0) {
      throw ApiException.badField(
          ErrorReason.INVALID_CHARGE_TYPE, "charge_type", "unknown charge_type");
    }
    RenewFlag flag = ProtoConverters.renewFlagOrNull(request.getRenewFlag());
    if (flag == null && request.getRenewFlagValue() != 0) {
      throw ApiException.badField(
          ErrorReason.INVALID_RENEW_FLAG, "renew_flag", "unknown renew_flag");
    }
    InstanceFilter filter =
        new InstanceFilter(
            request.getInstanceIdsList(),
            states,
            chargeType,
            flag,
            request.hasExpiringBefore()
                ? ProtoConverters.instant(request.getExpiringBefore(), "expiring_before")
                : null);
    Page<Instance> page =
        instances.describe(account(), filter, request.getPageSize(), request.getPageToken());
    reply(
        observer,
        DescribeInstancesResponse.newBuilder()
            .addAllInstances(ProtoConverters.instances(page.items()))
            .setNextPageToken(page.nextPageToken())
            .build());
  }

  @Override
  public void terminateInstances(
      TerminateInstancesRequest request, StreamObserver<TerminateInstancesResponse> observer) {
    String accountId = account();
    reply(
        observer,
        idempotency.execute(
            accountId,
            "TerminateInstances",
            request.getClientToken(),
            request,
            TerminateInstancesResponse.parser(),
            () ->
                TerminateInstancesResponse.newBuilder()
                    .addAllInstances(
                        ProtoConverters.instances(
                            instances.terminate(accountId, request.getInstanceIdsList())))
                    .build()));
  }

  @Override
  public void describeAccount(
      DescribeAccountRequest request, StreamObserver<DescribeAccountResponse> observer) {
    reply(
        observer,
        DescribeAccountResponse.newBuilder()
            .setAccount(ProtoConverters.account(accounts.describe(account())))
            .build());
  }

  @Override
  public void describeBillingRecords(
      DescribeBillingRecordsRequest request,
      StreamObserver<DescribeBillingRecordsResponse> observer) {
    Page<BillingRecord> page =
        accounts.billingRecords(account(), request.getPageSize(), request.getPageToken());
    reply(
        observer,
        DescribeBillingRecordsResponse.newBuilder()
            .addAllRecords(page.items().stream().map(ProtoConverters::billingRecord).toList())
            .setNextPageToken(page.nextPageToken())
            .build());
  }

  @Override
  public void describePrices(
      DescribePricesRequest request, StreamObserver<DescribePricesResponse> observer) {
    PriceCatalog catalog = prices.catalog();
    DescribePricesResponse.Builder response =
        DescribePricesResponse.newBuilder()
            .setBandwidthMonthlyPricePerMbps(money(catalog.bandwidthMonthlyFenPerMbps()));
    catalog
        .instanceTypeMonthlyFen()
        .forEach(
            (type, fen) ->
                response.addInstanceTypes(
                    InstanceTypePrice.newBuilder()
                        .setInstanceType(type)
                        .setMonthlyPrice(money(fen))));
    reply(observer, response.build());
  }

  @Override
  public void listEvents(ListEventsRequest request, StreamObserver<ListEventsResponse> observer) {
    reply(
        observer,
        ListEventsResponse.newBuilder()
            .addAllEvents(
                accounts
                    .events(account(), request.getAfterEventId(), request.getPageSize())
                    .stream()
                    .map(ProtoConverters::event)
                    .toList())
            .build());
  }

  @Override
  public void watchEvents(WatchEventsRequest request, StreamObserver<Event> observer) {
    eventStreams.watch(
        account(), request.getAfterEventId(), (ServerCallStreamObserver<Event>) observer);
  }
}
