package com.cvmbilling.renewal.server.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.api.AnnotationsProto;
import com.google.api.HttpRule;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.MethodDescriptor;
import com.google.protobuf.Descriptors.ServiceDescriptor;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The OpenAPI 3.0 document of the HTTP/JSON API, generated from the services' proto descriptors and
 * their {@code google.api.http} rules: the very annotations that route the calls, so the document
 * cannot drift from what the port serves. Other stacks generate clients from it.
 *
 * <p>Schemas follow the proto3 JSON mapping, as the port speaks it: lowerCamelCase names, 64-bit
 * integers as strings, enums by name, {@code Timestamp} as an RFC 3339 string, {@code Duration} as
 * seconds with an {@code s}. GET requests take the request's scalar, enum and {@code Timestamp}
 * fields as query parameters; {@code body: "*"} requests take the whole request message as the
 * body. Every operation may answer with a {@code google.rpc.Status} (the {@code default} response).
 * The server-streaming WatchEvents answers as Server-Sent Events whose data is an {@code Event}.
 */
final class OpenApiDocument {
  /** Where the port serves the document (no API key needed). */
  static final String PATH = "/v1/openapi.json";

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  private static final Pattern PATH_VARIABLE = Pattern.compile("\\{([a-z0-9_.]+)(=[^}]*)?}");
  private static final String SCHEMAS = "#/components/schemas/";
  private static final String ERROR_SCHEMA = "google.rpc.Status";

  /** Well-known types whose JSON form is not their message form. */
  private static final Map<String, Map<String, Object>> WELL_KNOWN =
      Map.of(
          "google.protobuf.Timestamp", Map.of("type", "string", "format", "date-time"),
          "google.protobuf.Duration",
              Map.of("type", "string", "pattern", "^-?[0-9]+(\\.[0-9]{1,9})?s$"),
          "google.protobuf.FieldMask", Map.of("type", "string"),
          "google.protobuf.Empty", Map.of("type", "object"),
          "google.protobuf.Struct", Map.of("type", "object", "additionalProperties", true),
          "google.protobuf.Value", Map.of(),
          "google.protobuf.Any",
              Map.of(
                  "type",
                  "object",
                  "properties",
                  Map.of("@type", Map.of("type", "string")),
                  "additionalProperties",
                  true));

  private OpenApiDocument() {}

  /** The document for these services (the ones the port serves), as indented JSON. */
  static String json(List<ServiceDescriptor> services) {
    // The API's version is its proto package's last part (cvm.renewal.v1).
    String pkg = services.isEmpty() ? "" : services.get(0).getFile().getPackage();
    String version = pkg.substring(pkg.lastIndexOf('.') + 1);
    ObjectNode doc = JSON.createObjectNode();
    doc.put("openapi", "3.0.3");
    ObjectNode info = doc.putObject("info");
    info.put("title", "CVM prepaid instance renewal API");
    info.put("version", version);
    info.put(
        "description",
        "HTTP/JSON face of the gRPC API (proto3 JSON mapping). Errors are google.rpc.Status"
            + " with the HTTP status of their gRPC code. Send Authorization: Bearer <api key>;"
            + " an Idempotency-Key header may stand for a request's client_token.");
    ObjectNode components = doc.putObject("components");
    ObjectNode bearer = components.putObject("securitySchemes").putObject("bearer");
    bearer.put("type", "http");
    bearer.put("scheme", "bearer");
    doc.putArray("security").addObject().putArray("bearer");

    Set<Descriptor> messages = new LinkedHashSet<>();
    messages.add(com.google.rpc.Status.getDescriptor());
    Map<String, ObjectNode> paths = new TreeMap<>();
    for (ServiceDescriptor service : services) {
      for (MethodDescriptor method : service.getMethods()) {
        HttpRule primary = method.getOptions().getExtension(AnnotationsProto.http);
        // The rule and its additional_bindings (AIP-127), each an operation of its own: the
        // first keeps the method's name as its operationId, the others add _2, _3, ...
        List<HttpRule> rules = new ArrayList<>();
        rules.add(primary);
        rules.addAll(primary.getAdditionalBindingsList());
        for (int binding = 0; binding < rules.size(); binding++) {
          addOperation(
              paths,
              service,
              method,
              rules.get(binding),
              method.getName() + (binding == 0 ? "" : "_" + (binding + 1)),
              messages);
        }
      }
    }
    ObjectNode pathsNode = doc.putObject("paths");
    paths.forEach(pathsNode::set);

    ObjectNode schemas = components.putObject("schemas");
    Set<Descriptor> done = new LinkedHashSet<>();
    while (!messages.isEmpty()) {
      Descriptor next = messages.iterator().next();
      messages.remove(next);
      if (done.add(next) && !WELL_KNOWN.containsKey(next.getFullName())) {
        schemas.set(next.getFullName(), messageSchema(next, messages));
      }
    }
    try {
      return JSON.writeValueAsString(doc) + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a tree of plain nodes always writes", e);
    }
  }

  /** One HTTP binding of a method as an OpenAPI operation; its messages join {@code messages}. */
  private static void addOperation(
      Map<String, ObjectNode> paths,
      ServiceDescriptor service,
      MethodDescriptor method,
      HttpRule rule,
      String operationId,
      Set<Descriptor> messages) {
    Route route = Route.of(rule);
    if (route == null) {
      return;
    }
    String template = route.template();
    ObjectNode operation =
        paths
            .computeIfAbsent(openApiPath(template), p -> JSON.createObjectNode())
            .putObject(route.verb());
    operation.put("operationId", operationId);
    operation.putArray("tags").add(service.getName());
    Set<String> pathFields = pathFields(template);
    ArrayNode parameters = JSON.createArrayNode();
    for (String field : pathFields) {
      ObjectNode p = parameters.addObject();
      p.put("name", field);
      p.put("in", "path");
      p.put("required", true);
      p.set("schema", JSON.valueToTree(Map.of("type", "string")));
    }
    if (rule.getBody().isEmpty()) {
      addQueryParameters(parameters, method.getInputType(), pathFields);
    } else {
      ObjectNode body = operation.putObject("requestBody");
      body.put("required", true);
      body.putObject("content")
          .putObject("application/json")
          .set("schema", ref(method.getInputType(), messages));
    }
    if (!parameters.isEmpty()) {
      operation.set("parameters", parameters);
    }
    ObjectNode responses = operation.putObject("responses");
    ObjectNode ok = responses.putObject("200");
    if (method.isServerStreaming()) {
      ok.put(
          "description",
          "Server-Sent Events: each has id = event_id and data = the message as JSON; resume"
              + " with the Last-Event-ID header. A stream that fails ends with an event of"
              + " type error whose data is a google.rpc.Status.");
      ok.putObject("content")
          .putObject("text/event-stream")
          .set("schema", ref(method.getOutputType(), messages));
    } else {
      ok.put("description", "OK");
      ok.putObject("content")
          .putObject("application/json")
          .set("schema", ref(method.getOutputType(), messages));
    }
    ObjectNode error = responses.putObject("default");
    error.put("description", "An error: google.rpc.Status (ErrorInfo.reason says which)");
    error
        .putObject("content")
        .putObject("application/json")
        .set("schema", JSON.createObjectNode().put("$ref", SCHEMAS + ERROR_SCHEMA));
  }

  /** An HTTP rule's verb (lower case, as OpenAPI keys it) and path template. */
  private record Route(String verb, String template) {
    static Route of(HttpRule rule) {
      return switch (rule.getPatternCase()) {
        case GET -> new Route("get", rule.getGet());
        case POST -> new Route("post", rule.getPost());
        case PUT -> new Route("put", rule.getPut());
        case DELETE -> new Route("delete", rule.getDelete());
        case PATCH -> new Route("patch", rule.getPatch());
        default -> null;
      };
    }
  }

  /** {@code /v1/accounts/{account_id=*}:topUp} as OpenAPI writes it: {@code {account_id}}. */
  private static String openApiPath(String template) {
    return PATH_VARIABLE.matcher(template).replaceAll("{$1}");
  }

  private static Set<String> pathFields(String template) {
    Set<String> fields = new LinkedHashSet<>();
    Matcher m = PATH_VARIABLE.matcher(template);
    while (m.find()) {
      fields.add(m.group(1));
    }
    return fields;
  }

  private static void addQueryParameters(
      ArrayNode parameters, Descriptor request, Set<String> pathFields) {
    for (FieldDescriptor field : request.getFields()) {
      if (pathFields.contains(field.getName())) {
        continue;
      }
      boolean timestamp =
          field.getJavaType() == FieldDescriptor.JavaType.MESSAGE
              && field.getMessageType().getFullName().equals("google.protobuf.Timestamp");
      if (field.getJavaType() == FieldDescriptor.JavaType.MESSAGE && !timestamp) {
        continue; // not expressible as a query parameter
      }
      ObjectNode p = parameters.addObject();
      p.put("name", field.getJsonName());
      p.put("in", "query");
      ObjectNode schema = scalarSchema(field, new LinkedHashSet<>());
      if (field.isRepeated()) {
        ObjectNode array = JSON.createObjectNode();
        array.put("type", "array");
        array.set("items", schema);
        p.set("schema", array);
        p.put("explode", true);
      } else {
        p.set("schema", schema);
      }
    }
  }

  private static ObjectNode messageSchema(Descriptor message, Set<Descriptor> pending) {
    ObjectNode schema = JSON.createObjectNode();
    schema.put("type", "object");
    ObjectNode properties = schema.putObject("properties");
    for (FieldDescriptor field : message.getFields()) {
      properties.set(field.getJsonName(), fieldSchema(field, pending));
    }
    return schema;
  }

  private static ObjectNode fieldSchema(FieldDescriptor field, Set<Descriptor> pending) {
    if (field.isMapField()) {
      FieldDescriptor value = field.getMessageType().findFieldByName("value");
      ObjectNode map = JSON.createObjectNode();
      map.put("type", "object");
      map.set("additionalProperties", scalarSchema(value, pending));
      return map;
    }
    ObjectNode one = scalarSchema(field, pending);
    if (!field.isRepeated()) {
      return one;
    }
    ObjectNode array = JSON.createObjectNode();
    array.put("type", "array");
    array.set("items", one);
    return array;
  }

  /** The schema of one value of {@code field} (an element, if it is repeated). */
  private static ObjectNode scalarSchema(FieldDescriptor field, Set<Descriptor> pending) {
    ObjectNode s = JSON.createObjectNode();
    switch (field.getType()) {
      case INT32, SINT32, SFIXED32, UINT32, FIXED32 -> {
        s.put("type", "integer");
        s.put("format", "int32");
      }
      case INT64, SINT64, SFIXED64, UINT64, FIXED64 -> {
        s.put("type", "string");
        s.put("format", "int64");
      }
      case DOUBLE -> {
        s.put("type", "number");
        s.put("format", "double");
      }
      case FLOAT -> {
        s.put("type", "number");
        s.put("format", "float");
      }
      case BOOL -> s.put("type", "boolean");
      case STRING -> s.put("type", "string");
      case BYTES -> {
        s.put("type", "string");
        s.put("format", "byte");
      }
      case ENUM -> {
        s.put("type", "string");
        ArrayNode values = s.putArray("enum");
        for (EnumValueDescriptor v : field.getEnumType().getValues()) {
          values.add(v.getName());
        }
      }
      case MESSAGE, GROUP -> {
        return ref(field.getMessageType(), pending);
      }
    }
    return s;
  }

  private static ObjectNode ref(Descriptor message, Set<Descriptor> pending) {
    Map<String, Object> wellKnown = WELL_KNOWN.get(message.getFullName());
    if (wellKnown != null) {
      return JSON.valueToTree(wellKnown);
    }
    pending.add(message);
    return JSON.createObjectNode().put("$ref", SCHEMAS + message.getFullName());
  }
}
