package com.cvmbilling.renewal.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.cvmbilling.renewal.server.testing.TcpTestServer;
import com.cvmbilling.renewal.server.testing.TestDatabases;
import com.cvmbilling.renewal.server.testing.Tier;
import com.cvmbilling.renewal.v1.AdminServiceGrpc;
import com.cvmbilling.renewal.v1.RenewalServiceGrpc;
import com.cvmbilling.renewal.v1.TestClockServiceGrpc;
import com.google.api.AnnotationsProto;
import com.google.api.HttpRule;
import com.google.protobuf.Descriptors.MethodDescriptor;
import com.google.protobuf.Descriptors.ServiceDescriptor;
import io.grpc.protobuf.ProtoServiceDescriptorSupplier;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The OpenAPI document: served without a key, valid OpenAPI 3 (swagger-parser finds no problem),
 * one operation for every annotated RPC at its annotated path and verb, and schemas in the proto3
 * JSON mapping the port speaks.
 */
@Tier.H2
@Tier.Network
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OpenApiDocumentTest {
  private TestDatabases.TestDatabase db;
  private TcpTestServer server;
  private Http.Reply served;
  private OpenAPI api;

  @BeforeAll
  void start() {
    db = TestDatabases.h2();
    server =
        new TcpTestServer(db.settings(), b -> b.port(0).httpPort(0).testClock(true, Instant.now()));
    served = new Http(server.server().httpPort()).get(OpenApiDocument.PATH, null);
    ParseOptions options = new ParseOptions();
    options.setResolve(false);
    SwaggerParseResult parsed = new OpenAPIV3Parser().readContents(served.body(), null, options);
    assertThat(parsed.getMessages()).as("the OpenAPI parser's complaints").isEmpty();
    api = parsed.getOpenAPI();
  }

  @AfterAll
  void stop() {
    server.close();
    db.close();
  }

  @Test
  void isServedAsJsonWithoutAKey() {
    assertThat(served.status()).isEqualTo(200);
    assertThat(served.headers().firstValue("content-type"))
        .hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
    assertThat(api.getOpenapi()).startsWith("3.0");
    assertThat(api.getInfo().getVersion()).isEqualTo("v1");
    assertThat(api.getComponents().getSecuritySchemes()).containsKey("bearer");
  }

  @Test
  void everyAnnotatedRpcIsAnOperationAtItsPathAndVerb() {
    List<String> expected = new ArrayList<>();
    List<String> found = new ArrayList<>();
    for (io.grpc.ServiceDescriptor grpc :
        List.of(
            RenewalServiceGrpc.getServiceDescriptor(),
            AdminServiceGrpc.getServiceDescriptor(),
            TestClockServiceGrpc.getServiceDescriptor())) {
      ServiceDescriptor service =
          ((ProtoServiceDescriptorSupplier) grpc.getSchemaDescriptor()).getServiceDescriptor();
      for (MethodDescriptor method : service.getMethods()) {
        HttpRule primary = method.getOptions().getExtension(AnnotationsProto.http);
        assertThat(primary.getPatternCase())
            .as(method.getFullName() + " has an HTTP rule")
            .isNotEqualTo(HttpRule.PatternCase.PATTERN_NOT_SET);
        List<HttpRule> rules = new ArrayList<>(List.of(primary));
        rules.addAll(primary.getAdditionalBindingsList());
        for (int binding = 0; binding < rules.size(); binding++) {
          HttpRule rule = rules.get(binding);
          String path = (rule.hasGet() ? rule.getGet() : rule.getPost()).replaceAll("=[^}]*}", "}");
          PathItem item = api.getPaths().get(path);
          assertThat(item).as(path).isNotNull();
          Operation op = rule.hasGet() ? item.getGet() : item.getPost();
          assertThat(op).as(path + " " + rule.getPatternCase()).isNotNull();
          expected.add(method.getName() + (binding == 0 ? "" : "_" + (binding + 1)));
          found.add(op.getOperationId());
          assertThat(op.getResponses()).containsKeys("200", "default");
          assertThat(op.getResponses().get("default").getContent().get("application/json"))
              .extracting(m -> m.getSchema().get$ref())
              .isEqualTo("#/components/schemas/google.rpc.Status");
        }
      }
    }
    assertThat(found).isEqualTo(expected).contains("CreateApiKey_2");
    long operations =
        api.getPaths().values().stream().mapToLong(p -> p.readOperations().size()).sum();
    assertThat(operations).as("no operation without an RPC").isEqualTo(expected.size());
  }

  @Test
  void requestsAreBodiesForPostsAndQueryParametersForGets() {
    Operation renew = api.getPaths().get("/v1/instances:renew").getPost();
    assertThat(renew.getRequestBody().getContent().get("application/json").getSchema().get$ref())
        .isEqualTo("#/components/schemas/cvm.renewal.v1.RenewInstancesRequest");
    Operation describe = api.getPaths().get("/v1/instances").getGet();
    assertThat(describe.getParameters())
        .extracting(p -> p.getName() + " in " + p.getIn())
        .contains("instanceIds in query", "pageSize in query", "expiringBefore in query");
    Operation topUp = api.getPaths().get("/v1/accounts/{account_id}:topUp").getPost();
    assertThat(topUp.getParameters())
        .extracting(p -> p.getName() + " in " + p.getIn())
        .containsExactly("account_id in path");
    Operation createKey = api.getPaths().get("/v1/apiKeys").getPost();
    assertThat(createKey.getParameters()).as("no path parameter").isNull();
    assertThat(
            createKey.getRequestBody().getContent().get("application/json").getSchema().get$ref())
        .isEqualTo("#/components/schemas/cvm.renewal.v1.CreateApiKeyRequest");
    Operation watch = api.getPaths().get("/v1/events:watch").getGet();
    assertThat(watch.getResponses().get("200").getContent()).containsKey("text/event-stream");
  }

  @Test
  void schemasFollowTheProto3JsonMapping() {
    Map<String, Schema> schemas = api.getComponents().getSchemas();
    Map<String, Schema> instance = schemas.get("cvm.renewal.v1.Instance").getProperties();
    assertThat(instance).containsKeys("instanceId", "expiredTime", "renewFlag", "bandwidthMbps");
    assertThat(instance.get("expiredTime").getType()).isEqualTo("string");
    assertThat(instance.get("expiredTime").getFormat()).isEqualTo("date-time");
    assertThat(instance.get("state").getEnum()).contains("RUNNING", "ISOLATED", "RELEASED");
    Map<String, Schema> event = schemas.get("cvm.renewal.v1.Event").getProperties();
    assertThat(event.get("eventId").getType()).as("int64 is a JSON string").isEqualTo("string");
    Map<String, Schema> money = schemas.get("google.type.Money").getProperties();
    assertThat(money.keySet()).containsExactlyInAnyOrder("currencyCode", "units", "nanos");
    assertThat(schemas).doesNotContainKey("google.protobuf.Timestamp");
  }
}
