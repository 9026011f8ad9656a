package com.cvmbilling.renewal.server.grpc;

import com.cvmbilling.renewal.server.testing.Tier;

/**
 * {@link DescribeTest} on H2. The tests live in the abstract class so that the MariaDB run, {@link
 * DescribeMariaDbTest}, does not inherit this class's tier tag.
 */
@Tier.H2
class DescribeH2Test extends DescribeTest {}
