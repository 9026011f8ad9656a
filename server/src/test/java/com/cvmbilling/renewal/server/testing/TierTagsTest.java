package com.cvmbilling.renewal.server.testing;

import org.junit.jupiter.api.Test;

/** Every test class of the server carries the tags of its tier (see {@link Tier}). */
@Tier.Unit
class TierTagsTest {
  @Test
  void everyTestClassHasItsTierTags() {
    TierTags.assertEveryTestClassTagged(TierTagsTest.class);
  }
}
