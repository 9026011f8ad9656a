package com.cvmbilling.renewal.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.cvmbilling.renewal.server.testing.TcpTestServer;
import com.cvmbilling.renewal.server.testing.TestDatabases;
import com.cvmbilling.renewal.server.testing.TestServer;
import com.cvmbilling.renewal.server.testing.TestServer.TestAccount;
import com.cvmbilling.renewal.server.testing.Tier;
import com.cvmbilling.renewal.v1.AdminServiceGrpc;
import com.cvmbilling.renewal.v1.AdvanceTimeResponse;
import com.cvmbilling.renewal.v1.ApiKey;
import com.cvmbilling.renewal.v1.CreateAccountResponse;
import com.cvmbilling.renewal.v1.CreateApiKeyRequest;
import com.cvmbilling.renewal.v1.CreateApiKeyResponse;
import com.cvmbilling.renewal.v1.CreateInstancesRequest;
import com.cvmbilling.renewal.v1.CreateInstancesResponse;
import com.cvmbilling.renewal.v1.DescribeAccountRequest;
import com.cvmbilling.renewal.v1.DescribeAccountResponse;
import com.cvmbilling.renewal.v1.DescribeBillingRecordsRequest;
import com.cvmbilling.renewal.v1.DescribeBillingRecordsResponse;
import com.cvmbilling.renewal.v1.DescribeInstancesRequest;
import com.cvmbilling.renewal.v1.DescribeInstancesResponse;
import com.cvmbilling.renewal.v1.DescribePriceCatalogRequest;
import com.cvmbilling.renewal.v1.DescribePriceCatalogResponse;
import com.cvmbilling.renewal.v1.DescribePricesRequest;
import com.cvmbilling.renewal.v1.DescribePricesResponse;
import com.cvmbilling.renewal.v1.DescribeRenewalForecastRequest;
import com.cvmbilling.renewal.v1.DescribeRenewalForecastResponse;
import com.cvmbilling.renewal.v1.GetTimeRequest;
import com.cvmbilling.renewal.v1.GetTimeResponse;
import com.cvmbilling.renewal.v1.InquiryPriceRenewInstancesRequest;
import com.cvmbilling.renewal.v1.InquiryPriceRenewInstancesResponse;
import com.cvmbilling.renewal.v1.InquiryPriceUnifiedExpiryRequest;
import com.cvmbilling.renewal.v1.InquiryPriceUnifiedExpiryResponse;
import com.cvmbilling.renewal.v1.Instance;
import com.cvmbilling.renewal.v1.InstanceTypePrice;
import com.cvmbilling.renewal.v1.ListApiKeysRequest;
import com.cvmbilling.renewal.v1.ListApiKeysResponse;
import com.cvmbilling.renewal.v1.ListEventsRequest;
import com.cvmbilling.renewal.v1.ListEventsResponse;
import com.cvmbilling.renewal.v1.PeriodDiscount;
import com.cvmbilling.renewal.v1.RenewFlag;
import com.cvmbilling.renewal.v1.RenewInstancesRequest;
import com.cvmbilling.renewal.v1.RenewInstancesResponse;
import com.cvmbilling.renewal.v1.RenewalServiceGrpc;
import com.cvmbilling.renewal.v1.RevokeApiKeyRequest;
import com.cvmbilling.renewal.v1.RevokeApiKeyResponse;
import com.cvmbilling.renewal.v1.SetAutoRenewRequest;
import com.cvmbilling.renewal.v1.SetAutoRenewResponse;
import com.cvmbilling.renewal.v1.SetPriceCatalogRequest;
import com.cvmbilling.renewal.v1.SetPriceCatalogResponse;
import com.cvmbilling.renewal.v1.SetUnifiedExpiryRequest;
import com.cvmbilling.renewal.v1.SetUnifiedExpiryResponse;
import com.cvmbilling.renewal.v1.TerminateInstancesRequest;
import com.cvmbilling.renewal.v1.TerminateInstancesResponse;
import com.cvmbilling.renewal.v1.TestClockServiceGrpc;
import com.cvmbilling.renewal.v1.TopUpBalanceRequest;
import com.cvmbilling.renewal.v1.TopUpBalanceResponse;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import io.grpc.ServiceDescriptor;
import io.grpc.stub.MetadataUtils;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every unary RPC over HTTP/JSON gives the same response as over gRPC: the JSON parses (proto3
 * mapping) into a message equal to the gRPC response, and is byte for byte what JsonFormat (and
 * grpcurl) prints for it. Calls that change something carry a client_token and are repeated over
 * gRPC with the same token: the replayed response must equal the HTTP one.
 */
@Tier.H2
@Tier.Network
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HttpJsonTranscodingTest {
  /** SetPriceCatalog's discounts in the HTTP case: version 1's, 12 months at 80%. */
  private static final Map<Integer, Integer> PERIODS = periods();

  private static final String PERIODS_JSON =
      PERIODS.entrySet().stream()
          .map(
              e ->
                  "{\"periodMonths\": "
                      + e.getKey()
                      + ", \"discountPercent\": "
                      + e.getValue()
                      + "}")
          .collect(Collectors.joining(", "));

  private static Map<Integer, Integer> periods() {
    Map<Integer, Integer> p = new TreeMap<>();
    for (int m = 1; m <= 11; m++) {
      p.put(m, 100);
    }
    p.put(12, 80);
    p.put(24, 70);
    p.put(36, 60);
    return p;
  }

  private static InstanceTypePrice typePrice(String type, long fen) {
    return InstanceTypePrice.newBuilder()
        .setInstanceType(type)
        .setMonthlyPrice(TestServer.money(fen))
        .build();
  }

  static final Instant START = Instant.parse("2026-03-10T04:00:00Z");

  private TestDatabases.TestDatabase db;
  private TcpTestServer server;
  private Http http;
  private TestAccount account;
  private List<String> ids;
  private String postpaid;
  private String revocableKeyId;
  private final Set<String> covered = new HashSet<>();

  @BeforeAll
  void start() {
    db = TestDatabases.h2();
    server = new TcpTestServer(db.settings(), b -> b.port(0).httpPort(0).testClock(true, START));
    http = new Http(server.server().httpPort());
    account = server.createAccount(1_000_000);
    ids =
        server.createPrepaid(account, 4, START.plusSeconds(20 * 86400)).stream()
            .map(Instance::getInstanceId)
            .toList();
    postpaid =
        server
            .admin()
            .createInstances(
                CreateInstancesRequest.newBuilder()
                    .setAccountId(account.accountId())
                    .setInstanceType("S5.SMALL2")
                    .setChargeType(Instance.ChargeType.POSTPAID_BY_HOUR)
                    .setBandwidthMbps(1)
                    .build())
            .getInstances(0)
            .getInstanceId();
  }

  @AfterAll
  void stop() {
    // Every unary method of the three services has a case below.
    Set<String> all = new HashSet<>();
    for (ServiceDescriptor s :
        List.of(
            RenewalServiceGrpc.getServiceDescriptor(),
            AdminServiceGrpc.getServiceDescriptor(),
            TestClockServiceGrpc.getServiceDescriptor())) {
      s.getMethods().stream()
          .filter(m -> m.getType() == io.grpc.MethodDescriptor.MethodType.UNARY)
          .forEach(m -> all.add(m.getBareMethodName()));
    }
    try {
      assertThat(covered).containsExactlyInAnyOrderElementsOf(all);
    } finally {
      server.close();
      db.close();
    }
  }

  /** A tenant key made for the RevokeApiKey case. */
  private String revocableKeyId() {
    if (revocableKeyId == null) {
      revocableKeyId =
          server
              .admin()
              .createApiKey(
                  CreateApiKeyRequest.newBuilder().setAccountId(account.accountId()).build())
              .getKeyInfo()
              .getKeyId();
    }
    return revocableKeyId;
  }

  private RenewalServiceGrpc.RenewalServiceBlockingStub tenant() {
    return server.tenant(account.apiKey());
  }

  private TestClockServiceGrpc.TestClockServiceBlockingStub clock() {
    return TestClockServiceGrpc.newBlockingStub(server.channel())
        .withInterceptors(
            MetadataUtils.newAttachHeadersInterceptor(TestServer.bearer(TestServer.ADMIN_KEY)));
  }

  /** One RPC: its HTTP request, and the gRPC call whose response the HTTP one must equal. */
  record Case(
      String rpc,
      String method,
      Function<HttpJsonTranscodingTest, String> path,
      Function<HttpJsonTranscodingTest, String> body,
      boolean admin,
      Message prototype,
      Function<HttpJsonTranscodingTest, Message> grpc) {
    @Override
    public String toString() {
      return rpc;
    }
  }

  private String idList(int from, int to) {
    return String.join("\", \"", ids.subList(from, to));
  }

  static Stream<Case> cases() {
    return Stream.of(
        new Case(
            "DescribeAccount",
            "GET",
            t -> "/v1/account",
            null,
            false,
            DescribeAccountResponse.getDefaultInstance(),
            t -> t.tenant().describeAccount(DescribeAccountRequest.getDefaultInstance())),
        new Case(
            "DescribePrices",
            "GET",
            t -> "/v1/prices",
            null,
            false,
            DescribePricesResponse.getDefaultInstance(),
            t -> t.tenant().describePrices(DescribePricesRequest.getDefaultInstance())),
        new Case(
            "DescribeInstances",
            "GET",
            t -> "/v1/instances?states=RUNNING&charge_type=PREPAID&pageSize=2",
            null,
            false,
            DescribeInstancesResponse.getDefaultInstance(),
            t ->
                t.tenant()
                    .describeInstances(
                        DescribeInstancesRequest.newBuilder()
                            .addStates(Instance.State.RUNNING)
                            .setChargeType(Instance.ChargeType.PREPAID)
                            .setPageSize(2)
                            .build())),
        new Case(
            "InquiryPriceRenewInstances",
            "POST",
            t -> "/v1/instances:inquiryPriceRenew",
            t ->
                "{\"instanceIds\": [\""
                    + t.idList(0, 2)
                    + "\"], \"periodMonths\": 12, \"bandwidthMbps\": 5}",
            false,
            InquiryPriceRenewInstancesResponse.getDefaultInstance(),
            t ->
                t.tenant()
                    .inquiryPriceRenewInstances(
                        InquiryPriceRenewInstancesRequest.newBuilder()
                            .addAllInstanceIds(t.ids.subList(0, 2))
                            .setPeriodMonths(12)
                            .setBandwidthMbps(5)
                            .build())),
        new Case(
            "RenewInstances",
            "POST",
            t -> "/v1/instances:renew",
            t ->
                "{\"instance_ids\": [\""
                    + t.idList(0, 2)
                    + "\"], \"period_months\": 1, \"client_token\": \"http-renew-1\"}",
            false,
            RenewInstancesResponse.getDefaultInstance(),
            t ->
                t.tenant()
                    .renewInstances(
                        RenewInstancesRequest.newBuilder()
                            .addAllInstanceIds(t.ids.subList(0, 2))
                            .setPeriodMonths(1)
                            .setClientToken("http-renew-1")
                            .build())),
        new Case(
            "SetAutoRenew",
            "POST",
            t -> "/v1/instances:setAutoRenew",
            t ->
                "{\"instanceIds\": [\""
                    + t.idList(1, 3)
                    + "\"], \"renewFlag\": \"NOTIFY_AND_AUTO_RENEW\", \"autoRenewPeriodMonths\": 3,"
                    + " \"clientToken\": \"http-auto-1\"}",
            false,
            SetAutoRenewResponse.getDefaultInstance(),
            t ->
                t.tenant()
                    .setAutoRenew(
                        SetAutoRenewRequest.newBuilder()
                            .addAllInstanceIds(t.ids.subList(1, 3))
                            .setRenewFlag(RenewFlag.NOTIFY_AND_AUTO_RENEW)
                            .setAutoRenewPeriodMonths(3)
                            .setClientToken("http-auto-1")
                            .build())),
        // After SetAutoRenew: the two auto-renewing instances have charges in the horizon.
        new Case(
            "DescribeRenewalForecast",
            "GET",
            t -> "/v1/renewalForecast?horizonDays=60",
            null,
            false,
            DescribeRenewalForecastResponse.getDefaultInstance(),
            t ->
                t.tenant()
                    .describeRenewalForecast(
                        DescribeRenewalForecastRequest.newBuilder().setHorizonDays(60).build())),
        new Case(
            "InquiryPriceUnifiedExpiry",
            "POST",
            t -> "/v1/instances:inquiryPriceUnifiedExpiry",
            t -> "{\"instanceIds\": [\"" + t.idList(2, 4) + "\"], \"expiryDay\": 15}",
            false,
            InquiryPriceUnifiedExpiryResponse.getDefaultInstance(),
            t ->
                t.tenant()
                    .inquiryPriceUnifiedExpiry(
                        InquiryPriceUnifiedExpiryRequest.newBuilder()
                            .addAllInstanceIds(t.ids.subList(2, 4))
                            .setExpiryDay(15)
                            .build())),
        new Case(
            "SetUnifiedExpiry",
            "POST",
            t -> "/v1/instances:setUnifiedExpiry",
            t ->
                "{\"instanceIds\": [\""
                    + t.idList(2, 4)
                    + "\"], \"expiryDay\": 15, \"clientToken\": \"http-align-1\"}",
            false,
            SetUnifiedExpiryResponse.getDefaultInstance(),
            t ->
                t.tenant()
                    .setUnifiedExpiry(
                        SetUnifiedExpiryRequest.newBuilder()
                            .addAllInstanceIds(t.ids.subList(2, 4))
                            .setExpiryDay(15)
                            .setClientToken("http-align-1")
                            .build())),
        new Case(
            "TerminateInstances",
            "POST",
            t -> "/v1/instances:terminate",
            t ->
                "{\"instanceIds\": [\""
                    + t.postpaid
                    + "\"], \"clientToken\": \"http-terminate-1\"}",
            false,
            TerminateInstancesResponse.getDefaultInstance(),
            t ->
                t.tenant()
                    .terminateInstances(
                        TerminateInstancesRequest.newBuilder()
                            .addInstanceIds(t.postpaid)
                            .setClientToken("http-terminate-1")
                            .build())),
        new Case(
            "DescribeBillingRecords",
            "GET",
            t -> "/v1/billingRecords?page_size=3",
            null,
            false,
            DescribeBillingRecordsResponse.getDefaultInstance(),
            t ->
                t.tenant()
                    .describeBillingRecords(
                        DescribeBillingRecordsRequest.newBuilder().setPageSize(3).build())),
        new Case(
            "ListEvents",
            "GET",
            t -> "/v1/events?afterEventId=0&pageSize=50",
            null,
            false,
            ListEventsResponse.getDefaultInstance(),
            t ->
                t.tenant()
                    .listEvents(
                        ListEventsRequest.newBuilder().setAfterEventId(0).setPageSize(50).build())),
        new Case(
            "TopUpBalance",
            "POST",
            t -> "/v1/accounts/" + t.account.accountId() + ":topUp",
            t ->
                "{\"amount\": {\"currencyCode\": \"CNY\", \"units\": \"100\", \"nanos\": 500000000},"
                    + " \"clientToken\": \"http-topup-1\"}",
            true,
            TopUpBalanceResponse.getDefaultInstance(),
            t ->
                t.server
                    .admin()
                    .topUpBalance(
                        TopUpBalanceRequest.newBuilder()
                            .setAccountId(t.account.accountId())
                            .setAmount(TestServer.money(10_050))
                            .setClientToken("http-topup-1")
                            .build())),
        new Case(
            "CreateInstances",
            "POST",
            t -> "/v1/accounts/" + t.account.accountId() + "/instances",
            t ->
                "{\"instanceType\": \"S5.MEDIUM4\", \"chargeType\": \"PREPAID\", \"bandwidthMbps\": 2,"
                    + " \"count\": 2, \"periodMonths\": 1, \"clientToken\": \"http-create-1\"}",
            true,
            CreateInstancesResponse.getDefaultInstance(),
            t ->
                t.server
                    .admin()
                    .createInstances(
                        CreateInstancesRequest.newBuilder()
                            .setAccountId(t.account.accountId())
                            .setInstanceType("S5.MEDIUM4")
                            .setChargeType(Instance.ChargeType.PREPAID)
                            .setBandwidthMbps(2)
                            .setCount(2)
                            .setPeriodMonths(1)
                            .setClientToken("http-create-1")
                            .build())),
        new Case(
            "DescribePriceCatalog",
            "GET",
            t -> "/v1/priceCatalog?effectiveTime=2027-01-01T00:00:00Z&includeHistory=true",
            null,
            true,
            DescribePriceCatalogResponse.getDefaultInstance(),
            t ->
                t.server
                    .admin()
                    .describePriceCatalog(
                        DescribePriceCatalogRequest.newBuilder()
                            .setEffectiveTime(
                                TestServer.timestamp(Instant.parse("2027-01-01T00:00:00Z")))
                            .setIncludeHistory(true)
                            .build())),
        new Case(
            "SetPriceCatalog",
            "POST",
            t -> "/v1/priceCatalog",
            t ->
                "{\"instanceTypes\": ["
                    + "{\"instanceType\": \"S5.SMALL2\", \"monthlyPrice\": {\"currencyCode\": \"CNY\", \"units\": \"55\"}},"
                    + "{\"instanceType\": \"S5.MEDIUM4\", \"monthlyPrice\": {\"currencyCode\": \"CNY\", \"units\": \"100\"}},"
                    + "{\"instanceType\": \"S5.LARGE8\", \"monthlyPrice\": {\"currencyCode\": \"CNY\", \"units\": \"200\"}}],"
                    + " \"bandwidthMonthlyPricePerMbps\": {\"currencyCode\": \"CNY\", \"units\": \"12\"},"
                    + " \"periodDiscounts\": ["
                    + PERIODS_JSON
                    + "], \"effectiveTime\": \"2099-01-01T00:00:00Z\", \"clientToken\": \"http-prices-1\"}",
            true,
            SetPriceCatalogResponse.getDefaultInstance(),
            t -> {
              SetPriceCatalogRequest.Builder b =
                  SetPriceCatalogRequest.newBuilder()
                      .addInstanceTypes(typePrice("S5.SMALL2", 5_500))
                      .addInstanceTypes(typePrice("S5.MEDIUM4", 10_000))
                      .addInstanceTypes(typePrice("S5.LARGE8", 20_000))
                      .setBandwidthMonthlyPricePerMbps(TestServer.money(1_200))
                      .setEffectiveTime(TestServer.timestamp(Instant.parse("2099-01-01T00:00:00Z")))
                      .setClientToken("http-prices-1");
              PERIODS.forEach(
                  (m, p) ->
                      b.addPeriodDiscounts(
                          PeriodDiscount.newBuilder().setPeriodMonths(m).setDiscountPercent(p)));
              return t.server.admin().setPriceCatalog(b.build());
            }),
        new Case(
            "GetTime",
            "GET",
            t -> "/v1/testClock",
            null,
            true,
            GetTimeResponse.getDefaultInstance(),
            t -> t.clock().getTime(GetTimeRequest.getDefaultInstance())),
        // The two without a client_token: what HTTP created is then read over gRPC.
        new Case(
            "CreateAccount",
            "POST",
            t -> "/v1/accounts",
            t ->
                "{\"displayName\": \"Acme\", \"billingTimeZone\": \"Europe/Berlin\","
                    + " \"initialBalance\": {\"currencyCode\": \"CNY\", \"units\": \"500\"}}",
            true,
            CreateAccountResponse.getDefaultInstance(),
            null),
        new Case(
            "CreateApiKey",
            "POST",
            t -> "/v1/accounts/" + t.account.accountId() + "/apiKeys",
            t -> "{}",
            true,
            CreateApiKeyResponse.getDefaultInstance(),
            null),
        // Its additional binding (admin and support keys have no account for the path).
        new Case(
            "CreateApiKey",
            "POST",
            t -> "/v1/apiKeys",
            t -> "{\"accountId\": \"" + t.account.accountId() + "\"}",
            true,
            CreateApiKeyResponse.getDefaultInstance(),
            null),
        new Case(
            "ListApiKeys",
            "GET",
            t -> "/v1/apiKeys?accountId=" + t.account.accountId() + "&pageSize=10",
            null,
            true,
            ListApiKeysResponse.getDefaultInstance(),
            t ->
                t.server
                    .admin()
                    .listApiKeys(
                        ListApiKeysRequest.newBuilder()
                            .setAccountId(t.account.accountId())
                            .setPageSize(10)
                            .build())),
        // Revoking again answers the same: the gRPC call repeats the HTTP one.
        new Case(
            "RevokeApiKey",
            "POST",
            t -> "/v1/apiKeys/" + t.revocableKeyId() + ":revoke",
            t -> "{}",
            true,
            RevokeApiKeyResponse.getDefaultInstance(),
            t ->
                t.server
                    .admin()
                    .revokeApiKey(
                        RevokeApiKeyRequest.newBuilder().setKeyId(t.revocableKeyId()).build())),
        // AdvanceTime: the clock the HTTP call moved is the one gRPC then reads.
        new Case(
            "AdvanceTime",
            "POST",
            t -> "/v1/testClock:advance",
            t -> "{\"by\": \"3600s\"}",
            true,
            AdvanceTimeResponse.getDefaultInstance(),
            null));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void everyUnaryRpcOverHttpAnswersAsOverGrpc(Case c) throws Exception {
    String key = c.admin() ? TestServer.ADMIN_KEY : account.apiKey();
    Http.Reply reply =
        c.method().equals("GET")
            ? http.get(c.path().apply(this), key)
            : http.post(c.path().apply(this), key, c.body().apply(this));
    assertThat(reply.status()).as(reply.body()).isEqualTo(200);
    assertThat(reply.header("content-type")).startsWith("application/json");
    assertThat(reply.header("x-request-id")).isNotBlank();
    Message overHttp = reply.as(c.prototype());
    switch (c.rpc()) {
      case "CreateAccount" -> {
        CreateAccountResponse created = (CreateAccountResponse) overHttp;
        assertThat(created.getAccount().getDisplayName()).isEqualTo("Acme");
        assertThat(
                server
                    .tenant(created.getApiKey())
                    .describeAccount(DescribeAccountRequest.getDefaultInstance())
                    .getAccount())
            .isEqualTo(created.getAccount());
      }
      case "CreateApiKey" ->
          assertThat(
                  server
                      .tenant(((CreateApiKeyResponse) overHttp).getApiKey())
                      .describeAccount(DescribeAccountRequest.getDefaultInstance())
                      .getAccount()
                      .getAccountId())
              .isEqualTo(account.accountId());
      case "AdvanceTime" -> {
        AdvanceTimeResponse advanced = (AdvanceTimeResponse) overHttp;
        assertThat(clock().getTime(GetTimeRequest.getDefaultInstance()).getNow())
            .isEqualTo(advanced.getNow());
      }
      default -> {
        Message overGrpc = c.grpc().apply(this);
        assertThat(overHttp).isEqualTo(overGrpc);
        // The very text grpcurl prints for the gRPC response (JsonFormat, laid out as Go does).
        assertThat(reply.body())
            .isEqualTo(
                JsonText.indent(
                    JsonFormat.printer().omittingInsignificantWhitespace().print(overGrpc)));
      }
    }
    if (c.rpc().equals("DescribeRenewalForecast")) {
      // Not an empty answer compared with an empty one.
      assertThat(((DescribeRenewalForecastResponse) overHttp).getChargesCount()).isPositive();
    }
    covered.add(c.rpc());
  }

  @Test
  void queryParametersTakeProtoAndLowerCamelNamesAndRepeatedValues() {
    Http.Reply snake =
        http.get(
            "/v1/instances?instance_ids=" + ids.get(0) + "&instance_ids=" + ids.get(1),
            account.apiKey());
    Http.Reply camel =
        http.get(
            "/v1/instances?instanceIds=" + ids.get(0) + "&instanceIds=" + ids.get(1),
            account.apiKey());
    assertThat(snake.status()).isEqualTo(200);
    assertThat(snake.as(DescribeInstancesResponse.getDefaultInstance()).getInstancesList())
        .extracting(Instance::getInstanceId)
        .containsExactlyInAnyOrder(ids.get(0), ids.get(1));
    assertThat(camel.body()).isEqualTo(snake.body());
  }

  @Test
  void adminAndSupportKeysAreCreatedAtTheAdditionalBinding() {
    Http.Reply admin =
        http.post("/v1/apiKeys", TestServer.ADMIN_KEY, "{\"admin\": true, \"name\": \"ops-http\"}");
    assertThat(admin.status()).as(admin.body()).isEqualTo(200);
    CreateApiKeyResponse adminKey = admin.as(CreateApiKeyResponse.getDefaultInstance());
    assertThat(adminKey.getKeyInfo().getAdmin()).isTrue();
    assertThat(adminKey.getKeyInfo().getName()).isEqualTo("ops-http");
    assertThat(http.get("/v1/apiKeys?admin=true", adminKey.getApiKey()).status()).isEqualTo(200);

    Http.Reply support =
        http.post(
            "/v1/apiKeys",
            TestServer.ADMIN_KEY,
            "{\"support\": true, \"name\": \"helpdesk-http\", \"description\": \"tier 1\"}");
    assertThat(support.status()).as(support.body()).isEqualTo(200);
    CreateApiKeyResponse supportKey = support.as(CreateApiKeyResponse.getDefaultInstance());
    assertThat(supportKey.getKeyInfo().getSupport()).isTrue();
    assertThat(supportKey.getKeyInfo().getAdmin()).isFalse();
    assertThat(supportKey.getKeyInfo().getDescription()).isEqualTo("tier 1");
    Http.Reply read =
        http.get("/v1/account?accountId=" + account.accountId(), supportKey.getApiKey());
    assertThat(read.status()).as(read.body()).isEqualTo(200);
    assertThat(read.as(DescribeAccountResponse.getDefaultInstance()).getAccount().getAccountId())
        .isEqualTo(account.accountId());
    Http.Reply listed = http.get("/v1/apiKeys?support=true", TestServer.ADMIN_KEY);
    assertThat(listed.as(ListApiKeysResponse.getDefaultInstance()).getApiKeysList())
        .extracting(ApiKey::getKeyId)
        .contains(supportKey.getKeyInfo().getKeyId());

    Http.Reply refused = http.get("/v1/apiKeys?support=true", supportKey.getApiKey());
    assertThat(refused.status()).isEqualTo(403);
    assertThat(refused.errorInfo().getReason()).isEqualTo("SUPPORT_KEY_READ_ONLY");
    Http.Reply both =
        http.post(
            "/v1/apiKeys",
            TestServer.ADMIN_KEY,
            "{\"admin\": true, \"support\": true, \"name\": \"both\"}");
    assertThat(both.status()).isEqualTo(400);
    assertThat(both.errorInfo().getReason()).isEqualTo("INVALID_KEY_KIND");
  }
}
