package com.cvmbilling.renewal.server.persistence;

import java.time.Instant;
import org.apache.ibatis.annotations.Param;

public interface ApiKeyMapper {
  void insert(ApiKeyRow row);

  ApiKeyRow findByHash(@Param("keyHash") String keyHash);

  /** A stored key: only the SHA-256 of the secret, never the secret itself. */
  record ApiKeyRow(
      String keyHash, String keyPrefix, String accountId, boolean admin, Instant createdTime) {}
}
