package com.cvmbilling.renewal.server.grpc;

import com.cvmbilling.renewal.server.testing.Tier;

/**
 * {@link AutoRenewAndTerminateTest} on H2. The tests live in the abstract class so that the MariaDB
 * run, {@link AutoRenewAndTerminateMariaDbTest}, does not inherit this class's tier tag.
 */
@Tier.H2
class AutoRenewAndTerminateH2Test extends AutoRenewAndTerminateTest {}
