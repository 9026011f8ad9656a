package com.cvmbilling.renewal.server.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import com.cvmbilling.renewal.server.testing.Tier;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Each table has one mapper (all its SQL, one column list, one result map) and each mapper one
 * store (the only main class that uses it), so a second writer of a table cannot creep in.
 */
@Tier.Unit
class TableOwnershipTest {
  /** Table -> the mapper that holds all its SQL. */
  private static final Map<String, String> MAPPER_OF_TABLE =
      Map.of(
          "account", "AccountMapper",
          "instance", "InstanceMapper",
          "instance_event", "EventMapper",
          "billing_record", "BillingRecordMapper",
          "auto_renew_charge", "AutoRenewChargeMapper",
          "idempotency_record", "IdempotencyMapper",
          "api_key", "ApiKeyMapper",
          "price_catalog_version", "PriceVersionMapper",
          "price_catalog_item", "PriceItemMapper",
          "price_catalog_discount", "PriceDiscountMapper");

  /** Mapper -> the store, the only main class that uses it. */
  private static final Map<String, String> STORE_OF_MAPPER =
      Map.of(
          "AccountMapper", "AccountStore",
          "InstanceMapper", "InstanceStore",
          "EventMapper", "EventStore",
          "BillingRecordMapper", "BillingRecordStore",
          "AutoRenewChargeMapper", "BillingRecordStore",
          "IdempotencyMapper", "IdempotencyStore",
          "ApiKeyMapper", "ApiKeyStore",
          "PriceVersionMapper", "PriceStore",
          "PriceItemMapper", "PriceStore",
          "PriceDiscountMapper", "PriceStore");

  private static final Pattern WRITE =
      Pattern.compile(
          "(?<![<\\w/])(?<!FOR )(?<!KEY )(?:INSERT\\s+INTO|UPDATE|DELETE\\s+FROM)\\s+(\\w+)",
          Pattern.CASE_INSENSITIVE);
  private static final Pattern READ =
      Pattern.compile("(?<![<\\w/])(?:FROM|JOIN)\\s+(\\w+)", Pattern.CASE_INSENSITIVE);
  private static final Pattern COMMENT = Pattern.compile("<!--.*?-->", Pattern.DOTALL);

  @Test
  void everyTableIsReadAndWrittenByItsOwnMapperOnly() throws IOException, URISyntaxException {
    Map<String, Set<String>> writers = new TreeMap<>();
    Map<String, Set<String>> tablesOfMapper = new TreeMap<>();
    for (Path xml : mapperXmlFiles()) {
      String mapper = xml.getFileName().toString().replace(".xml", "");
      String sql = COMMENT.matcher(Files.readString(xml)).replaceAll("");
      Set<String> tables = tablesOfMapper.computeIfAbsent(mapper, m -> new HashSet<>());
      for (Matcher m = WRITE.matcher(sql); m.find(); ) {
        String table = m.group(1).toLowerCase();
        writers.computeIfAbsent(table, t -> new HashSet<>()).add(mapper);
        tables.add(table);
      }
      for (Matcher m = READ.matcher(sql); m.find(); ) {
        tables.add(m.group(1).toLowerCase());
      }
    }

    assertThat(tablesOfMapper.keySet())
        .containsExactlyInAnyOrderElementsOf(STORE_OF_MAPPER.keySet());
    tablesOfMapper.forEach(
        (mapper, tables) ->
            assertThat(tables)
                .as("tables in %s.xml", mapper)
                .allSatisfy(
                    table ->
                        assertThat(MAPPER_OF_TABLE.get(table))
                            .as("owner of table %s, used in %s.xml", table, mapper)
                            .isEqualTo(mapper)));
    writers.forEach(
        (table, mappers) ->
            assertThat(mappers)
                .as("mappers writing %s", table)
                .containsExactly(MAPPER_OF_TABLE.get(table)));
    assertThat(writers).containsKeys("account", "instance", "instance_event", "billing_record");
  }

  @Test
  void everyTableHasOneColumnListAndOneResultMap() throws IOException, URISyntaxException {
    for (Path xml : mapperXmlFiles()) {
      String text = Files.readString(xml);
      String name = xml.getFileName().toString();
      // Statements name their columns through the mapper's <sql> lists, never "AS" aliases.
      assertThat(text).as(name).doesNotContainPattern("(?i)\\w\\s+AS\\s+\\w+\\s*[,\\n]");
      assertThat(count(text, "<sql id=\"columns\">")).as(name).isLessThanOrEqualTo(1);
      assertThat(count(text, "<resultMap ")).as(name).isLessThanOrEqualTo(2);
      assertThat(text).as(name).doesNotContain("resultType=\"com.");
    }
  }

  @Test
  void everyMapperIsUsedByItsStoreOnly() throws IOException {
    Path main = Path.of("src/main/java");
    assertThat(main).isDirectory();
    Map<String, Set<String>> users = new HashMap<>();
    try (Stream<Path> files = Files.walk(main)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
        String name = file.getFileName().toString().replace(".java", "");
        String text = Files.readString(file);
        for (String mapper : STORE_OF_MAPPER.keySet()) {
          if (!name.equals(mapper)
              && !name.equals("PersistenceModule")
              && Pattern.compile("\\b" + mapper + "\\b").matcher(text).find()) {
            users.computeIfAbsent(mapper, m -> new HashSet<>()).add(name);
          }
        }
      }
    }
    STORE_OF_MAPPER.forEach(
        (mapper, store) ->
            assertThat(users.get(mapper)).as("users of %s", mapper).containsExactly(store));
  }

  private static List<Path> mapperXmlFiles() throws IOException, URISyntaxException {
    Path dir =
        Path.of(TableOwnershipTest.class.getResource("AccountMapper.xml").toURI()).getParent();
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(f -> f.toString().endsWith("Mapper.xml")).sorted().toList();
    }
  }

  private static int count(String text, String needle) {
    int n = 0;
    for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
      n++;
    }
    return n;
  }
}
