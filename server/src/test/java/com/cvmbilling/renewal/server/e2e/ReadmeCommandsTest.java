package com.cvmbilling.renewal.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.cvmbilling.renewal.server.app.DemoData;
import com.cvmbilling.renewal.server.app.RenewalServer;
import com.cvmbilling.renewal.server.config.Problems;
import com.cvmbilling.renewal.server.config.ServerConfig;
import com.cvmbilling.renewal.server.config.ServerOptions;
import com.cvmbilling.renewal.server.testing.Errors;
import com.cvmbilling.renewal.server.testing.Tier;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.Descriptors.MethodDescriptor;
import com.google.protobuf.Descriptors.ServiceDescriptor;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.util.JsonFormat;
import io.grpc.CallOptions;
import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Every grpcurl and curl line of the README's "Calling it with grpcurl" and "Calling it over
 * HTTP/JSON with curl" sections, run as written and in README order (later lines replay earlier
 * lines' client tokens) against a server started as {@code --demo --http-port 8080} starts it, on
 * ephemeral ports. grpcurl lines go through reflection, as grpcurl does; curl lines are sent as
 * curl sends them. The README claims the lines work verbatim: this is the check.
 */
@Tier.H2
@Tier.Network
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ReadmeCommandsTest {
  private static final Set<String> SECTIONS =
      Set.of("Calling it with grpcurl", "Calling it over HTTP/JSON with curl");
  private static final String GRPC_TARGET = "localhost:50051";
  private static final String HTTP_TARGET = "localhost:8080";
  private static final String KEY_PLACEHOLDER = "key-<id from the list>";
  private static final Duration CALL_TIMEOUT = Duration.ofSeconds(20);
  private static final Pattern REASON = Pattern.compile("reason ([A-Z_]+)");
  private static final Pattern PRINTS = Pattern.compile("^`GET (\\S+)` prints:$");
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dataDir;

  private RenewalServer server;
  private ManagedChannel channel;
  private ReflectionClient reflection;
  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();
  private final ExecutorService sseReader = Executors.newCachedThreadPool();
  private final Map<String, ServiceDescriptor> services = new HashMap<>();

  /** The grpcurl answers of the mutating lines, by client_token: curl replays must equal them. */
  private final Map<String, JsonNode> grpcByToken = new HashMap<>();

  /** The first curl answer per path, for the README's "`GET path` prints:" samples. */
  private final Map<String, JsonNode> httpByPath = new HashMap<>();

  /** The key the README's revocation lines mean, from the latest ListApiKeys answer. */
  private String revocableKeyId;

  /** A README command line with the comment lines above it and (console blocks) its output. */
  record Line(int number, String command, List<String> comment, List<String> output) {
    boolean grpcurl() {
      return command.startsWith("grpcurl ");
    }

    /** The refusal the README's comment announces: "A refused call: CODE ... (reason R)". */
    Status.Code refusedWith() {
      String text = String.join(" ", comment);
      if (!text.toLowerCase(Locale.ROOT).contains("a refused call")) {
        return null;
      }
      return Arrays.stream(Status.Code.values())
          .filter(c -> c != Status.Code.OK && text.contains(c.name()))
          .findFirst()
          .orElseThrow(() -> new AssertionError("line " + number + ": refused with what code?"));
    }

    String refusalReason() {
      Matcher m = REASON.matcher(String.join(" ", comment));
      if (!m.find()) {
        throw new AssertionError("line " + number + ": refused with what reason?");
      }
      return m.group(1);
    }
  }

  record Readme(List<Line> lines, Map<String, String> printedByPath) {}

  @CommandLine.Command
  static final class Flags {
    @CommandLine.Mixin ServerOptions options = new ServerOptions();
  }

  @AfterEach
  void stop() {
    sseReader.shutdownNow();
    if (reflection != null) {
      reflection.close();
    }
    if (channel != null) {
      channel.shutdownNow();
    }
    if (server != null) {
      server.close();
    }
  }

  @Test
  void everyReadmeLineWorksAgainstTheDemo() throws Exception {
    Readme readme = readme();
    List<Line> lines = readme.lines();
    long grpcurl = lines.stream().filter(Line::grpcurl).count();
    // 31 grpcurl and 32 curl lines today: fewer means the extraction (or the README) broke.
    assertThat(lines).hasSizeGreaterThanOrEqualTo(60);
    assertThat(grpcurl).isGreaterThanOrEqualTo(25);
    assertThat(lines.size() - grpcurl).isGreaterThanOrEqualTo(25);

    startDemo();
    // In README order: later lines replay earlier lines' tokens and use what they made.
    for (Line line : lines) {
      if (line.grpcurl()) {
        grpcurl(line, lines);
      } else {
        curl(line);
      }
    }

    // The sample outputs the README prints for a GET.
    assertThat(readme.printedByPath()).isNotEmpty();
    readme
        .printedByPath()
        .forEach(
            (path, printed) -> {
              assertThat(httpByPath).as("a curl line GETs %s", path).containsKey(path);
              assertThat(httpByPath.get(path)).as("GET %s", path).isEqualTo(parse(printed));
            });
  }

  /** As {@code java -jar renewal-server.jar --demo --http-port 8080} does, on a fresh database. */
  private void startDemo() throws Exception {
    Flags flags = new Flags();
    new CommandLine(flags)
        .setCaseInsensitiveEnumValuesAllowed(true)
        .parseArgs("--demo", "--port", "0", "--http-port", "0", "--data-dir", dataDir.toString());
    Problems problems = Problems.ofDefaults();
    ServerConfig config = flags.options.toConfig(problems);
    assertThat(problems.lines()).isEmpty();
    assertThat(config.access().demo()).isTrue();
    server = RenewalServer.create(config);
    DemoData.seed(server.injector());
    server.start();
    channel = NettyChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
    reflection = new ReflectionClient(channel);
  }

  // ---- README ----

  private static Readme readme() throws Exception {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null && !Files.isRegularFile(dir.resolve("README.md"))) {
      dir = dir.getParent();
    }
    assertThat(dir).as("README.md above %s", Path.of("").toAbsolutePath()).isNotNull();
    return parseReadme(Files.readAllLines(dir.resolve("README.md"), StandardCharsets.UTF_8));
  }

  static Readme parseReadme(List<String> text) {
    List<Line> lines = new ArrayList<>();
    Map<String, String> printed = new LinkedHashMap<>();
    boolean inSection = false;
    boolean inFence = false;
    boolean console = false;
    String printsPath = null;
    StringBuilder fenced = new StringBuilder();
    List<String> comment = new ArrayList<>();
    boolean lastWasComment = false;
    List<String> output = null;
    for (int i = 0; i < text.size(); i++) {
      String s = text.get(i);
      if (!inFence && s.startsWith("## ")) {
        inSection = SECTIONS.contains(s.substring(3).strip());
        continue;
      }
      if (!inSection) {
        continue;
      }
      if (s.startsWith("```")) {
        if (inFence && printsPath != null) {
          printed.put(printsPath, fenced.toString());
          printsPath = null;
        }
        inFence = !inFence;
        console = inFence && s.strip().equals("```console");
        fenced.setLength(0);
        comment = new ArrayList<>();
        output = null;
        continue;
      }
      if (!inFence) {
        Matcher m = PRINTS.matcher(s.strip());
        if (m.matches()) {
          printsPath = m.group(1);
        } else if (!s.isBlank()) {
          printsPath = null;
        }
        continue;
      }
      fenced.append(s).append('\n');
      if (console) {
        if (s.startsWith("$ ")) {
          output = new ArrayList<>();
          lines.add(new Line(i + 1, s.substring(2), List.of(), output));
        } else if (output != null) {
          output.add(s);
        }
        continue;
      }
      if (s.startsWith("#")) {
        // A comment group describes the commands below it, up to the next group.
        if (!lastWasComment) {
          comment = new ArrayList<>();
        }
        comment.add(s);
        lastWasComment = true;
        continue;
      }
      lastWasComment = false;
      if (s.startsWith("grpcurl ") || s.startsWith("curl ")) {
        lines.add(new Line(i + 1, s, List.copyOf(comment), List.of()));
      } else if (!s.isBlank() && printsPath == null) {
        // Starting the server is the test's setup; anything else would go unchecked.
        assertThat(s).as("README line %d", i + 1).startsWith("java -jar ");
      }
    }
    return new Readme(lines, printed);
  }

  /** Words as a POSIX shell splits them, for the quoting the README uses. */
  static List<String> words(String line) {
    List<String> words = new ArrayList<>();
    StringBuilder word = null;
    char quote = 0;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (quote != 0) {
        if (c == quote) {
          quote = 0;
        } else {
          word.append(c);
        }
      } else if (c == '\'' || c == '"') {
        quote = c;
        word = word == null ? new StringBuilder() : word;
      } else if (Character.isWhitespace(c)) {
        if (word != null) {
          words.add(word.toString());
          word = null;
        }
      } else {
        // What a shell (bash or zsh) would not pass to the program as written.
        assertThat("\\$<>|;&()`*?[]{}!".indexOf(c))
            .as("unquoted '%s' in: %s", c, line)
            .isNegative();
        word = word == null ? new StringBuilder() : word;
        word.append(c);
      }
    }
    assertThat(quote).as("unclosed quote in: %s", line).isEqualTo((char) 0);
    if (word != null) {
      words.add(word.toString());
    }
    return words;
  }

  private static JsonNode parse(String json) {
    try {
      return JSON.readTree(json);
    } catch (Exception e) {
      throw new AssertionError("not JSON: " + json, e);
    }
  }

  /** The README's placeholder (the reader types the id over it), replaced by the key to revoke. */
  private String substituteKey(Line line, String command) {
    if (!command.contains(KEY_PLACEHOLDER)) {
      return command;
    }
    assertThat(revocableKeyId)
        .as("line %d: a ListApiKeys answer before it names the key", line.number())
        .isNotNull()
        .startsWith("key-");
    String replaced = command.replace(KEY_PLACEHOLDER, revocableKeyId);
    revocableKeyId = null;
    return replaced;
  }

  /**
   * Which key "key-<id from the list>" means: the one the README made with the description "billing
   * robot" and has not revoked yet (revoking the demo tenant key would break the lines after it).
   */
  private void rememberRevocable(Line line, JsonNode answer) {
    List<String> candidates = new ArrayList<>();
    for (JsonNode key : answer.path("apiKeys")) {
      if ("billing robot".equals(key.path("description").asText()) && !key.has("revokedTime")) {
        candidates.add(key.path("keyId").asText());
      }
    }
    if (!candidates.isEmpty()) {
      assertThat(candidates).as("line %d: unrevoked billing robot keys", line.number()).hasSize(1);
      revocableKeyId = candidates.get(0);
    }
  }

  // ---- grpcurl ----

  private void grpcurl(Line line, List<Line> all) throws Exception {
    List<String> words = words(substituteKey(line, line.command()));
    Metadata headers = new Metadata();
    String data = null;
    List<String> positional = new ArrayList<>();
    boolean plaintext = false;
    for (int i = 1; i < words.size(); i++) {
      String w = words.get(i);
      switch (w) {
        case "-plaintext" -> plaintext = true;
        case "-H" -> {
          String header = words.get(++i);
          int colon = header.indexOf(':');
          assertThat(colon).as("line %d: header %s", line.number(), header).isPositive();
          headers.put(
              Metadata.Key.of(
                  header.substring(0, colon).strip().toLowerCase(Locale.ROOT),
                  Metadata.ASCII_STRING_MARSHALLER),
              header.substring(colon + 1).strip());
        }
        case "-d" -> data = words.get(++i);
        default -> {
          assertThat(w)
              .as("line %d: a grpcurl flag the test does not know", line.number())
              .doesNotStartWith("-");
          positional.add(w);
        }
      }
    }
    // The server has no TLS here, as the demo; the README must say so to grpcurl.
    assertThat(plaintext).as("line %d: -plaintext", line.number()).isTrue();
    assertThat(positional).as("line %d: target and method", line.number()).hasSize(2);
    assertThat(positional.get(0)).as("line %d: target", line.number()).isEqualTo(GRPC_TARGET);
    String verb = positional.get(1);

    if (verb.equals("list")) {
      // grpcurl's list is reflection's list_services: every service the README calls is there.
      Set<String> called = new TreeSet<>();
      for (Line l : all) {
        if (l.grpcurl()) {
          String method = l.command().substring(l.command().lastIndexOf(' ') + 1);
          if (method.contains("/")) {
            called.add(method.substring(0, method.indexOf('/')));
          }
        }
      }
      assertThat(reflection.listServices()).as("line %d", line.number()).containsAll(called);
      return;
    }

    int slash = verb.indexOf('/');
    assertThat(slash).as("line %d: method %s", line.number(), verb).isPositive();
    MethodDescriptor method =
        service(verb.substring(0, slash)).findMethodByName(verb.substring(slash + 1));
    assertThat(method).as("line %d: %s served", line.number(), verb).isNotNull();
    assertThat(method.isClientStreaming() || method.isServerStreaming())
        .as("line %d: unary", line.number())
        .isFalse();

    DynamicMessage.Builder request = DynamicMessage.newBuilder(method.getInputType());
    if (data != null) {
      JsonFormat.parser().merge(data, request);
    }
    io.grpc.MethodDescriptor<DynamicMessage, DynamicMessage> call =
        io.grpc.MethodDescriptor.<DynamicMessage, DynamicMessage>newBuilder()
            .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
            .setFullMethodName(
                io.grpc.MethodDescriptor.generateFullMethodName(
                    method.getService().getFullName(), method.getName()))
            .setRequestMarshaller(
                ProtoUtils.marshaller(DynamicMessage.getDefaultInstance(method.getInputType())))
            .setResponseMarshaller(
                ProtoUtils.marshaller(DynamicMessage.getDefaultInstance(method.getOutputType())))
            .build();
    io.grpc.Channel withHeaders =
        ClientInterceptors.intercept(channel, MetadataUtils.newAttachHeadersInterceptor(headers));
    CallOptions options =
        CallOptions.DEFAULT.withDeadlineAfter(CALL_TIMEOUT.toSeconds(), TimeUnit.SECONDS);

    Status.Code refused = line.refusedWith();
    if (refused != null) {
      Errors.assertError(
          refused,
          line.refusalReason(),
          () -> ClientCalls.blockingUnaryCall(withHeaders, call, options, request.build()));
      return;
    }
    DynamicMessage response;
    try {
      response = ClientCalls.blockingUnaryCall(withHeaders, call, options, request.build());
    } catch (io.grpc.StatusRuntimeException e) {
      throw new AssertionError("README line " + line.number() + " failed: " + e.getStatus(), e);
    }
    JsonNode answer = parse(JsonFormat.printer().print(response));
    rememberRevocable(line, answer);
    if (request.getDescriptorForType().findFieldByName("client_token") != null) {
      String token =
          (String) request.getField(request.getDescriptorForType().findFieldByName("client_token"));
      if (!token.isEmpty()) {
        grpcByToken.put(token, answer);
      }
    }
  }

  /** A service's descriptor as grpcurl gets it: by reflection, with every file it imports. */
  private ServiceDescriptor service(String fullName) throws Exception {
    ServiceDescriptor known = services.get(fullName);
    if (known != null) {
      return known;
    }
    Map<String, FileDescriptorProto> files = reflection.resolve(fullName);
    FileDescriptor file = ReflectionClient.build(files.keySet().iterator().next(), files);
    ServiceDescriptor service =
        file.getServices().stream()
            .filter(s -> s.getFullName().equals(fullName))
            .findFirst()
            .orElseThrow(() -> new AssertionError(fullName + " not in " + file.getName()));
    services.put(fullName, service);
    return service;
  }

  // ---- curl ----

  private void curl(Line line) throws Exception {
    List<String> words = words(substituteKey(line, line.command()));
    HttpRequest.Builder request = HttpRequest.newBuilder().timeout(CALL_TIMEOUT);
    Map<String, String> headers = new LinkedHashMap<>();
    String data = null;
    String verb = null;
    String url = null;
    boolean stream = false;
    boolean include = false;
    for (int i = 1; i < words.size(); i++) {
      String w = words.get(i);
      switch (w) {
        case "-s" -> {
          // progress output only
        }
        case "-N" -> stream = true;
        case "-i" -> include = true;
        case "-X" -> verb = words.get(++i);
        case "-H" -> {
          String header = words.get(++i);
          int colon = header.indexOf(':');
          assertThat(colon).as("line %d: header %s", line.number(), header).isPositive();
          headers.put(header.substring(0, colon).strip(), header.substring(colon + 1).strip());
        }
        case "-d" -> data = words.get(++i);
        default -> {
          assertThat(w)
              .as("line %d: a curl flag the test does not know", line.number())
              .doesNotStartWith("-");
          assertThat(url).as("line %d: one URL", line.number()).isNull();
          url = w;
        }
      }
    }
    assertThat(url).as("line %d: URL", line.number()).isNotNull().startsWith(HTTP_TARGET + "/");
    URI uri =
        URI.create("http://localhost:" + server.httpPort() + url.substring(HTTP_TARGET.length()));
    if (data != null
        && headers.keySet().stream().noneMatch(h -> h.equalsIgnoreCase("content-type"))) {
      // What curl's -d sends without a Content-Type of the README's own.
      headers.put("Content-Type", "application/x-www-form-urlencoded");
    }
    headers.forEach(request::header);
    if (verb == null) {
      verb = data == null ? "GET" : "POST";
    }
    request.method(
        verb,
        data == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(data));
    request.uri(uri);

    if (stream) {
      watch(line, request.build(), headers);
      return;
    }
    HttpResponse<String> response =
        http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    JsonNode body = parse(response.body());
    if (include) {
      assertPrinted(line, response, body);
      return;
    }
    assertThat(response.statusCode())
        .as("README line %d: %s", line.number(), response.body())
        .isEqualTo(200);
    httpByPath.putIfAbsent(uri.getRawPath(), body);
    rememberRevocable(line, body);
    String token = headers.get("Idempotency-Key");
    if (token == null && data != null) {
      token = parse(data).path("client_token").asText(null);
    }
    if (token != null) {
      // The README: run after the grpcurl lines, the curl lines replay those responses.
      assertThat(grpcByToken)
          .as("line %d: a grpcurl line used %s", line.number(), token)
          .containsKey(token);
      assertThat(body)
          .as("line %d replays %s", line.number(), token)
          .isEqualTo(grpcByToken.get(token));
    }
  }

  /** {@code curl -i} in a console block: the status, headers and body printed under it. */
  private void assertPrinted(Line line, HttpResponse<String> response, JsonNode body) {
    List<String> out = line.output();
    assertThat(out).as("line %d: printed output", line.number()).isNotEmpty();
    String[] status = out.get(0).split(" ", 3);
    assertThat(response.statusCode())
        .as("line %d", line.number())
        .isEqualTo(Integer.parseInt(status[1]));
    int blank = out.indexOf("");
    assertThat(blank).as("line %d: headers, then the body", line.number()).isPositive();
    HttpHeaders actual = response.headers();
    for (String header : out.subList(1, blank)) {
      int colon = header.indexOf(':');
      String name = header.substring(0, colon).strip();
      if (name.equalsIgnoreCase("date") || name.equalsIgnoreCase("server")) {
        // When the sample was taken, and Armeria's version (unknown in the shaded jar).
        continue;
      }
      assertThat(actual.firstValue(name))
          .as("line %d: header %s", line.number(), name)
          .contains(header.substring(colon + 1).strip());
    }
    assertThat(body)
        .as("line %d: body", line.number())
        .isEqualTo(parse(String.join("\n", out.subList(blank + 1, out.size()))));
  }

  /** An SSE line (curl -N): the first frames only, then the stream is closed. */
  private void watch(Line line, HttpRequest request, Map<String, String> headers) throws Exception {
    HttpResponse<InputStream> response =
        http.send(request, HttpResponse.BodyHandlers.ofInputStream());
    List<Long> ids = new CopyOnWriteArrayList<>();
    List<String> data = new CopyOnWriteArrayList<>();
    try (InputStream in = response.body()) {
      assertThat(response.statusCode()).as("README line %d", line.number()).isEqualTo(200);
      assertThat(response.headers().firstValue("content-type"))
          .as("line %d", line.number())
          .hasValueSatisfying(v -> assertThat(v).startsWith("text/event-stream"));
      Future<?> reading =
          sseReader.submit(
              () -> {
                BufferedReader reader =
                    new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
                String s;
                while (data.size() < 3 && (s = reader.readLine()) != null) {
                  if (s.startsWith("id:")) {
                    ids.add(Long.parseLong(s.substring(3).strip()));
                  } else if (s.startsWith("data:")) {
                    data.add(s.substring(5).strip());
                  }
                }
                return null;
              });
      try {
        reading.get(5, TimeUnit.SECONDS);
      } catch (TimeoutException fewerEvents) {
        reading.cancel(true);
      }
    }
    // The demo's lines before this one made events: the stream must carry some.
    assertThat(data).as("line %d: events", line.number()).isNotEmpty();
    data.forEach(ReadmeCommandsTest::parse);
    assertThat(ids).as("line %d: an id per event", line.number()).hasSameSizeAs(data);
    String last = headers.get("Last-Event-ID");
    long after = last == null ? 0 : Long.parseLong(last);
    long previous = after;
    for (long id : ids) {
      assertThat(id)
          .as("line %d: event ids after %d, in order", line.number(), after)
          .isGreaterThan(previous);
      previous = id;
    }
  }
}
