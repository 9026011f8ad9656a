package com.cvmbilling.renewal.server.lifecycle;

import com.cvmbilling.renewal.server.persistence.DatabaseSettings;
import com.cvmbilling.renewal.server.testing.GaleraCluster;
import com.cvmbilling.renewal.server.testing.Tier;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link ReplicaProcessesLifecycleTest} on a Galera cluster, one process per node: there {@code
 * SELECT ... FOR UPDATE SKIP LOCKED} skips only rows locked on the same node, so all three nodes
 * may claim the same due instances. What keeps each step once is certification: every step writes
 * its instance row and its accounts' lock version, so the nodes that lose re-run their batch and no
 * longer find those instances due (issue #9 point 3).
 */
@Tier.Galera
@Tier.Process
@Tier.Network
class GaleraLifecycleTest {

  @Test
  @Timeout(value = 8, unit = TimeUnit.MINUTES)
  void threeProcessesOnThreeNodesProcessEveryDueStepExactlyOnce() throws Exception {
    GaleraCluster cluster = GaleraCluster.shared();
    String database = cluster.createDatabase("renewal_galera_lc");
    try {
      ReplicaProcessesLifecycleTest.threeProcessesProcessEveryDueStepOnce(
          new DatabaseSettings(cluster.nodeUrl(1, database), "root", "", Path.of("target"), 40),
          List.of(
              cluster.nodeUrl(1, database),
              cluster.nodeUrl(2, database),
              cluster.nodeUrl(3, database)),
          Map.of("RENEWAL_DB_USER", "root"));
    } finally {
      cluster.dropDatabase(database);
    }
  }
}
