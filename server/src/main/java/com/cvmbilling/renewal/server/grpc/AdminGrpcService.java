package com.cvmbilling.renewal.server.grpc;

import com.cvmbilling.renewal.server.domain.ChargeType;
import com.cvmbilling.renewal.server.domain.Instance;
import com.cvmbilling.renewal.server.domain.RenewFlag;
import com.cvmbilling.renewal.server.error.ApiException;
import com.cvmbilling.renewal.server.service.AccountService;
import com.cvmbilling.renewal.server.service.IdempotencyService;
import com.cvmbilling.renewal.server.service.ProvisioningService;
import com.cvmbilling.renewal.v1.*;
import com.cvmbilling.renewal.v1.ErrorReason;
import io.grpc.stub.StreamObserver;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.List;

/** AdminService over gRPC. Idempotency keys of admin calls are scoped to the target account. */
@Singleton
public final class AdminGrpcService extends AdminServiceGrpc.AdminServiceImplBase {
  private final AccountService accounts;
  private final ProvisioningService provisioning;
  private final IdempotencyService idempotency;

  @Inject
  public AdminGrpcService(
      AccountService accounts, ProvisioningService provisioning, IdempotencyService idempotency) {
    this.accounts = accounts;
    this.provisioning = provisioning;
    this.idempotency = idempotency;
  }

  @Override
  public void createAccount(
      CreateAccountRequest request, StreamObserver<CreateAccountResponse> observer) {
    long initial =
        request.hasInitialBalance()
            ? ProtoConverters.fen(request.getInitialBalance(), "initial_balance")
            : 0;
    AccountService.CreatedAccount created =
        accounts.create(request.getDisplayName(), request.getBillingTimeZone(), initial);
    observer.onNext(
        CreateAccountResponse.newBuilder()
            .setAccount(ProtoConverters.account(created.account()))
            .setApiKey(created.apiKey())
            .build());
    observer.onCompleted();
  }

  @Override
  public void createApiKey(
      CreateApiKeyRequest request, StreamObserver<CreateApiKeyResponse> observer) {
    String accountId = requireAccountId(request.getAccountId());
    observer.onNext(
        CreateApiKeyResponse.newBuilder().setApiKey(accounts.createApiKey(accountId)).build());
    observer.onCompleted();
  }

  @Override
  public void topUpBalance(
      TopUpBalanceRequest request, StreamObserver<TopUpBalanceResponse> observer) {
    String accountId = requireAccountId(request.getAccountId());
    if (!request.hasAmount()) {
      throw ApiException.badField(ErrorReason.INVALID_AMOUNT, "amount", "amount is required");
    }
    long fen = ProtoConverters.fen(request.getAmount(), "amount");
    observer.onNext(
        idempotency.execute(
            accountId,
            "TopUpBalance",
            request.getClientToken(),
            request,
            TopUpBalanceResponse.parser(),
            () ->
                TopUpBalanceResponse.newBuilder()
                    .setAccount(ProtoConverters.account(accounts.topUp(accountId, fen)))
                    .build()));
    observer.onCompleted();
  }

  @Override
  public void createInstances(
      CreateInstancesRequest request, StreamObserver<CreateInstancesResponse> observer) {
    String accountId = requireAccountId(request.getAccountId());
    ChargeType chargeType = ProtoConverters.chargeTypeOrNull(request.getChargeType());
    RenewFlag flag = ProtoConverters.renewFlagOrNull(request.getRenewFlag());
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
                ? ProtoConverters.instant(request.getExpiredTime(), "expired_time")
                : null,
            null);
    observer.onNext(
        idempotency.execute(
            accountId,
            "CreateInstances",
            request.getClientToken(),
            request,
            CreateInstancesResponse.parser(),
            () -> {
              List<Instance> created = provisioning.create(spec);
              return CreateInstancesResponse.newBuilder()
                  .addAllInstances(ProtoConverters.instances(created))
                  .build();
            }));
    observer.onCompleted();
  }

  /**
   * Account ids are "acc-" + 8 lowercase letters or digits (exact match, whatever the collation).
   */
  private static String requireAccountId(String accountId) {
    if (!ACCOUNT_ID.matcher(accountId).matches()) {
      throw ApiException.badField(
          ErrorReason.INVALID_ACCOUNT_ID,
          "account_id",
          "account_id must be \"acc-\" followed by 8 lowercase letters or digits");
    }
    return accountId;
  }

  private static final java.util.regex.Pattern ACCOUNT_ID =
      java.util.regex.Pattern.compile("acc-[a-z0-9]{8}");
}
