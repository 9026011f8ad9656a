package com.cvmbilling.renewal.server.service;

import com.cvmbilling.renewal.server.domain.ApiKeyRules;
import com.cvmbilling.renewal.server.domain.ChargeType;
import com.cvmbilling.renewal.server.domain.Instance;
import com.cvmbilling.renewal.server.domain.KeyKind;
import com.cvmbilling.renewal.server.domain.PriceCatalog;
import com.cvmbilling.renewal.server.domain.PriceSchedule;
import com.cvmbilling.renewal.server.domain.RenewFlag;
import com.cvmbilling.renewal.server.domain.RequestRules;
import com.cvmbilling.renewal.server.error.ApiException;
import com.cvmbilling.renewal.server.persistence.ApiKeyRow;
import com.cvmbilling.renewal.v1.ApiKey;
import com.cvmbilling.renewal.v1.CreateAccountRequest;
import com.cvmbilling.renewal.v1.CreateAccountResponse;
import com.cvmbilling.renewal.v1.CreateApiKeyRequest;
import com.cvmbilling.renewal.v1.CreateApiKeyResponse;
import com.cvmbilling.renewal.v1.CreateInstancesRequest;
import com.cvmbilling.renewal.v1.CreateInstancesResponse;
import com.cvmbilling.renewal.v1.DescribePriceCatalogRequest;
import com.cvmbilling.renewal.v1.DescribePriceCatalogResponse;
import com.cvmbilling.renewal.v1.ErrorReason;
import com.cvmbilling.renewal.v1.InstanceTypePrice;
import com.cvmbilling.renewal.v1.ListApiKeysRequest;
import com.cvmbilling.renewal.v1.ListApiKeysResponse;
import com.cvmbilling.renewal.v1.PeriodDiscount;
import com.cvmbilling.renewal.v1.PriceCatalogVersion;
import com.cvmbilling.renewal.v1.RevokeApiKeyRequest;
import com.cvmbilling.renewal.v1.RevokeApiKeyResponse;
import com.cvmbilling.renewal.v1.SetPriceCatalogRequest;
import com.cvmbilling.renewal.v1.SetPriceCatalogResponse;
import com.cvmbilling.renewal.v1.TopUpBalanceRequest;
import com.cvmbilling.renewal.v1.TopUpBalanceResponse;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

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

  static final ApiMethod<SetPriceCatalogResponse> SET_PRICE_CATALOG =
      ApiMethod.of(
          SetPriceCatalogRequest.getDescriptor(), SetPriceCatalogResponse.getDefaultInstance());

  /**
   * The idempotency scope of SetPriceCatalog: the catalog belongs to no account (account ids are
   * never empty).
   */
  static final String CATALOG_SCOPE = "";

  private final AccountService accounts;
  private final ProvisioningService provisioning;
  private final IdempotencyService idempotency;
  private final PriceService prices;
  private final Clock clock;
  private final ApiKeyService apiKeys;

  @Inject
  public AdminOperations(
      AccountService accounts,
      ProvisioningService provisioning,
      IdempotencyService idempotency,
      PriceService prices,
      Clock clock,
      ApiKeyService apiKeys) {
    this.accounts = accounts;
    this.provisioning = provisioning;
    this.idempotency = idempotency;
    this.prices = prices;
    this.clock = clock;
    this.apiKeys = apiKeys;
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

  /**
   * A tenant key (account_id) or, with admin or support set, a named admin or support key (no
   * account_id). Validation order: the kind, account_id (or its absence), name, description,
   * expire_time.
   */
  public CreateApiKeyResponse createApiKey(Principal caller, CreateApiKeyRequest request) {
    KeyKind kind = keyKind(request.getAdmin(), request.getSupport());
    String accountId;
    String name;
    if (kind != KeyKind.TENANT) {
      requireNoAccount(kind, request.getAccountId());
      accountId = null;
      name = ApiKeyRules.validateName(request.getName());
    } else {
      accountId = RequestRules.validateAccountId(request.getAccountId());
      if (!request.getName().isEmpty()) {
        throw ApiException.badField(
            ErrorReason.INVALID_KEY_NAME,
            "name",
            "only admin and support keys have a name (use description for a tenant key)");
      }
      name = null;
    }
    String description = ApiKeyRules.validateDescription(request.getDescription());
    java.time.Instant expireTime =
        request.hasExpireTime()
            ? ApiMessages.instant(request.getExpireTime(), "expire_time")
            : null;
    ApiKeyService.IssuedKey issued =
        apiKeys.issue(
            new ApiKeyService.NewKey(kind, accountId, name, description, expireTime), caller);
    return CreateApiKeyResponse.newBuilder()
        .setApiKey(issued.secret())
        .setKeyInfo(apiKey(issued.row()))
        .build();
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

  // ---- Price changes (issue #12 point 3) ----

  /** The version in force at effective_time (default now), and with include_history all. */
  public DescribePriceCatalogResponse describePriceCatalog(
      Principal caller, DescribePriceCatalogRequest request) {
    Instant at =
        request.hasEffectiveTime()
            ? ApiMessages.instant(request.getEffectiveTime(), "effective_time")
            : clock.instant();
    PriceSchedule schedule = prices.schedule();
    if (at.isBefore(schedule.earliestEffectiveTime())) {
      throw ApiException.badField(
          ErrorReason.INVALID_TIMESTAMP,
          "effective_time",
          "no price catalog is in force before " + schedule.earliestEffectiveTime());
    }
    DescribePriceCatalogResponse.Builder response =
        DescribePriceCatalogResponse.newBuilder().setCatalog(priceCatalog(schedule.at(at)));
    if (request.getIncludeHistory()) {
      schedule.versions().forEach(v -> response.addVersions(priceCatalog(v)));
    }
    return response.build();
  }

  /**
   * Tenant keys of account_id, or (admin or support set, account_id empty) the stored admin or
   * support keys.
   */
  public ListApiKeysResponse listApiKeys(Principal caller, ListApiKeysRequest request) {
    KeyKind kind = keyKind(request.getAdmin(), request.getSupport());
    String accountId;
    if (kind != KeyKind.TENANT) {
      requireNoAccount(kind, request.getAccountId());
      accountId = null;
    } else {
      accountId = RequestRules.validateAccountId(request.getAccountId());
    }
    Page<ApiKeyRow> page =
        apiKeys.list(kind, accountId, request.getPageSize(), request.getPageToken());
    ListApiKeysResponse.Builder response =
        ListApiKeysResponse.newBuilder().setNextPageToken(page.nextPageToken());
    for (ApiKeyRow row : page.items()) {
      response.addApiKeys(apiKey(row));
    }
    return response.build();
  }

  /**
   * Validates the request's form (effective_time present and valid, amounts CNY whole fen), then,
   * in the idempotency envelope, the lead time and the contents against the latest version.
   */
  public SetPriceCatalogResponse setPriceCatalog(Principal caller, SetPriceCatalogRequest request) {
    if (!request.hasEffectiveTime()) {
      throw ApiException.badField(
          ErrorReason.INVALID_TIMESTAMP, "effective_time", "effective_time is required");
    }
    Instant effective = ApiMessages.instant(request.getEffectiveTime(), "effective_time");
    List<Map.Entry<String, Long>> types = new ArrayList<>();
    for (int i = 0; i < request.getInstanceTypesCount(); i++) {
      InstanceTypePrice t = request.getInstanceTypes(i);
      String field = "instance_types[" + i + "].monthly_price";
      if (!t.hasMonthlyPrice()) {
        throw ApiException.badField(ErrorReason.INVALID_AMOUNT, field, "monthly_price is required");
      }
      types.add(Map.entry(t.getInstanceType(), ApiMessages.fen(t.getMonthlyPrice(), field)));
    }
    if (!request.hasBandwidthMonthlyPricePerMbps()) {
      throw ApiException.badField(
          ErrorReason.INVALID_AMOUNT,
          "bandwidth_monthly_price_per_mbps",
          "bandwidth_monthly_price_per_mbps is required");
    }
    long bandwidth =
        ApiMessages.fen(
            request.getBandwidthMonthlyPricePerMbps(), "bandwidth_monthly_price_per_mbps");
    List<Map.Entry<Integer, Integer>> discounts = new ArrayList<>();
    for (PeriodDiscount d : request.getPeriodDiscountsList()) {
      discounts.add(Map.entry(d.getPeriodMonths(), d.getDiscountPercent()));
    }
    SetPriceCatalogResponse response =
        idempotency.execute(
            CATALOG_SCOPE,
            SET_PRICE_CATALOG,
            request,
            mode ->
                SetPriceCatalogResponse.newBuilder()
                    .setCatalog(
                        priceCatalog(
                            prices.append(
                                types, bandwidth, discounts, effective, caller.keyPrefix())))
                    .build());
    prices.invalidate();
    return response;
  }

  private PriceCatalogVersion priceCatalog(PriceCatalog c) {
    PriceService.PriceVersionInfo info = prices.info(c.version());
    PriceCatalogVersion.Builder b =
        PriceCatalogVersion.newBuilder()
            .setVersion(c.version())
            .setEffectiveTime(ApiMessages.timestamp(c.effectiveTime()))
            .setBandwidthMonthlyPricePerMbps(ApiMessages.money(c.bandwidthMonthlyFenPerMbps()))
            .setCreateTime(ApiMessages.timestamp(info.createdTime()))
            .setCreatedBy(info.createdBy());
    c.instanceTypeMonthlyFen()
        .forEach(
            (type, fen) ->
                b.addInstanceTypes(
                    InstanceTypePrice.newBuilder()
                        .setInstanceType(type)
                        .setMonthlyPrice(ApiMessages.money(fen))));
    c.discountPercentByMonths()
        .forEach(
            (months, percent) ->
                b.addPeriodDiscounts(
                    PeriodDiscount.newBuilder()
                        .setPeriodMonths(months)
                        .setDiscountPercent(percent)));
    return b.build();
  }

  public RevokeApiKeyResponse revokeApiKey(Principal caller, RevokeApiKeyRequest request) {
    String keyId = ApiKeyRules.validateKeyId(request.getKeyId());
    return RevokeApiKeyResponse.newBuilder()
        .setApiKey(apiKey(apiKeys.revoke(keyId, caller)))
        .build();
  }

  /** The kind a request's admin and support flags name; both set is INVALID_KEY_KIND. */
  private static KeyKind keyKind(boolean admin, boolean support) {
    if (admin && support) {
      throw ApiException.badField(
          ErrorReason.INVALID_KEY_KIND,
          "support",
          "a key is either an admin key or a support key: set admin or support, not both");
    }
    return KeyKind.of(admin, support);
  }

  /** Admin and support keys have no account: a non-empty account_id is INVALID_ACCOUNT_ID. */
  private static void requireNoAccount(KeyKind kind, String accountId) {
    if (!accountId.isEmpty()) {
      throw ApiException.badField(
          ErrorReason.INVALID_ACCOUNT_ID,
          "account_id",
          kind.logName()
              + " keys have no account: leave account_id empty when "
              + kind.logName()
              + " is set");
    }
  }

  /** A key as the API shows it: never the secret or its hash. */
  private static ApiKey apiKey(ApiKeyRow row) {
    ApiKey.Builder key =
        ApiKey.newBuilder()
            .setKeyId(row.keyId())
            .setPrefix(row.keyPrefix())
            .setAdmin(row.admin())
            .setSupport(row.support())
            .setCreatedTime(ApiMessages.timestamp(row.createdTime()));
    if (row.accountId() != null) {
      key.setAccountId(row.accountId());
    }
    if (row.name() != null) {
      key.setName(row.name());
    }
    if (row.description() != null) {
      key.setDescription(row.description());
    }
    if (row.lastUsedTime() != null) {
      key.setLastUsedTime(ApiMessages.timestamp(row.lastUsedTime()));
    }
    if (row.expireTime() != null) {
      key.setExpireTime(ApiMessages.timestamp(row.expireTime()));
    }
    if (row.revokedTime() != null) {
      key.setRevokedTime(ApiMessages.timestamp(row.revokedTime()));
    }
    return key.build();
  }
}
