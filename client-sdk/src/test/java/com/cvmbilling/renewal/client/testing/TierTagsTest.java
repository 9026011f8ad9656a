package com.cvmbilling.renewal.client.testing;

import com.cvmbilling.renewal.server.testing.Tier;
import com.cvmbilling.renewal.server.testing.TierTags;
import org.junit.jupiter.api.Test;

/** Every test class of the SDK carries the tags of its tier (see {@link Tier}). */
@Tier.Unit
class TierTagsTest {
  @Test
  void everyTestClassHasItsTierTags() {
    TierTags.assertEveryTestClassTagged(TierTagsTest.class);
  }
}
