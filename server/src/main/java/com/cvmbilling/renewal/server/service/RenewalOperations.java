package com.cvmbilling.renewal.server.service;

import static com.cvmbilling.renewal.server.service.ApiMessages.money;

import com.cvmbilling.renewal.server.domain.BillingRecord;
import com.cvmbilling.renewal.server.domain.Instance;
import com.cvmbilling.renewal.server.domain.InstanceState;
import com.cvmbilling.renewal.server.domain.PriceCatalog;
import com.cvmbilling.renewal.server.domain.RenewFlag;
import com.cvmbilling.renewal.server.domain.RenewalForecast;
import com.cvmbilling.renewal.server.domain.RenewalPlan;
import com.cvmbilling.renewal.server.domain.UnifiedExpiryPlan;
import com.cvmbilling.renewal.server.error.ApiException;
import com.cvmbilling.renewal.server.service.InstanceService.InstanceFilter;
import com.cvmbilling.renewal.server.service.InstanceService.Mode;
import com.cvmbilling.renewal.v1.DescribeAccountRequest;
import com.cvmbilling.renewal.v1.DescribeAccountResponse;
import com.cvmbilling.renewal.v1.DescribeBillingRecordsRequest;
import com.cvmbilling.renewal.v1.DescribeBillingRecordsResponse;
import com.cvmbilling.renewal.v1.DescribeInstancesRequest;
import com.cvmbilling.renewal.v1.DescribeInstancesResponse;
import com.cvmbilling.renewal.v1.DescribePricesRequest;
import com.cvmbilling.renewal.v1.DescribePricesResponse;
import com.cvmbilling.renewal.v1.DescribeRenewalForecastRequest;
import com.cvmbilling.renewal.v1.DescribeRenewalForecastResponse;
import com.cvmbilling.renewal.v1.ErrorReason;
import com.cvmbilling.renewal.v1.InquiryPriceRenewInstancesRequest;
import com.cvmbilling.renewal.v1.InquiryPriceRenewInstancesResponse;
import com.cvmbilling.renewal.v1.InquiryPriceUnifiedExpiryRequest;
import com.cvmbilling.renewal.v1.InquiryPriceUnifiedExpiryResponse;
import com.cvmbilling.renewal.v1.InstanceRenewal;
import com.cvmbilling.renewal.v1.InstanceTypePrice;
import com.cvmbilling.renewal.v1.ListEventsRequest;
import com.cvmbilling.renewal.v1.ListEventsResponse;
import com.cvmbilling.renewal.v1.RenewInstancesRequest;
import com.cvmbilling.renewal.v1.RenewInstancesResponse;
import com.cvmbilling.renewal.v1.SetAutoRenewRequest;
import com.cvmbilling.renewal.v1.SetAutoRenewResponse;
import com.cvmbilling.renewal.v1.SetUnifiedExpiryRequest;
import com.cvmbilling.renewal.v1.SetUnifiedExpiryResponse;
import com.cvmbilling.renewal.v1.TerminateInstancesRequest;
import com.cvmbilling.renewal.v1.TerminateInstancesResponse;
import com.cvmbilling.renewal.v1.WatchEventsRequest;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.List;

/**
 * The RenewalService RPCs, one operation each, on API messages: each takes the request and the
 * caller, and returns the response (what the idempotency table stores). Mutating calls run inside
 * the {@link IdempotencyService#execute envelope} (client_token, dry run, replay); request fields
 * are validated once, by the service that acts on them, in the order of docs/DESIGN.md "Validation
 * order". Any transport (gRPC today) only has to carry requests and responses.
 */
@Singleton
public class RenewalOperations {
  static final ApiMethod<RenewInstancesResponse> RENEW_INSTANCES =
      ApiMethod.of(
          RenewInstancesRequest.getDescriptor(), RenewInstancesResponse.getDefaultInstance());
  static final ApiMethod<SetAutoRenewResponse> SET_AUTO_RENEW =
      ApiMethod.of(SetAutoRenewRequest.getDescriptor(), SetAutoRenewResponse.getDefaultInstance());
  static final ApiMethod<SetUnifiedExpiryResponse> SET_UNIFIED_EXPIRY =
      ApiMethod.of(
          SetUnifiedExpiryRequest.getDescriptor(), SetUnifiedExpiryResponse.getDefaultInstance());
  static final ApiMethod<TerminateInstancesResponse> TERMINATE_INSTANCES =
      ApiMethod.of(
          TerminateInstancesRequest.getDescriptor(),
          TerminateInstancesResponse.getDefaultInstance());

  private final InstanceService instances;
  private final AccountService accounts;
  private final PriceService prices;
  private final IdempotencyService idempotency;
  private final EventStreams eventStreams;
  private final RenewalForecastService forecasts;
  private final SupportReads support;

  @Inject
  public RenewalOperations(
      InstanceService instances,
      AccountService accounts,
      PriceService prices,
      IdempotencyService idempotency,
      EventStreams eventStreams,
      RenewalForecastService forecasts,
      SupportReads support) {
    this.instances = instances;
    this.accounts = accounts;
    this.prices = prices;
    this.idempotency = idempotency;
    this.eventStreams = eventStreams;
    this.forecasts = forecasts;
    this.support = support;
  }

  public RenewInstancesResponse renewInstances(Principal caller, RenewInstancesRequest request) {
    String accountId = caller.accountId();
    Integer bandwidth = request.hasBandwidthMbps() ? request.getBandwidthMbps() : null;
    return idempotency.execute(
        accountId,
        RENEW_INSTANCES,
        request,
        mode -> {
          InstanceService.RenewalResult result =
              instances.renew(
                  accountId,
                  request.getInstanceIdsList(),
                  request.getPeriodMonths(),
                  bandwidth,
                  mode);
          return RenewInstancesResponse.newBuilder()
              .setOrderId(result.orderId())
              .addAllRenewals(renewals(result.plan()))
              .setTotalPrice(money(result.plan().totalPrice().discountFen()))
              .setBalance(money(result.balanceFen()))
              .build();
        });
  }

  public InquiryPriceRenewInstancesResponse inquiryPriceRenewInstances(
      Principal caller, InquiryPriceRenewInstancesRequest request) {
    Integer bandwidth = request.hasBandwidthMbps() ? request.getBandwidthMbps() : null;
    RenewalPlan plan =
        instances
            .renew(
                caller.accountId(),
                request.getInstanceIdsList(),
                request.getPeriodMonths(),
                bandwidth,
                Mode.INQUIRY)
            .plan();
    return InquiryPriceRenewInstancesResponse.newBuilder()
        .addAllRenewals(renewals(plan))
        .setTotalPrice(money(plan.totalPrice().discountFen()))
        .build();
  }

  private static List<InstanceRenewal> renewals(RenewalPlan plan) {
    List<InstanceRenewal> out = new ArrayList<>(plan.lines().size());
    for (RenewalPlan.Line line : plan.lines()) {
      out.add(
          InstanceRenewal.newBuilder()
              .setInstanceId(line.before().instanceId())
              .setOldExpiredTime(ApiMessages.timestamp(line.before().expiredTime()))
              .setNewExpiredTime(ApiMessages.timestamp(line.after().expiredTime()))
              .setPrice(ApiMessages.price(line.totalPrice()))
              .setBandwidthUpgradePrice(money(line.bandwidthUpgradeFen()))
              .setBandwidthMbps(line.after().bandwidthMbps())
              .build());
    }
    return out;
  }

  public SetAutoRenewResponse setAutoRenew(Principal caller, SetAutoRenewRequest request) {
    String accountId = caller.accountId();
    return idempotency.execute(
        accountId,
        SET_AUTO_RENEW,
        request,
        mode -> {
          RenewFlag flag = ApiMessages.renewFlagOrNull(request.getRenewFlag());
          List<Instance> changed =
              instances.setAutoRenew(
                  accountId,
                  request.getInstanceIdsList(),
                  flag,
                  request.getAutoRenewPeriodMonths());
          return SetAutoRenewResponse.newBuilder()
              .addAllInstances(ApiMessages.instances(changed))
              .build();
        });
  }

  public SetUnifiedExpiryResponse setUnifiedExpiry(
      Principal caller, SetUnifiedExpiryRequest request) {
    String accountId = caller.accountId();
    return idempotency.execute(
        accountId,
        SET_UNIFIED_EXPIRY,
        request,
        mode -> {
          InstanceService.UnifiedExpiryResult result =
              instances.alignExpiry(
                  accountId, request.getInstanceIdsList(), request.getExpiryDay(), mode);
          return SetUnifiedExpiryResponse.newBuilder()
              .setOrderId(result.orderId())
              .addAllRenewals(alignments(result.plan()))
              .setTotalPrice(money(result.plan().totalFen()))
              .setBalance(money(result.balanceFen()))
              .build();
        });
  }

  public InquiryPriceUnifiedExpiryResponse inquiryPriceUnifiedExpiry(
      Principal caller, InquiryPriceUnifiedExpiryRequest request) {
    UnifiedExpiryPlan plan =
        instances
            .alignExpiry(
                caller.accountId(),
                request.getInstanceIdsList(),
                request.getExpiryDay(),
                Mode.INQUIRY)
            .plan();
    return InquiryPriceUnifiedExpiryResponse.newBuilder()
        .addAllRenewals(alignments(plan))
        .setTotalPrice(money(plan.totalFen()))
        .build();
  }

  private static List<InstanceRenewal> alignments(UnifiedExpiryPlan plan) {
    List<InstanceRenewal> out = new ArrayList<>(plan.lines().size());
    for (UnifiedExpiryPlan.Line line : plan.lines()) {
      out.add(
          InstanceRenewal.newBuilder()
              .setInstanceId(line.before().instanceId())
              .setOldExpiredTime(ApiMessages.timestamp(line.before().expiredTime()))
              .setNewExpiredTime(ApiMessages.timestamp(line.after().expiredTime()))
              .setPrice(ApiMessages.price(line.price()))
              .setBandwidthUpgradePrice(money(0))
              .setBandwidthMbps(line.after().bandwidthMbps())
              .build());
    }
    return out;
  }

  public DescribeInstancesResponse describeInstances(
      Principal caller, DescribeInstancesRequest request) {
    List<InstanceState> states = new ArrayList<>();
    for (int i = 0; i < request.getStatesCount(); i++) {
      InstanceState state = ApiMessages.stateOrNull(request.getStates(i));
      if (state == null) {
        throw ApiException.badField(
            ErrorReason.INVALID_STATE, "states", "states must be RUNNING, ISOLATED or RELEASED");
      }
      states.add(state);
    }
    var chargeType = ApiMessages.chargeTypeOrNull(request.getChargeType());
    if (chargeType == null && request.getChargeTypeValue() != 0) {
      throw ApiException.badField(
          ErrorReason.INVALID_CHARGE_TYPE, "charge_type", "unknown charge_type");
    }
    RenewFlag flag = ApiMessages.renewFlagOrNull(request.getRenewFlag());
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
                ? ApiMessages.instant(request.getExpiringBefore(), "expiring_before")
                : null);
    Page<Instance> page =
        instances.describe(
            support.accountToRead(caller, request.getAccountId(), request.getDescriptorForType()),
            filter,
            request.getPageSize(),
            request.getPageToken());
    return DescribeInstancesResponse.newBuilder()
        .addAllInstances(ApiMessages.instances(page.items()))
        .setNextPageToken(page.nextPageToken())
        .build();
  }

  public TerminateInstancesResponse terminateInstances(
      Principal caller, TerminateInstancesRequest request) {
    String accountId = caller.accountId();
    return idempotency.execute(
        accountId,
        TERMINATE_INSTANCES,
        request,
        mode ->
            TerminateInstancesResponse.newBuilder()
                .addAllInstances(
                    ApiMessages.instances(
                        instances.terminate(accountId, request.getInstanceIdsList())))
                .build());
  }

  public DescribeAccountResponse describeAccount(Principal caller, DescribeAccountRequest request) {
    return DescribeAccountResponse.newBuilder()
        .setAccount(
            ApiMessages.account(
                accounts.describe(
                    support.accountToRead(
                        caller, request.getAccountId(), request.getDescriptorForType()))))
        .build();
  }

  public DescribeBillingRecordsResponse describeBillingRecords(
      Principal caller, DescribeBillingRecordsRequest request) {
    Page<BillingRecord> page =
        accounts.billingRecords(
            support.accountToRead(caller, request.getAccountId(), request.getDescriptorForType()),
            request.getPageSize(),
            request.getPageToken());
    return DescribeBillingRecordsResponse.newBuilder()
        .addAllRecords(page.items().stream().map(ApiMessages::billingRecord).toList())
        .setNextPageToken(page.nextPageToken())
        .build();
  }

  public DescribePricesResponse describePrices(Principal caller, DescribePricesRequest request) {
    PriceCatalog catalog = prices.current();
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
    return response.build();
  }

  public ListEventsResponse listEvents(Principal caller, ListEventsRequest request) {
    return ListEventsResponse.newBuilder()
        .addAllEvents(
            accounts
                .events(
                    support.accountToRead(
                        caller, request.getAccountId(), request.getDescriptorForType()),
                    request.getAfterEventId(),
                    request.getPageSize())
                .stream()
                .map(ApiMessages::event)
                .toList())
        .build();
  }

  public DescribeRenewalForecastResponse describeRenewalForecast(
      Principal caller, DescribeRenewalForecastRequest request) {
    RenewalForecast forecast = forecasts.forecast(caller.accountId(), request.getHorizonDays());
    DescribeRenewalForecastResponse.Builder response =
        DescribeRenewalForecastResponse.newBuilder()
            .setBalance(money(forecast.balanceFen()))
            .addAllAtRiskInstanceIds(forecast.atRiskInstanceIds());
    if (forecast.shortfallTime() != null) {
      response.setShortfallTime(ApiMessages.timestamp(forecast.shortfallTime()));
    }
    for (RenewalForecast.Charge charge : forecast.charges()) {
      response.addCharges(
          DescribeRenewalForecastResponse.Charge.newBuilder()
              .setInstanceId(charge.instanceId())
              .setChargeTime(ApiMessages.timestamp(charge.chargeTime()))
              .setPeriodMonths(charge.periodMonths())
              .setPrice(ApiMessages.price(charge.price()))
              .setBalanceAfter(money(charge.balanceAfterFen()))
              .setCovered(charge.covered())
              .setExpiredTime(ApiMessages.timestamp(charge.expiry())));
    }
    return response.build();
  }

  /** Starts a stream: the backlog after {@code after_event_id}, then new events as they come. */
  public void watchEvents(Principal caller, WatchEventsRequest request, EventListener listener) {
    eventStreams.watch(caller.accountId(), request.getAfterEventId(), listener);
  }
}
