package com.cvmbilling.renewal.server.persistence;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.apache.ibatis.builder.SqlSourceBuilder;
import org.apache.ibatis.builder.StaticSqlSource;
import org.apache.ibatis.mapping.BoundSql;
import org.apache.ibatis.mapping.ParameterMapping;
import org.apache.ibatis.mapping.SqlSource;
import org.apache.ibatis.parsing.XNode;
import org.apache.ibatis.reflection.property.PropertyTokenizer;
import org.apache.ibatis.scripting.xmltags.DynamicContext;
import org.apache.ibatis.scripting.xmltags.DynamicSqlSource;
import org.apache.ibatis.scripting.xmltags.ExpressionEvaluator;
import org.apache.ibatis.scripting.xmltags.ForEachSqlNode;
import org.apache.ibatis.scripting.xmltags.SqlNode;
import org.apache.ibatis.scripting.xmltags.XMLLanguageDriver;
import org.apache.ibatis.scripting.xmltags.XMLScriptBuilder;
import org.apache.ibatis.session.Configuration;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * MyBatis' XML language, except that a {@code <foreach>} statement is built and parsed once per
 * shape instead of on every call. MyBatis builds such a statement's text on every call (renaming
 * each item's {@code #{i.x}} to {@code #{__frch_i_7.x}} and binding every item as an extra
 * parameter) and then parses it again for its {@code #{...}} parameters: for a 100-instance
 * renewal's {@code UPDATE ... CASE}, 500 of them, the largest share of the server's CPU in MyBatis.
 * Used by statements with {@code lang="parseCaching"} (registered in {@link PersistenceModule}).
 *
 * <p>When a statement's text depends on nothing but the sizes of its lists (its only dynamic
 * elements are {@code <foreach>} loops over a parameter, not nested, without {@code index}, and it
 * has no {@code ${...}}), the built and parsed statement is kept per list sizes, its parameters
 * renamed to name each item by its index ({@code instances[7].x}): a call then only looks up its
 * shape. Any other dynamic statement keeps the parse of each distinct generated text, its text
 * still built per call. Either way the SQL sent and the values bound are MyBatis' own
 * (ParseCachingLanguageDriverTest).
 */
public final class ParseCachingLanguageDriver extends XMLLanguageDriver {
  /** Shapes (or texts) kept per statement (one per list size, in practice); more are built anew. */
  static final int MAX_TEXTS_PER_STATEMENT = 1_000;

  @Override
  public SqlSource createSqlSource(
      Configuration configuration, XNode script, Class<?> parameterType) {
    SqlSource plain = super.createSqlSource(configuration, script, parameterType);
    if (!(plain instanceof DynamicSqlSource)) {
      return plain; // static text: MyBatis already parses it once
    }
    SqlNode root = new RootParser(configuration, script, parameterType).root();
    return new ParseCachingSqlSource(configuration, root, Loop.ifOnlySizesMatter(script));
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

  /** A statement's {@code <foreach>}: the parameter it iterates and its item's name. */
  record Loop(String collection, String item) {
    private static final Pattern PROPERTY_PATH =
        Pattern.compile("[A-Za-z_]\\w*(\\.[A-Za-z_]\\w*)*");

    /** The loops in document order, or null when the text depends on more than their sizes. */
    static List<Loop> ifOnlySizesMatter(XNode script) {
      List<Loop> loops = new ArrayList<>();
      return collect(script.getNode(), loops, false) ? List.copyOf(loops) : null;
    }

    private static boolean collect(Node node, List<Loop> loops, boolean inLoop) {
      NodeList children = node.getChildNodes();
      for (int i = 0; i < children.getLength(); i++) {
        Node child = children.item(i);
        short type = child.getNodeType();
        if (type == Node.TEXT_NODE || type == Node.CDATA_SECTION_NODE) {
          if (child.getNodeValue().contains("${")) {
            return false;
          }
        } else if (type == Node.ELEMENT_NODE) {
          if (inLoop || !"foreach".equals(child.getNodeName())) {
            return false;
          }
          Element loop = (Element) child;
          String collection = loop.getAttribute("collection");
          String item = loop.getAttribute("item");
          if (item.isEmpty()
              || !loop.getAttribute("index").isEmpty()
              || !loop.getAttribute("nullable").isEmpty()
              || !PROPERTY_PATH.matcher(collection).matches()) {
            return false;
          }
          loops.add(new Loop(collection, item));
          if (!collect(child, loops, true)) {
            return false;
          }
        }
      }
      return true;
    }
  }

  /** {@code DynamicSqlSource}, with each shape (or generated text) built and parsed once. */
  static final class ParseCachingSqlSource implements SqlSource {
    private record TextKey(String sql, Class<?> parameterType) {}

    private record ShapeKey(Class<?> parameterType, List<Integer> sizes) {}

    private static final ExpressionEvaluator EVALUATOR = new ExpressionEvaluator();

    private final Configuration configuration;
    private final SqlNode root;

    /** Null when the text depends on more than list sizes (or once a shape could not be kept). */
    private volatile List<Loop> loops;

    private final Map<TextKey, SqlSource> parsed = new ConcurrentHashMap<>();
    private final Map<ShapeKey, SqlSource> shapes = new ConcurrentHashMap<>();

    ParseCachingSqlSource(Configuration configuration, SqlNode root, List<Loop> loops) {
      this.configuration = configuration;
      this.root = root;
      this.loops = loops;
    }

    @Override
    public BoundSql getBoundSql(Object parameterObject) {
      List<Loop> sizedLoops = loops;
      if (sizedLoops != null) {
        DynamicContext context = new DynamicContext(configuration, parameterObject);
        ShapeKey key = shape(sizedLoops, context, parameterObject);
        if (key != null) {
          SqlSource shaped = shapes.get(key);
          if (shaped == null) {
            shaped = buildShape(sizedLoops, key, parameterObject);
          }
          if (shaped != null) {
            BoundSql bound = shaped.getBoundSql(parameterObject);
            context.getBindings().forEach(bound::setAdditionalParameter);
            return bound;
          }
        }
      }
      return parseCached(parameterObject);
    }

    /** The sizes of this call's lists, or null if one is not a list (a set, a map, null). */
    private ShapeKey shape(List<Loop> sizedLoops, DynamicContext context, Object parameterObject) {
      Map<String, Integer> sizeOf = new HashMap<>(4);
      List<Integer> sizes = new ArrayList<>(sizedLoops.size());
      for (Loop loop : sizedLoops) {
        Integer size = sizeOf.get(loop.collection());
        if (size == null) {
          Iterable<?> values =
              EVALUATOR.evaluateIterable(
                  loop.collection(), context.getBindings(), configuration.isNullableOnForEach());
          if (!(values instanceof List<?> list)) {
            return null;
          }
          size = list.size();
          sizeOf.put(loop.collection(), size);
        }
        sizes.add(size);
      }
      return new ShapeKey(parameterClass(parameterObject), sizes);
    }

    /**
     * Builds the statement as MyBatis does, then renames each item's parameters to index its list
     * ({@code __frch_i_7.x} to {@code instances[2].x}). MyBatis numbers items across the loops in
     * document order; a statement whose binds do not follow that (another MyBatis) is no longer
     * kept by shape. Returns null then.
     */
    private SqlSource buildShape(List<Loop> sizedLoops, ShapeKey key, Object parameterObject) {
      RecordingContext context = new RecordingContext(configuration, parameterObject);
      root.apply(context);
      SqlSource source =
          new SqlSourceBuilder(configuration)
              .parse(context.getSql(), key.parameterType(), context.getBindings());
      Map<String, String> indexed = new HashMap<>();
      int n = 0;
      for (int j = 0; j < sizedLoops.size(); j++) {
        Loop loop = sizedLoops.get(j);
        for (int k = 0; k < key.sizes().get(j); k++, n++) {
          String name = ForEachSqlNode.ITEM_PREFIX + loop.item() + "_" + n;
          if (n >= context.itemNames.size() || !context.itemNames.get(n).equals(name)) {
            loops = null;
            return null;
          }
          indexed.put(name, loop.collection() + "[" + k + "]");
        }
      }
      if (n != context.itemNames.size()) {
        loops = null;
        return null;
      }
      BoundSql built = source.getBoundSql(parameterObject);
      List<ParameterMapping> renamed = new ArrayList<>();
      for (ParameterMapping m : built.getParameterMappings()) {
        String head = new PropertyTokenizer(m.getProperty()).getName();
        String index = indexed.get(head);
        if (index == null && head.startsWith(ForEachSqlNode.ITEM_PREFIX)) {
          loops = null;
          return null;
        }
        renamed.add(
            index == null ? m : renamed(m, index + m.getProperty().substring(head.length())));
      }
      SqlSource shaped = new StaticSqlSource(configuration, built.getSql(), renamed);
      if (shapes.size() < MAX_TEXTS_PER_STATEMENT) {
        shapes.put(key, shaped);
      }
      return shaped;
    }

    private ParameterMapping renamed(ParameterMapping m, String property) {
      ParameterMapping.Builder b =
          new ParameterMapping.Builder(configuration, property, m.getTypeHandler())
              .javaType(m.getJavaType())
              .jdbcType(m.getJdbcType())
              .mode(m.getMode())
              .numericScale(m.getNumericScale())
              .resultMapId(m.getResultMapId())
              .jdbcTypeName(m.getJdbcTypeName())
              .expression(m.getExpression());
      return b.build();
    }

    /** The text built per call, its parse kept per distinct text. */
    private BoundSql parseCached(Object parameterObject) {
      DynamicContext context = new DynamicContext(configuration, parameterObject);
      root.apply(context);
      TextKey key = new TextKey(context.getSql(), parameterClass(parameterObject));
      SqlSource source = parsed.get(key);
      if (source == null) {
        source =
            new SqlSourceBuilder(configuration)
                .parse(key.sql(), key.parameterType(), context.getBindings());
        if (parsed.size() < MAX_TEXTS_PER_STATEMENT) {
          parsed.put(key, source);
        }
      }
      BoundSql bound = source.getBoundSql(parameterObject);
      context.getBindings().forEach(bound::setAdditionalParameter);
      return bound;
    }

    private static Class<?> parameterClass(Object parameterObject) {
      return parameterObject == null ? Object.class : parameterObject.getClass();
    }

    int cachedTexts() {
      return parsed.size();
    }

    int cachedShapes() {
      return shapes.size();
    }

    boolean keptByShape() {
      return loops != null;
    }
  }

  /** A build's context that notes the loops' item names in the order MyBatis binds them. */
  private static final class RecordingContext extends DynamicContext {
    final List<String> itemNames = new ArrayList<>();

    RecordingContext(Configuration configuration, Object parameterObject) {
      super(configuration, parameterObject);
    }

    @Override
    public void bind(String name, Object value) {
      if (name.startsWith(ForEachSqlNode.ITEM_PREFIX)) {
        itemNames.add(name);
      }
      super.bind(name, value);
    }
  }
}
