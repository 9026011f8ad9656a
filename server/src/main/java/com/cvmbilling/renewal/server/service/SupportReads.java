package com.cvmbilling.renewal.server.service;

import com.cvmbilling.renewal.server.domain.RequestRules;
import com.cvmbilling.renewal.server.error.ApiException;
import com.cvmbilling.renewal.v1.DescribeAccountRequest;
import com.cvmbilling.renewal.v1.DescribeBillingRecordsRequest;
import com.cvmbilling.renewal.v1.DescribeInstancesRequest;
import com.cvmbilling.renewal.v1.ErrorReason;
import com.cvmbilling.renewal.v1.ListEventsRequest;
import com.google.protobuf.Descriptors.Descriptor;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Support reads (SPEC 2, issue #12 point 2): the tenant API's reads of an account's instances,
 * balance, billing records and events, which an admin key or a read-only support key may call for
 * any account by naming its {@code account_id}, without the tenant's key. Every such read is logged
 * on the {@code renewal.audit} logger with who read what. A tenant key still reads only its own
 * account.
 */
@Singleton
public class SupportReads {
  /** The audit logger: one line per support read (and, later, per key change). */
  static final Logger AUDIT = LoggerFactory.getLogger("renewal.audit");

  /** gRPC full method names ({@code package.Service/Method}) of the reads, from the descriptors. */
  private static final Set<String> METHODS =
      Stream.of(
              DescribeInstancesRequest.getDescriptor(),
              DescribeAccountRequest.getDescriptor(),
              DescribeBillingRecordsRequest.getDescriptor(),
              ListEventsRequest.getDescriptor())
          .map(ApiMethod::methodOf)
          .map(m -> m.getService().getFullName() + "/" + m.getName())
          .collect(Collectors.toUnmodifiableSet());

  /** The reads' bare names, for messages: "DescribeAccount, DescribeBillingRecords, ...". */
  public static final String NAMES =
      METHODS.stream()
          .map(m -> m.substring(m.indexOf('/') + 1))
          .sorted()
          .collect(Collectors.joining(", "));

  private final AccountService accounts;

  @Inject
  public SupportReads(AccountService accounts) {
    this.accounts = accounts;
  }

  /**
   * Whether an admin or support key may call this tenant-API method (a support read); a support key
   * may call nothing else.
   */
  public static boolean isSupportRead(String fullMethodName) {
    return METHODS.contains(fullMethodName);
  }

  /**
   * The account a read acts on: a tenant's own (an {@code account_id} naming another account is
   * refused with {@code OTHER_ACCOUNT}, whether or not it exists); for an admin key the one it
   * names ({@code TENANT_KEY_REQUIRED} if none), which must exist, and the read is logged; the same
   * for a support key.
   */
  String accountToRead(Principal caller, String requestedAccountId, Descriptor request) {
    if (caller.tenant()) {
      if (requestedAccountId.isEmpty() || requestedAccountId.equals(caller.accountId())) {
        return caller.accountId();
      }
      throw ApiException.of(
              ErrorReason.OTHER_ACCOUNT,
              "a tenant API key reads only its own account: leave account_id empty")
          .build();
    }
    if (requestedAccountId.isEmpty()) {
      // As before support reads existed (clients such as the console rely on it): an admin key
      // with no account to act on.
      throw ApiException.of(
              ErrorReason.TENANT_KEY_REQUIRED,
              "the tenant API acts on an account: call it with that account's tenant API key, or"
                  + " with an admin or support key name the account in account_id (support reads)")
          .build();
    }
    String accountId = RequestRules.validateAccountId(requestedAccountId);
    accounts.describe(accountId); // ACCOUNT_NOT_FOUND for an unknown account
    AUDIT.info(
        "support read: {} of account {} by {} key {} ({})",
        ApiMethod.methodOf(request).getName(),
        accountId,
        caller.kindName(),
        caller.name(),
        caller.keyPrefix());
    return accountId;
  }
}
