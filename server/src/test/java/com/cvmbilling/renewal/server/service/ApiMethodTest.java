package com.cvmbilling.renewal.server.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.cvmbilling.renewal.server.testing.Tier;
import com.cvmbilling.renewal.v1.Account;
import com.cvmbilling.renewal.v1.RenewInstancesRequest;
import com.cvmbilling.renewal.v1.RenewInstancesResponse;
import com.cvmbilling.renewal.v1.SetAutoRenewResponse;
import org.junit.jupiter.api.Test;

/**
 * The idempotency table stores each mutating RPC under its method name; a release that stored
 * another string would stop replaying the responses stored by the one before.
 */
@Tier.Unit
class ApiMethodTest {

  @Test
  void storedScopesAreTheMethodNamesStoredByEarlierReleases() {
    assertThat(RenewalOperations.RENEW_INSTANCES.name()).isEqualTo("RenewInstances");
    assertThat(RenewalOperations.SET_AUTO_RENEW.name()).isEqualTo("SetAutoRenew");
    assertThat(RenewalOperations.SET_UNIFIED_EXPIRY.name()).isEqualTo("SetUnifiedExpiry");
    assertThat(RenewalOperations.TERMINATE_INSTANCES.name()).isEqualTo("TerminateInstances");
    assertThat(AdminOperations.TOP_UP_BALANCE.name()).isEqualTo("TopUpBalance");
    assertThat(AdminOperations.CREATE_INSTANCES.name()).isEqualTo("CreateInstances");
  }

  @Test
  void theMethodIsTheGeneratedDescriptorOfItsService() {
    assertThat(RenewalOperations.RENEW_INSTANCES.descriptor().getFullName())
        .isEqualTo("cvm.renewal.v1.RenewalService.RenewInstances");
    assertThat(AdminOperations.CREATE_INSTANCES.descriptor().getFullName())
        .isEqualTo("cvm.renewal.v1.AdminService.CreateInstances");
  }

  @Test
  void storedResponsesParseBackAsTheResponseType() throws Exception {
    RenewInstancesResponse response = RenewInstancesResponse.newBuilder().setOrderId("o-1").build();
    assertThat(RenewalOperations.RENEW_INSTANCES.parser().parseFrom(response.toByteArray()))
        .isEqualTo(response);
  }

  @Test
  void aMismatchedResponseOrANonRequestTypeIsRefused() {
    assertThatThrownBy(
            () ->
                ApiMethod.of(
                    RenewInstancesRequest.getDescriptor(),
                    SetAutoRenewResponse.getDefaultInstance()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () -> ApiMethod.of(Account.getDescriptor(), SetAutoRenewResponse.getDefaultInstance()))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
