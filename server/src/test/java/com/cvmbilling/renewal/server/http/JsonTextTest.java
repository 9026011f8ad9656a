package com.cvmbilling.renewal.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.cvmbilling.renewal.server.testing.Tier;
import com.cvmbilling.renewal.v1.DescribePricesResponse;
import com.cvmbilling.renewal.v1.InstanceTypePrice;
import com.google.protobuf.util.JsonFormat;
import com.google.type.Money;
import org.junit.jupiter.api.Test;

/** The layout grpcurl prints (Go's json.Indent, two spaces). */
@Tier.Unit
class JsonTextTest {
  @Test
  void messagesAreLaidOutAsGrpcurlPrintsThem() throws Exception {
    DescribePricesResponse prices =
        DescribePricesResponse.newBuilder()
            .addInstanceTypes(
                InstanceTypePrice.newBuilder()
                    .setInstanceType("S5.SMALL2")
                    .setMonthlyPrice(Money.newBuilder().setCurrencyCode("CNY").setUnits(50)))
            .setBandwidthMonthlyPricePerMbps(
                Money.newBuilder().setCurrencyCode("CNY").setUnits(10).setNanos(500_000_000))
            .build();
    assertThat(
            JsonText.indent(JsonFormat.printer().omittingInsignificantWhitespace().print(prices)))
        .isEqualTo(
            """
            {
              "instanceTypes": [
                {
                  "instanceType": "S5.SMALL2",
                  "monthlyPrice": {
                    "currencyCode": "CNY",
                    "units": "50"
                  }
                }
              ],
              "bandwidthMonthlyPricePerMbps": {
                "currencyCode": "CNY",
                "units": "10",
                "nanos": 500000000
              }
            }
            """);
  }

  @Test
  void stringsAndEmptyContainersAreKept() {
    assertThat(JsonText.indent("{\"a\":\"x, {y}: \\\"z\\\" [\",\"b\":[],\"c\":{},\"d\":[1,2]}"))
        .isEqualTo(
            """
            {
              "a": "x, {y}: \\"z\\" [",
              "b": [],
              "c": {},
              "d": [
                1,
                2
              ]
            }
            """);
  }
}
