package com.cvmbilling.renewal.server.grpc;

import com.cvmbilling.renewal.server.testing.Tier;

/** {@link ApiKeyLifecycleTest} on H2. */
@Tier.H2
class ApiKeyLifecycleH2Test extends ApiKeyLifecycleTest {}
