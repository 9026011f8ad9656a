package com.cvmbilling.renewal.server.persistence;

import org.apache.ibatis.annotations.Param;

/** The {@code api_key} table's SQL; only {@link ApiKeyStore} uses it. */
public interface ApiKeyMapper {
  void insert(ApiKeyRow row);

  ApiKeyRow findByHash(@Param("keyHash") String keyHash);
}
