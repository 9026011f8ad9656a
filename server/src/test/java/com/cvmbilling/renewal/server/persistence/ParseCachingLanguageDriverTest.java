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

  /** The SQL and each parameter's value, read as MyBatis' parameter handler reads them. */
  private List<Object> bound(SqlSource source, Object parameter) {
    BoundSql bound = source.getBoundSql(parameter);
    List<Object> out = new java.util.ArrayList<>();
    out.add(bound.getSql());
    MetaObject additional = configuration.newMetaObject(bound.getAdditionalParameters());
    MetaObject meta = configuration.newMetaObject(parameter);
    for (ParameterMapping m : bound.getParameterMappings()) {
      String property = m.getProperty();
      out.add(
          bound.hasAdditionalParameter(property)
              ? additional.getValue(property)
              : meta.getValue(property));
      out.add(m.getJavaType());
      out.add(m.getTypeHandler().getClass());
    }
    return out;
  }

  private List<Object> bound(SqlSource source, List<Row> rows) {
    return bound(source, Map.of("rows", rows));
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
    // Three shapes (1, 2 and 3 rows), each built once; no text built per call.
    ParseCachingLanguageDriver.ParseCachingSqlSource kept =
        (ParseCachingLanguageDriver.ParseCachingSqlSource) caching;
    assertThat(kept.keptByShape()).isTrue();
    assertThat(kept.cachedShapes()).isEqualTo(3);
    assertThat(kept.cachedTexts()).isZero();
  }

  /** Items named by index: a list holding the same row twice binds each position's own row. */
  @Test
  void repeatedItemsAndAnArrayBindEachPositionsOwnValue() {
    SqlSource caching = source(new ParseCachingLanguageDriver());
    SqlSource plain = source(new XMLLanguageDriver());
    Row a = new Row("a", 1);
    List<Row> twice = List.of(a, a);
    assertThat(bound(caching, twice)).isEqualTo(bound(plain, twice));
    List<Row> other = List.of(new Row("b", 2), new Row("c", 3));
    assertThat(bound(caching, other)).isEqualTo(bound(plain, other)).contains("b", 2L, "c", 3L);
    Map<String, Object> array = Map.of("rows", new Row[] {new Row("d", 4), new Row("e", 5)});
    assertThat(bound(caching, array)).isEqualTo(bound(plain, array)).contains("d", 4L, "e", 5L);
  }

  /**
   * A statement whose text depends on a value keeps the parse per text, its text built per call.
   */
  @Test
  void aValueDependentStatementKeepsOnlyTheParsePerText() {
    String statement =
        "<update>UPDATE t SET v = 0 WHERE id IN <foreach collection=\"rows\" item=\"r\""
            + " open=\"(\" separator=\",\" close=\")\">#{r.id}</foreach>"
            + "<if test=\"limit != null\"> AND v &lt; #{limit}</if></update>";
    XNode node = new XPathParser(statement).evalNode("/update");
    SqlSource caching =
        new ParseCachingLanguageDriver().createSqlSource(configuration, node, Object.class);
    SqlSource plain = new XMLLanguageDriver().createSqlSource(configuration, node, Object.class);
    List<Row> rows = List.of(new Row("a", 1), new Row("b", 2));
    Map<String, Object> withLimit = new java.util.HashMap<>(Map.of("rows", rows, "limit", 5));
    Map<String, Object> withoutLimit = new java.util.HashMap<>(Map.of("rows", rows));
    withoutLimit.put("limit", null);
    assertThat(bound(caching, withLimit)).isEqualTo(bound(plain, withLimit)).contains(5);
    assertThat(bound(caching, withoutLimit)).isEqualTo(bound(plain, withoutLimit));
    ParseCachingLanguageDriver.ParseCachingSqlSource kept =
        (ParseCachingLanguageDriver.ParseCachingSqlSource) caching;
    assertThat(kept.keptByShape()).isFalse();
    assertThat(kept.cachedTexts()).isEqualTo(2);
  }

  /** A set has no positions: such a call builds its text as MyBatis does. */
  @Test
  void aSetIsBuiltPerCall() {
    SqlSource caching = source(new ParseCachingLanguageDriver());
    SqlSource plain = source(new XMLLanguageDriver());
    Map<String, Object> set = Map.of("rows", java.util.Set.of(new Row("a", 1)));
    assertThat(bound(caching, set)).isEqualTo(bound(plain, set));
    ParseCachingLanguageDriver.ParseCachingSqlSource kept =
        (ParseCachingLanguageDriver.ParseCachingSqlSource) caching;
    assertThat(kept.cachedShapes()).isZero();
    assertThat(kept.cachedTexts()).isEqualTo(1);
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
