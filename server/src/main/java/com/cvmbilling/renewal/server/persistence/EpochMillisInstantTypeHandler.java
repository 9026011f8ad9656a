package com.cvmbilling.renewal.server.persistence;

import java.sql.CallableStatement;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import org.apache.ibatis.type.BaseTypeHandler;
import org.apache.ibatis.type.JdbcType;

/**
 * Stores instants as BIGINT milliseconds since the epoch. Why not DATETIME(6): Connector/J against
 * MariaDB drops the fractional seconds of bound DATETIME parameters, and a BIGINT is exact,
 * zone-free and identical on H2, MariaDB and MySQL. The service keeps every instant at millisecond
 * precision, so nothing is lost.
 */
public final class EpochMillisInstantTypeHandler extends BaseTypeHandler<Instant> {

  @Override
  public void setNonNullParameter(PreparedStatement ps, int i, Instant value, JdbcType jdbcType)
      throws SQLException {
    ps.setLong(i, value.toEpochMilli());
  }

  @Override
  public Instant getNullableResult(ResultSet rs, String columnName) throws SQLException {
    long millis = rs.getLong(columnName);
    return rs.wasNull() ? null : Instant.ofEpochMilli(millis);
  }

  @Override
  public Instant getNullableResult(ResultSet rs, int columnIndex) throws SQLException {
    long millis = rs.getLong(columnIndex);
    return rs.wasNull() ? null : Instant.ofEpochMilli(millis);
  }

  @Override
  public Instant getNullableResult(CallableStatement cs, int columnIndex) throws SQLException {
    long millis = cs.getLong(columnIndex);
    return cs.wasNull() ? null : Instant.ofEpochMilli(millis);
  }
}
