package com.cvmbilling.renewal.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.cvmbilling.renewal.server.testing.Tier;
import io.grpc.CallCredentials;
import io.grpc.Metadata;
import io.grpc.Status;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

@Tier.Unit
class ApiKeyCredentialsTest {
  @Test
  void sendsBearerHeader() {
    AtomicReference<Metadata> applied = new AtomicReference<>();
    ApiKeyCredentials.of("  rk_secret123 ")
        .applyRequestMetadata(
            null,
            Runnable::run,
            new CallCredentials.MetadataApplier() {
              @Override
              public void apply(Metadata headers) {
                applied.set(headers);
              }

              @Override
              public void fail(Status status) {
                throw new AssertionError(status.toString());
              }
            });
    assertEquals("Bearer rk_secret123", applied.get().get(ApiKeyCredentials.AUTHORIZATION));
  }

  @Test
  void rejectsEmptyKeyAndHidesKeyInToString() {
    assertThrows(IllegalArgumentException.class, () -> ApiKeyCredentials.of(" "));
    assertFalse(ApiKeyCredentials.of("rk_secret123").toString().contains("secret123"));
  }
}
