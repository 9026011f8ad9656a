package com.cvmbilling.renewal.server.domain;

import static com.cvmbilling.renewal.server.testing.Errors.expectBadField;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import com.cvmbilling.renewal.server.error.ApiException;
import com.cvmbilling.renewal.server.error.ErrorReason;
import com.cvmbilling.renewal.server.testing.Errors;
import com.cvmbilling.renewal.server.testing.Tier;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@Tier.Unit
class RequestRulesTest {

  /** {@code n} distinct valid ids: ins-00000000, ins-00000001, ... */
  static List<String> distinctIds(int n) {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      ids.add(String.format("ins-%08d", i));
    }
    return ids;
  }

  @Nested
  class InstanceIdFormat {
    @ParameterizedTest
    @ValueSource(strings = {"ins-abcd1234", "ins-00000000", "ins-zzzzzzzz", "ins-a1b2c3d4"})
    void accepts(String id) {
      assertThat(RequestRules.isValidInstanceId(id)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(
        strings = {
          "",
          "ins-",
          "ins-abc1234",
          "ins-abcd12345",
          "ins-ABCD1234",
          "ins-abcD1234",
          "INS-abcd1234",
          "ins_abcd1234",
          "inst-abcd123",
          "vm-abcd12345",
          "ins-abcd-123",
          "ins-abcd_123",
          " ins-abcd1234",
          "ins-abcd1234 ",
          "ins-abcd123\n",
          "ins-abcd123\u00e9",
          "ins-\uff41bcd1234",
          "ins-abcd123\u0000",
          "abcd1234"
        })
    void rejects(String id) {
      assertThat(RequestRules.isValidInstanceId(id)).isFalse();
    }

    @Test
    void rejectsNull() {
      assertThat(RequestRules.isValidInstanceId(null)).isFalse();
    }
  }

  @Nested
  class InstanceIdBatch {
    @Test
    void acceptsOneAndExactlyTheMaximum() {
      assertThat(RequestRules.MAX_BATCH).isEqualTo(100);
      assertThatCode(() -> RequestRules.validateInstanceIds(List.of("ins-abcd1234")))
          .doesNotThrowAnyException();
      assertThatCode(() -> RequestRules.validateInstanceIds(distinctIds(100)))
          .doesNotThrowAnyException();
    }

    @Test
    void emptyIsInvalidInstanceId() {
      ApiException e =
          expectBadField(
              () -> RequestRules.validateInstanceIds(List.of()),
              ErrorReason.INVALID_INSTANCE_ID,
              "instance_ids");
      assertThat(e.getMessage()).isEqualTo("instance_ids must name 1 to 100 instances");
    }

    @Test
    void nullListIsLikeEmpty() {
      ApiException e =
          expectBadField(
              () -> RequestRules.validateInstanceIds(null),
              ErrorReason.INVALID_INSTANCE_ID,
              "instance_ids");
      assertThat(e.getMessage()).isEqualTo("instance_ids must name 1 to 100 instances");
    }

    @Test
    void moreThanTheMaximumIsTooMany() {
      ApiException e =
          expectBadField(
              () -> RequestRules.validateInstanceIds(distinctIds(101)),
              ErrorReason.TOO_MANY_INSTANCES,
              "instance_ids");
      assertThat(e.metadata()).containsEntry("count", "101").containsEntry("max", "100");
      assertThat(e.getMessage()).contains("101").contains("100");
    }

    @Test
    void tooManyIsReportedBeforeMalformedOrRepeatedIds() {
      List<String> ids = new ArrayList<>(distinctIds(99));
      ids.add("bad");
      ids.add("ins-00000000");
      ids.add("ins-00000001");
      assertThat(ids).hasSize(102);
      ApiException e = Errors.catchApi(() -> RequestRules.validateInstanceIds(ids));
      assertThat(e.reason()).isEqualTo(ErrorReason.TOO_MANY_INSTANCES);
      assertThat(e.metadata()).containsEntry("count", "102");
    }

    @Test
    void malformedIdsAreAllListedOnceInRequestOrder() {
      List<String> ids = List.of("ins-abcd1234", "bad", "ins-ABCD1234", "ins-zzzz9999", "bad", "x");
      ApiException e =
          expectBadField(
              () -> RequestRules.validateInstanceIds(ids),
              ErrorReason.INVALID_INSTANCE_ID,
              "instance_ids");
      assertThat(e.metadata()).containsEntry("instanceIds", "bad,ins-ABCD1234,x");
      assertThat(e.getMessage()).contains("\"bad\"", "\"ins-ABCD1234\"", "\"x\"");
    }

    @Test
    void malformedIsReportedBeforeRepeated() {
      List<String> ids = List.of("ins-abcd1234", "ins-abcd1234", "nope");
      ApiException e = Errors.catchApi(() -> RequestRules.validateInstanceIds(ids));
      assertThat(e.reason()).isEqualTo(ErrorReason.INVALID_INSTANCE_ID);
      assertThat(e.metadata()).containsEntry("instanceIds", "nope");
    }

    @Test
    void nullAndEmptyIdsAreMalformed() {
      ApiException e =
          expectBadField(
              () -> RequestRules.validateInstanceIds(Arrays.asList("ins-abcd1234", "")),
              ErrorReason.INVALID_INSTANCE_ID,
              "instance_ids");
      assertThat(e.metadata()).containsEntry("instanceIds", "");
      assertThat(e.getMessage()).contains("\"\"");

      ApiException withNull =
          Errors.catchApi(
              () -> RequestRules.validateInstanceIds(Arrays.asList("ins-abcd1234", null, "bad")));
      assertThat(withNull.reason()).isEqualTo(ErrorReason.INVALID_INSTANCE_ID);
      assertThat(withNull.metadata()).containsEntry("instanceIds", ",bad");
    }

    @Test
    void theMessageQuotesAtMostThreeMalformedIdsButMetadataListsAll() {
      List<String> ids = List.of("a1", "a2", "a3", "a4", "a5");
      ApiException e = Errors.catchApi(() -> RequestRules.validateInstanceIds(ids));
      assertThat(e.metadata()).containsEntry("instanceIds", "a1,a2,a3,a4,a5");
      assertThat(e.getMessage()).contains("\"a1\"", "\"a3\"", "2 more").doesNotContain("a4");
    }

    @Test
    void absurdMalformedIdsAreEchoedInABoundedSafeForm() {
      String huge = "x".repeat(10_000);
      List<String> ids =
          List.of(huge, "ins-abc\u00e9\u4e2d\ud83d\ude00", "ins-a,b,c", "ins-abcd1234");
      ApiException e = Errors.catchApi(() -> RequestRules.validateInstanceIds(ids));
      assertThat(e.reason()).isEqualTo(ErrorReason.INVALID_INSTANCE_ID);
      // the long one cut to 32 characters; non-ASCII (one ? per code point) and commas replaced,
      // so the comma-separated list still has exactly one element per malformed id
      assertThat(e.metadata())
          .containsEntry("instanceIds", "x".repeat(32) + "...,ins-abc???,ins-a?b?c");
      assertThat(e.getMessage().length()).isLessThan(300);
    }

    @Test
    void repeatedIdsAreListedOnceInOrderOfFirstAppearance() {
      List<String> ids =
          List.of(
              "ins-bbbb2222",
              "ins-aaaa1111",
              "ins-cccc3333",
              "ins-aaaa1111",
              "ins-bbbb2222",
              "ins-aaaa1111");
      ApiException e =
          expectBadField(
              () -> RequestRules.validateInstanceIds(ids),
              ErrorReason.DUPLICATE_INSTANCE_ID,
              "instance_ids");
      assertThat(e.metadata()).containsEntry("instanceIds", "ins-aaaa1111,ins-bbbb2222");
      assertThat(e.getMessage()).contains("ins-aaaa1111").doesNotContain("ins-cccc3333");
    }

    @Test
    void aDuplicateAtTheMaximumSizeIsADuplicateNotTooMany() {
      List<String> ids = new ArrayList<>(distinctIds(99));
      ids.add("ins-00000042");
      ApiException e = Errors.catchApi(() -> RequestRules.validateInstanceIds(ids));
      assertThat(e.reason()).isEqualTo(ErrorReason.DUPLICATE_INSTANCE_ID);
      assertThat(e.metadata()).containsEntry("instanceIds", "ins-00000042");
    }

    @Test
    void doesNotModifyTheList() {
      List<String> ids = new ArrayList<>(List.of("ins-bbbb2222", "ins-aaaa1111"));
      RequestRules.validateInstanceIds(Collections.unmodifiableList(ids));
      assertThat(ids).containsExactly("ins-bbbb2222", "ins-aaaa1111");
    }
  }

  @Nested
  class Periods {
    @ParameterizedTest
    @ValueSource(ints = {1, 2, 6, 11, 12, 24, 36})
    void renewalAccepts(int months) {
      assertThatCode(() -> RequestRules.validateRenewalPeriod(months)).doesNotThrowAnyException();
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 13, 23, 25, 37, -1})
    void renewalRejects(int months) {
      ApiException e =
          expectBadField(
              () -> RequestRules.validateRenewalPeriod(months),
              ErrorReason.INVALID_PERIOD,
              "period_months");
      assertThat(e.metadata()).containsEntry("periodMonths", Integer.toString(months));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 6, 12})
    void autoRenewAcceptsZeroToTwelve(int months) {
      assertThatCode(() -> RequestRules.validateAutoRenewPeriod(months)).doesNotThrowAnyException();
    }

    @ParameterizedTest
    @ValueSource(ints = {-1, 13, 24, 36})
    void autoRenewRejectsOthersIncludingLongRenewalPeriods(int months) {
      ApiException e =
          expectBadField(
              () -> RequestRules.validateAutoRenewPeriod(months),
              ErrorReason.INVALID_PERIOD,
              "auto_renew_period_months");
      assertThat(e.metadata()).containsEntry("autoRenewPeriodMonths", Integer.toString(months));
    }
  }

  @Nested
  class Bandwidth {
    @ParameterizedTest
    @ValueSource(ints = {1, 5, 1000})
    void accepts(int mbps) {
      assertThatCode(() -> RequestRules.validateBandwidth(mbps)).doesNotThrowAnyException();
    }

    @ParameterizedTest
    @ValueSource(ints = {0, -1, 1001, Integer.MAX_VALUE})
    void rejects(int mbps) {
      ApiException e =
          expectBadField(
              () -> RequestRules.validateBandwidth(mbps),
              ErrorReason.INVALID_BANDWIDTH,
              "bandwidth_mbps");
      assertThat(e.metadata()).containsEntry("bandwidthMbps", Integer.toString(mbps));
    }
  }

  @Nested
  class ExpiryDay {
    @ParameterizedTest
    @ValueSource(ints = {1, 15, 28})
    void accepts(int day) {
      assertThatCode(() -> RequestRules.validateExpiryDay(day)).doesNotThrowAnyException();
    }

    @ParameterizedTest
    @ValueSource(ints = {0, -1, 29, 30, 31})
    void rejects(int day) {
      ApiException e =
          expectBadField(
              () -> RequestRules.validateExpiryDay(day),
              ErrorReason.INVALID_EXPIRY_DAY,
              "expiry_day");
      assertThat(e.metadata()).containsEntry("expiryDay", Integer.toString(day));
    }
  }

  @Nested
  class ClientToken {
    @Test
    void emptyOrNullMeansNoIdempotencyAndIsAllowed() {
      assertThatCode(() -> RequestRules.validateClientToken("")).doesNotThrowAnyException();
      assertThatCode(() -> RequestRules.validateClientToken(null)).doesNotThrowAnyException();
    }

    @Test
    void acceptsOneToSixtyFourPrintableAsciiCharacters() {
      StringBuilder all = new StringBuilder();
      for (char c = 0x21; c <= 0x7E; c++) {
        all.append(c);
      }
      assertThat(all).hasSize(94);
      for (String token :
          List.of(
              "a",
              "x".repeat(64),
              all.substring(0, 64),
              all.substring(30),
              "!",
              "~",
              "550e8400-e29b-41d4-a716-446655440000")) {
        assertThatCode(() -> RequestRules.validateClientToken(token))
            .as(token)
            .doesNotThrowAnyException();
      }
    }

    @ParameterizedTest
    @ValueSource(
        strings = {
          " ",
          "abc def",
          " abc",
          "abc\t",
          "abc\n",
          "abc\u0000",
          "abc\u007f",
          "caf\u00e9",
          "\u4e2d\u6587",
          "\ud83d\ude00"
        })
    void rejectsSpacesControlAndNonAscii(String token) {
      expectBadField(
          () -> RequestRules.validateClientToken(token),
          ErrorReason.INVALID_CLIENT_TOKEN,
          "client_token");
    }

    @Test
    void rejectsSixtyFiveCharacters() {
      ApiException e =
          expectBadField(
              () -> RequestRules.validateClientToken("x".repeat(65)),
              ErrorReason.INVALID_CLIENT_TOKEN,
              "client_token");
      assertThat(e.metadata()).containsEntry("length", "65");
    }
  }

  @Nested
  class TimeZone {
    @Test
    void emptyOrNullIsShanghai() {
      assertThat(RequestRules.parseTimeZone("")).isEqualTo(ZoneId.of("Asia/Shanghai"));
      assertThat(RequestRules.parseTimeZone(null)).isEqualTo(ZoneId.of("Asia/Shanghai"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"UTC", "Asia/Shanghai", "America/New_York", "Europe/London"})
    void acceptsIanaRegionIds(String id) {
      ZoneId zone = RequestRules.parseTimeZone(id);
      assertThat(zone.getId()).isEqualTo(id);
    }

    @ParameterizedTest
    @ValueSource(
        strings = {
          "Mars/Olympus_Mons",
          "asia/shanghai",
          "Asia/Shanghai ",
          " UTC",
          "+08:00",
          "Z",
          "UTC+8",
          "GMT+08:00",
          "CST",
          "../../etc/passwd",
          "Asia/"
        })
    void rejectsUnknownIdsAndFixedOffsets(String id) {
      ApiException e =
          expectBadField(
              () -> RequestRules.parseTimeZone(id),
              ErrorReason.INVALID_TIME_ZONE,
              "billing_time_zone");
      assertThat(e.metadata()).containsEntry("billingTimeZone", id);
    }

    @Test
    void echoesAnAbsurdIdInABoundedForm() {
      ApiException e = Errors.catchApi(() -> RequestRules.parseTimeZone("Z".repeat(5000)));
      assertThat(e.metadata()).containsEntry("billingTimeZone", "Z".repeat(32) + "...");
      assertThat(e.getMessage().length()).isLessThan(200);
    }
  }
}
