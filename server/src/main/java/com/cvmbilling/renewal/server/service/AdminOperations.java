package com.cvmbilling.renewal.server.service;

import com.cvmbilling.renewal.server.domain.ChargeType;
import com.cvmbilling.renewal.server.domain.Instance;
import com.cvmbilling.renewal.server.domain.RenewFlag;
import com.cvmbilling.renewal.server.domain.RequestRules;
import com.cvmbilling.renewal.server.error.ApiException;
import com.cvmbilling.renewal.server.error.ErrorReason;
import com.cvmbilling.renewal.v1.CreateAccountRequest;
import com.cvmbilling.renewal.v1.CreateAccountResponse;
import com.cvmbilling.renewal.v1.CreateApiKeyRequest;
import com.cvmbilling.renewal.v1.CreateApiKeyResponse;
import com.cvmbilling.renewal.v1.CreateInstancesRequest;
import com.cvmbilling.renewal.v1.CreateInstancesResponse;
import com.cvmbilling.renewal.v1.TopUpBalanceRequest;
import com.cvmbilling.renewal.v1.TopUpBalanceResponse;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.List;

/**
 * The AdminService RPCs, one operation each, on API messages (see {@link RenewalOperations}). The
 * caller is an operator; idempotency keys of admin calls are scoped to the target account.
 */
@Singleton
public class AdminOperations {
  static final ApiMethod<TopUpBalanceResponse> TOP_UP_BALANCE =
      ApiMethod.of(TopUpBalanceRequest.getDescriptor(), TopUpBalanceResponse.getDefaultInstance());
  static final ApiMethod<CreateInstancesResponse> CREATE_INSTANCES =
      ApiMethod.of(
          CreateInstancesRequest.getDescriptor(), CreateInstancesResponse.getDefaultInstance());

  private final AccountService accounts;
  private final ProvisioningService provisioning;
  private final IdempotencyService idempotency;

  @Inject
  public AdminOperations(
      AccountService accounts, ProvisioningService provisioning, IdempotencyService idempotency) {
    this.accounts = accounts;
    this.provisioning = provisioning;
    this.idempotency = idempotency;
  }

  /** Takes no client_token (the spec gives it none). */
  public CreateAccountResponse createAccount(Principal caller, CreateAccountRequest request) {
    long initial =
        request.hasInitialBalance()
            ? ApiMessages.fen(request.getInitialBalance(), "initial_balance")
            : 0;
    AccountService.CreatedAccount created =
        accounts.create(request.getDisplayName(), request.getBillingTimeZone(), initial);
    return CreateAccountResponse.newBuilder()
        .setAccount(ApiMessages.account(created.account()))
        .setApiKey(created.apiKey())
        .build();
  }

  public CreateApiKeyResponse createApiKey(Principal caller, CreateApiKeyRequest request) {
    String accountId = RequestRules.validateAccountId(request.getAccountId());
    return CreateApiKeyResponse.newBuilder().setApiKey(accounts.createApiKey(accountId)).build();
  }

  public TopUpBalanceResponse topUpBalance(Principal caller, TopUpBalanceRequest request) {
    String accountId = RequestRules.validateAccountId(request.getAccountId());
    if (!request.hasAmount()) {
      throw ApiException.badField(ErrorReason.INVALID_AMOUNT, "amount", "amount is required");
    }
    long fen = ApiMessages.fen(request.getAmount(), "amount");
    return idempotency.execute(
        accountId,
        TOP_UP_BALANCE,
        request,
        mode ->
            TopUpBalanceResponse.newBuilder()
                .setAccount(ApiMessages.account(accounts.topUp(accountId, fen)))
                .build());
  }

  public CreateInstancesResponse createInstances(Principal caller, CreateInstancesRequest request) {
    String accountId = RequestRules.validateAccountId(request.getAccountId());
    ChargeType chargeType = ApiMessages.chargeTypeOrNull(request.getChargeType());
    RenewFlag flag = ApiMessages.renewFlagOrNull(request.getRenewFlag());
    if (flag == null && request.getRenewFlagValue() != 0) {
      throw ApiException.badField(
          ErrorReason.INVALID_RENEW_FLAG, "renew_flag", "unknown renew_flag");
    }
    ProvisioningService.NewInstances spec =
        new ProvisioningService.NewInstances(
            accountId,
            request.getInstanceType(),
            chargeType,
            request.getBandwidthMbps(),
            flag,
            request.getAutoRenewPeriodMonths() == 0 ? 1 : request.getAutoRenewPeriodMonths(),
            request.getCount() == 0 ? 1 : request.getCount(),
            request.getTermCase() == CreateInstancesRequest.TermCase.PERIOD_MONTHS
                ? request.getPeriodMonths()
                : null,
            request.getTermCase() == CreateInstancesRequest.TermCase.EXPIRED_TIME
                ? ApiMessages.instant(request.getExpiredTime(), "expired_time")
                : null,
            null);
    return idempotency.execute(
        accountId,
        CREATE_INSTANCES,
        request,
        mode -> {
          List<Instance> created = provisioning.create(spec);
          return CreateInstancesResponse.newBuilder()
              .addAllInstances(ApiMessages.instances(created))
              .build();
        });
  }
}
