package com.cvmbilling.renewal.server.persistence;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.ibatis.builder.SqlSourceBuilder;
import org.apache.ibatis.mapping.BoundSql;
import org.apache.ibatis.mapping.SqlSource;
import org.apache.ibatis.parsing.XNode;
import org.apache.ibatis.scripting.xmltags.DynamicContext;
import org.apache.ibatis.scripting.xmltags.SqlNode;
import org.apache.ibatis.scripting.xmltags.XMLLanguageDriver;
import org.apache.ibatis.scripting.xmltags.XMLScriptBuilder;
import org.apache.ibatis.session.Configuration;

/**
 * MyBatis' XML language, except that a dynamic statement's generated text is parsed once: MyBatis
 * builds the text of a {@code <foreach>} statement and then parses it again for its {@code #{...}}
 * parameters on every call (for a 100-instance renewal's {@code UPDATE ... CASE}, 500 of them: the
 * largest share of the server's CPU in MyBatis). The parse depends only on the text and the
 * parameter types, so it is kept per text; the text itself, and so the SQL sent, is built as
 * before. Used by statements with {@code lang="parseCaching"} (registered in {@link
 * PersistenceModule}).
 */
public final class ParseCachingLanguageDriver extends XMLLanguageDriver {
  /** Distinct texts kept per statement (one per list size, in practice); more are parsed anew. */
  static final int MAX_TEXTS_PER_STATEMENT = 1_000;

  @Override
  public SqlSource createSqlSource(
      Configuration configuration, XNode script, Class<?> parameterType) {
    SqlSource plain = super.createSqlSource(configuration, script, parameterType);
    if (!(plain instanceof org.apache.ibatis.scripting.xmltags.DynamicSqlSource)) {
      return plain; // static text: MyBatis already parses it once
    }
    SqlNode root = new RootParser(configuration, script, parameterType).root();
    return new ParseCachingSqlSource(configuration, root);
  }

  private static final class RootParser extends XMLScriptBuilder {
    private final XNode script;

    RootParser(Configuration configuration, XNode script, Class<?> parameterType) {
      super(configuration, script, parameterType);
      this.script = script;
    }

    SqlNode root() {
      return parseDynamicTags(script);
    }
  }

  /** {@code DynamicSqlSource}, with the parse of each generated text kept. */
  static final class ParseCachingSqlSource implements SqlSource {
    private record Key(String sql, Class<?> parameterType) {}

    private final Configuration configuration;
    private final SqlNode root;
    private final Map<Key, SqlSource> parsed = new ConcurrentHashMap<>();

    ParseCachingSqlSource(Configuration configuration, SqlNode root) {
      this.configuration = configuration;
      this.root = root;
    }

    @Override
    public BoundSql getBoundSql(Object parameterObject) {
      DynamicContext context = new DynamicContext(configuration, parameterObject);
      root.apply(context);
      Class<?> parameterType = parameterObject == null ? Object.class : parameterObject.getClass();
      Key key = new Key(context.getSql(), parameterType);
      SqlSource source = parsed.get(key);
      if (source == null) {
        source =
            new SqlSourceBuilder(configuration)
                .parse(key.sql(), parameterType, context.getBindings());
        if (parsed.size() < MAX_TEXTS_PER_STATEMENT) {
          parsed.put(key, source);
        }
      }
      BoundSql bound = source.getBoundSql(parameterObject);
      context.getBindings().forEach(bound::setAdditionalParameter);
      return bound;
    }

    int cachedTexts() {
      return parsed.size();
    }
  }
}
