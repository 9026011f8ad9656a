package com.cvmbilling.renewal.console;

import com.cvmbilling.renewal.server.testing.Tier;
import com.cvmbilling.renewal.server.testing.TierTags;
import org.junit.jupiter.api.Test;

/** Every test class of this module carries the tags of its tier (see {@link Tier}). */
@Tier.Unit
class TierTagsTest {
  @Test
  void everyTestClassHasItsTierTags() {
    TierTags.assertEveryTestClassTagged(TierTagsTest.class);
  }
}
