package com.cvmbilling.renewal.client;

/**
 * The RPCs the SDK calls, to configure retries per RPC ({@link ClientBuilder#retrySettings(Rpc,
 * RetrySettings)}).
 *
 * <p>RPCs that take a {@code client_token} ({@link #takesClientToken()}) and read-only RPCs are
 * retried by default: the SDK sends the same token on every attempt, so a retry never charges or
 * changes anything twice. {@code CreateAccount} and {@code CreateApiKey} take no token and {@code
 * AdvanceTime} moves a clock by an amount, so a retry after a lost response could act twice: they
 * are not retried unless configured explicitly.
 */
public enum Rpc {
  RENEW_INSTANCES("RenewInstances", true, true),
  INQUIRY_PRICE_RENEW_INSTANCES("InquiryPriceRenewInstances", false, true),
  SET_AUTO_RENEW("SetAutoRenew", true, true),
  SET_UNIFIED_EXPIRY("SetUnifiedExpiry", true, true),
  INQUIRY_PRICE_UNIFIED_EXPIRY("InquiryPriceUnifiedExpiry", false, true),
  DESCRIBE_INSTANCES("DescribeInstances", false, true),
  TERMINATE_INSTANCES("TerminateInstances", true, true),
  DESCRIBE_ACCOUNT("DescribeAccount", false, true),
  DESCRIBE_BILLING_RECORDS("DescribeBillingRecords", false, true),
  DESCRIBE_PRICES("DescribePrices", false, true),
  DESCRIBE_RENEWAL_FORECAST("DescribeRenewalForecast", false, true),
  LIST_EVENTS("ListEvents", false, true),
  /**
   * The event stream; its reconnects follow {@link
   * ClientBuilder#watchReconnectSettings(RetrySettings)}.
   */
  WATCH_EVENTS("WatchEvents", false, true),
  CREATE_ACCOUNT("CreateAccount", false, false),
  CREATE_API_KEY("CreateApiKey", false, false),
  TOP_UP_BALANCE("TopUpBalance", true, true),
  CREATE_INSTANCES("CreateInstances", true, true),
  /** Read-only. */
  LIST_API_KEYS("ListApiKeys", false, true),
  /** Revoking twice answers the same, so a retry is harmless. */
  REVOKE_API_KEY("RevokeApiKey", false, true),
  GET_TIME("GetTime", false, true),
  ADVANCE_TIME("AdvanceTime", false, false),
  DESCRIBE_PRICE_CATALOG("DescribePriceCatalog", false, true),
  SET_PRICE_CATALOG("SetPriceCatalog", true, true);

  private final String methodName;
  private final boolean takesClientToken;
  private final boolean safeToRetry;

  Rpc(String methodName, boolean takesClientToken, boolean safeToRetry) {
    this.methodName = methodName;
    this.takesClientToken = takesClientToken;
    this.safeToRetry = safeToRetry;
  }

  /** The RPC's name in the proto service, e.g. {@code RenewInstances}. */
  public String methodName() {
    return methodName;
  }

  /** Whether the request carries a {@code client_token} that the SDK fills in when empty. */
  public boolean takesClientToken() {
    return takesClientToken;
  }

  /** Whether repeating the call after a lost response is harmless, so it is retried by default. */
  public boolean safeToRetry() {
    return safeToRetry;
  }
}
