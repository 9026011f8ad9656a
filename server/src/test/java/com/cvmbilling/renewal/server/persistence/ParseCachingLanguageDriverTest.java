package com.cvmbilling.renewal.server.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import com.cvmbilling.renewal.server.testing.Tier;
import java.util.List;
import java.util.Map;
import org.apache.ibatis.mapping.BoundSql;
import org.apache.ibatis.mapping.ParameterMapping;
import org.apache.ibatis.mapping.SqlSource;
import org.apache.ibatis.parsing.XNode;
import org.apache.ibatis.parsing.XPathParser;
import org.apache.ibatis.reflection.MetaObject;
import org.apache.ibatis.scripting.xmltags.XMLLanguageDriver;
import org.apache.ibatis.session.Configuration;
import org.junit.jupiter.api.Test;

/**
 * The parse-caching language builds the same SQL and binds the same values as MyBatis' own, call
 * after call, while parsing each distinct text once.
 */
@Tier.Unit
class ParseCachingLanguageDriverTest {
  public record Row(String id, long value) {}

  private static final String STATEMENT =
      "<update>UPDATE t SET v = CASE id"
          + " <foreach collection=\"rows\" item=\"r\" separator=\" \">"
          + "WHEN #{r.id} THEN #{r.value}</foreach> END"
          + " WHERE id IN <foreach collection=\"rows\" item=\"r\" open=\"(\" separator=\",\""
          + " close=\")\">#{r.id}</foreach></update>";

  private final Configuration configuration = new Configuration();

  private SqlSource source(org.apache.ibatis.scripting.LanguageDriver driver) {
    XNode node = new XPathParser(STATEMENT).evalNode("/update");
    return driver.createSqlSource(configuration, node, Object.class);
  }

  /** The SQL and each parameter's value, as a statement handler would bind them. */
  private List<Object> bound(SqlSource source, List<Row> rows) {
    BoundSql bound = source.getBoundSql(Map.of("rows", rows));
    List<Object> out = new java.util.ArrayList<>();
    out.add(bound.getSql());
    for (ParameterMapping m : bound.getParameterMappings()) {
      String property = m.getProperty();
      MetaObject meta = configuration.newMetaObject(bound.getAdditionalParameters());
      out.add(bound.hasAdditionalParameter(property) ? meta.getValue(property) : null);
      out.add(m.getJavaType());
    }
    return out;
  }

  @Test
  void sameSqlAndValuesAsMyBatisOwnLanguageOverManyCalls() {
    SqlSource caching = source(new ParseCachingLanguageDriver());
    SqlSource plain = source(new XMLLanguageDriver());
    assertThat(caching).isInstanceOf(ParseCachingLanguageDriver.ParseCachingSqlSource.class);

    List<List<Row>> calls =
        List.of(
            List.of(new Row("a", 1), new Row("b", 2)),
            List.of(new Row("c", 3), new Row("d", 4)), // same text, other values
            List.of(new Row("e", 5)),
            List.of(new Row("f", 6), new Row("g", 7), new Row("h", 8)),
            List.of(new Row("a", 9), new Row("b", 10)));
    for (List<Row> rows : calls) {
      List<Object> expected = bound(plain, rows);
      List<Object> actual = bound(caching, rows);
      assertThat(actual).isEqualTo(expected);
      // This call's values, not a cached call's.
      assertThat(actual).containsAll(rows.stream().map(Row::id).toList());
      assertThat(actual).containsAll(rows.stream().map(Row::value).toList());
    }
    // Three distinct texts (1, 2 and 3 rows), each parsed once.
    assertThat(((ParseCachingLanguageDriver.ParseCachingSqlSource) caching).cachedTexts())
        .isEqualTo(3);
  }

  @Test
  void aStaticStatementStaysMyBatisOwn() {
    XNode node =
        new XPathParser("<select>SELECT 1 FROM t WHERE id = #{id}</select>").evalNode("/select");
    SqlSource source =
        new ParseCachingLanguageDriver().createSqlSource(configuration, node, Object.class);
    assertThat(source).isNotInstanceOf(ParseCachingLanguageDriver.ParseCachingSqlSource.class);
  }
}
