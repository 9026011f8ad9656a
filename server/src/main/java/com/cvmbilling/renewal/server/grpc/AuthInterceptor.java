package com.cvmbilling.renewal.server.grpc;

import com.cvmbilling.renewal.server.error.ApiException;
import com.cvmbilling.renewal.server.service.ApiKeyService;
import com.cvmbilling.renewal.server.service.Principal;
import com.cvmbilling.renewal.server.service.SupportReads;
import com.cvmbilling.renewal.v1.AdminServiceGrpc;
import com.cvmbilling.renewal.v1.ErrorReason;
import com.cvmbilling.renewal.v1.RenewalServiceGrpc;
import com.cvmbilling.renewal.v1.TestClockServiceGrpc;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.Set;

/**
 * Authenticates {@code authorization: Bearer <key>} and checks the key's kind against the method:
 * tenant keys for RenewalService (admin keys too for its support reads, see {@link SupportReads}),
 * admin keys for AdminService and TestClockService, and read-only support keys for the support
 * reads only. Health and reflection (and anything else not ours) need no key.
 */
@Singleton
public final class AuthInterceptor implements ServerInterceptor {
  static final Context.Key<Principal> PRINCIPAL = Context.key("renewal-principal");
  static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

  private static final Set<String> ADMIN_SERVICES =
      Set.of(AdminServiceGrpc.SERVICE_NAME, TestClockServiceGrpc.SERVICE_NAME);

  private final ApiKeyService apiKeys;

  @Inject
  public AuthInterceptor(ApiKeyService apiKeys) {
    this.apiKeys = apiKeys;
  }

  /** The authenticated caller of the current call. */
  static Principal principal() {
    Principal p = PRINCIPAL.get();
    if (p == null) {
      throw new IllegalStateException("no principal: AuthInterceptor is not installed");
    }
    return p;
  }

  @Override
  public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(
      ServerCall<ReqT, RespT> call, Metadata headers, ServerCallHandler<ReqT, RespT> next) {
    String service = call.getMethodDescriptor().getServiceName();
    boolean adminService = ADMIN_SERVICES.contains(service);
    if (!adminService && !RenewalServiceGrpc.SERVICE_NAME.equals(service)) {
      return next.startCall(call, headers);
    }
    Principal principal;
    try {
      principal = authenticate(headers.get(AUTHORIZATION));
      // Before the kind checks: the access log names who was refused, too.
      recordCaller(principal);
      boolean supportRead =
          !adminService
              && SupportReads.isSupportRead(call.getMethodDescriptor().getFullMethodName());
      if (principal.support() && !supportRead) {
        throw ApiException.of(
                ErrorReason.SUPPORT_KEY_READ_ONLY,
                "a support key is read-only: it may call only RenewalService's "
                    + SupportReads.NAMES
                    + ", naming the account in account_id")
            .build();
      }
      if (adminService && !principal.admin()) {
        throw ApiException.of(ErrorReason.ADMIN_REQUIRED, "this call needs an admin API key")
            .build();
      }
      if (!adminService && principal.admin() && !supportRead) {
        throw ApiException.of(
                ErrorReason.TENANT_KEY_REQUIRED,
                "the tenant API acts on an account: call it with that account's tenant API key")
            .build();
      }
    } catch (RuntimeException e) {
      ErrorMapper.closeCall(call, e);
      return new ServerCall.Listener<>() {};
    }
    return Contexts.interceptCall(
        Context.current().withValue(PRINCIPAL, principal), call, headers, next);
  }

  /**
   * For the access log: the tenant's account id, or "admin:" / "support:" and the key's name
   * ("bootstrap" for {@code --admin-key}); never any part of a key.
   */
  private static void recordCaller(Principal principal) {
    CallInfo info = CallInfo.current();
    if (info != null && principal != null) {
      info.caller(
          principal.tenant()
              ? principal.accountId()
              : principal.kindName() + ":" + principal.name());
    }
  }

  private Principal authenticate(String authorization) {
    if (authorization == null || authorization.isBlank()) {
      throw ApiException.of(
              ErrorReason.MISSING_CREDENTIALS,
              "missing credentials: send 'authorization: Bearer <api key>'")
          .build();
    }
    String prefix = "bearer ";
    if (authorization.length() <= prefix.length()
        || !authorization.regionMatches(true, 0, prefix, 0, prefix.length())) {
      throw ApiException.of(
              ErrorReason.INVALID_CREDENTIALS,
              "the authorization header must be 'Bearer <api key>'")
          .build();
    }
    String key = authorization.substring(prefix.length()).strip();
    if (key.isEmpty() || key.length() > 256) {
      throw ApiException.of(ErrorReason.INVALID_CREDENTIALS, "the API key is not valid").build();
    }
    return apiKeys.authenticate(key);
  }
}
