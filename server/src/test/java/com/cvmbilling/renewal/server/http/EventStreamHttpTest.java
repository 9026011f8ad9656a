package com.cvmbilling.renewal.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.cvmbilling.renewal.server.service.EventStreams;
import com.cvmbilling.renewal.server.testing.TcpTestServer;
import com.cvmbilling.renewal.server.testing.TestDatabases;
import com.cvmbilling.renewal.server.testing.TestServer.TestAccount;
import com.cvmbilling.renewal.server.testing.Tier;
import com.cvmbilling.renewal.v1.Event;
import com.cvmbilling.renewal.v1.ListEventsRequest;
import com.cvmbilling.renewal.v1.RenewInstancesRequest;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import com.google.rpc.ErrorInfo;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * WatchEvents over HTTP as Server-Sent Events: the stream opens at once, events written by another
 * client arrive while it is open, a client that reconnects with {@code Last-Event-ID} misses
 * nothing and sees nothing twice, refusals are ordinary JSON errors, a client that goes away ends
 * its watch on the server, and a server that shuts down ends the stream with an error event.
 */
@Tier.H2
@Tier.Network
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EventStreamHttpTest {
  private static final Duration WAIT = Duration.ofSeconds(10);

  private TestDatabases.TestDatabase db;
  private TcpTestServer server;
  private final HttpClient client =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @BeforeAll
  void start() {
    db = TestDatabases.h2();
    server =
        new TcpTestServer(
            db.settings(), b -> b.port(0).httpPort(0).eventsPollInterval(Duration.ofMillis(50)));
  }

  @AfterAll
  void stop() {
    server.close();
    db.close();
  }

  /** One SSE message as a client's parser sees it. */
  record Message(String id, String type, String data) {
    Event event() {
      Event.Builder b = Event.newBuilder();
      try {
        JsonFormat.parser().merge(data, b);
      } catch (InvalidProtocolBufferException e) {
        throw new AssertionError("not an Event: " + data, e);
      }
      return b.build();
    }
  }

  /** An open stream: its response and the messages read so far, parsed as an SSE client does. */
  static final class Stream200 implements AutoCloseable {
    final HttpResponse<Stream<String>> response;
    final BlockingQueue<Message> messages = new LinkedBlockingQueue<>();
    private final Thread reader;

    Stream200(HttpResponse<Stream<String>> response) {
      this.response = response;
      Iterator<String> lines = response.body().iterator();
      reader =
          new Thread(
              () -> {
                String id = null;
                String type = null;
                StringBuilder data = null;
                try {
                  while (lines.hasNext()) {
                    String line = lines.next();
                    if (line.isEmpty()) {
                      if (data != null) {
                        messages.add(new Message(id, type == null ? "message" : type, data + ""));
                      }
                      id = null;
                      type = null;
                      data = null;
                    } else if (line.startsWith("id:")) {
                      id = line.substring(3).strip();
                    } else if (line.startsWith("event:")) {
                      type = line.substring(6).strip();
                    } else if (line.startsWith("data:")) {
                      String part = line.substring(5);
                      data =
                          data == null ? new StringBuilder(part) : data.append('\n').append(part);
                    }
                  }
                } catch (RuntimeException closed) {
                  // the test closed the stream
                }
              },
              "sse-reader");
      reader.setDaemon(true);
      reader.start();
    }

    Message next() throws InterruptedException {
      Message m = messages.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
      assertThat(m).as("an SSE message within " + WAIT).isNotNull();
      return m;
    }

    List<Event> events(int count) throws InterruptedException {
      List<Event> out = new ArrayList<>();
      while (out.size() < count) {
        Message m = next();
        assertThat(m.type()).isEqualTo("message");
        Event e = m.event();
        assertThat(m.id()).isEqualTo(Long.toString(e.getEventId()));
        out.add(e);
      }
      return out;
    }

    @Override
    public void close() {
      response.body().close();
    }
  }

  private HttpResponse<Stream<String>> open(String apiKey, String query, String lastEventId)
      throws IOException, InterruptedException {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(
                URI.create(
                    "http://127.0.0.1:"
                        + server.server().httpPort()
                        + "/v1/events:watch"
                        + (query == null ? "" : "?" + query)))
            .header("Accept", "text/event-stream")
            .timeout(WAIT);
    if (apiKey != null) {
      b.header("Authorization", "Bearer " + apiKey);
    }
    if (lastEventId != null) {
      b.header("Last-Event-ID", lastEventId);
    }
    return client.send(b.GET().build(), HttpResponse.BodyHandlers.ofLines());
  }

  private Stream200 watch(String apiKey, String query, String lastEventId) throws Exception {
    HttpResponse<Stream<String>> r = open(apiKey, query, lastEventId);
    assertThat(r.statusCode()).isEqualTo(200);
    return new Stream200(r);
  }

  /** A renewal by another client (gRPC): one RENEWED event. */
  private void renew(TestAccount account, String instanceId) {
    server
        .tenant(account.apiKey())
        .renewInstances(
            RenewInstancesRequest.newBuilder()
                .addInstanceIds(instanceId)
                .setPeriodMonths(1)
                .build());
  }

  private String newInstance(TestAccount account) {
    return server
        .createPrepaid(account, 1, Instant.now().plusSeconds(20 * 86400))
        .get(0)
        .getInstanceId();
  }

  private List<Long> allEventIds(TestAccount account) {
    return server
        .tenant(account.apiKey())
        .listEvents(ListEventsRequest.newBuilder().setPageSize(100).build())
        .getEventsList()
        .stream()
        .map(Event::getEventId)
        .toList();
  }

  @Test
  void theStreamOpensAtOnceAndShowsAnotherClientsEventWhileOpen() throws Exception {
    TestAccount account = server.createAccount(10_000_000);
    String instance = newInstance(account);
    try (Stream200 stream = watch(account.apiKey(), null, null)) {
      // Open before any event exists: headers and the reconnect hint came without one.
      assertThat(stream.response.headers().firstValue("content-type"))
          .hasValueSatisfying(v -> assertThat(v).startsWith("text/event-stream"));
      assertThat(stream.response.headers().firstValue("x-request-id")).isPresent();
      assertThat(stream.response.headers().firstValue("cache-control")).hasValue("no-store");

      renew(account, instance);

      Event e = stream.events(1).get(0);
      assertThat(e.getType()).isEqualTo(Event.Type.RENEWED);
      assertThat(e.getInstanceId()).isEqualTo(instance);
      assertThat(e.getAccountId()).isEqualTo(account.accountId());
    }
  }

  @Test
  void reconnectingWithLastEventIdMissesNothingAndRepeatsNothing() throws Exception {
    TestAccount account = server.createAccount(10_000_000);
    String instance = newInstance(account);
    for (int i = 0; i < 3; i++) {
      renew(account, instance);
    }
    List<Event> seen = new ArrayList<>();
    try (Stream200 first = watch(account.apiKey(), null, null)) {
      seen.addAll(first.events(3));
      renew(account, instance);
      seen.addAll(first.events(1));
    }
    // Disconnected: two more happen meanwhile.
    renew(account, instance);
    renew(account, instance);
    String last = Long.toString(seen.get(seen.size() - 1).getEventId());
    // A browser's EventSource sends its original URL again; the header wins over the query.
    try (Stream200 second = watch(account.apiKey(), "afterEventId=0", last)) {
      seen.addAll(second.events(2));
      renew(account, instance);
      seen.addAll(second.events(1));
      assertThat(second.messages.poll(300, TimeUnit.MILLISECONDS))
          .as("nothing more than what happened")
          .isNull();
    }

    assertThat(seen).extracting(Event::getEventId).isEqualTo(allEventIds(account)).hasSize(7);
  }

  @Test
  void theQueryParameterResumesToo() throws Exception {
    TestAccount account = server.createAccount(10_000_000);
    String instance = newInstance(account);
    renew(account, instance);
    renew(account, instance);
    List<Long> ids = allEventIds(account);
    try (Stream200 stream =
        watch(account.apiKey(), "after_event_id=" + ids.get(0), /* lastEventId= */ null)) {
      assertThat(stream.events(1)).extracting(Event::getEventId).containsExactly(ids.get(1));
    }
  }

  @Test
  void refusalsBeforeTheStreamStartsAreJsonErrorsWithTheirHttpStatus() throws Exception {
    TestAccount account = server.createAccount(100);
    assertRefused(open(null, null, null), 401, 16, "MISSING_CREDENTIALS");
    assertRefused(open("no-such-key-0123456789", null, null), 401, 16, "INVALID_CREDENTIALS");
    assertRefused(open(account.apiKey(), null, "seven"), 400, 3, "MALFORMED_REQUEST");
    assertRefused(open(account.apiKey(), "afterEventId=x1", null), 400, 3, "MALFORMED_REQUEST");
    assertRefused(open(account.apiKey(), "afterEventId=-1", null), 400, 3, "INVALID_EVENT_ID");
    assertRefused(open(TcpTestServer.ADMIN_KEY, null, null), 403, 7, "TENANT_KEY_REQUIRED");
  }

  private static void assertRefused(
      HttpResponse<Stream<String>> r, int httpStatus, int grpcCode, String reason) {
    String body;
    try (Stream<String> lines = r.body()) {
      body = String.join("\n", lines.toList());
    }
    assertThat(r.statusCode()).as(body).isEqualTo(httpStatus);
    assertThat(r.headers().firstValue("content-type"))
        .hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
    com.google.rpc.Status status = new Http.Reply(httpStatus, r.headers(), body).error();
    assertThat(status.getCode()).isEqualTo(grpcCode);
    assertThat(status.getDetailsList())
        .anySatisfy(
            d -> {
              assertThat(d.is(ErrorInfo.class)).isTrue();
              assertThat(d.unpack(ErrorInfo.class).getReason()).isEqualTo(reason);
            });
  }

  @Test
  void aClientThatGoesAwayEndsItsWatchOnTheServer() throws Exception {
    EventStreams streams = server.server().injector().getInstance(EventStreams.class);
    TestAccount account = server.createAccount(100);
    int before = streams.activeWatches();
    Stream200 stream = watch(account.apiKey(), null, null);
    awaitActiveWatches(streams, before + 1);

    stream.close();

    awaitActiveWatches(streams, before);
  }

  private static void awaitActiveWatches(EventStreams streams, int expected)
      throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (streams.activeWatches() != expected && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertThat(streams.activeWatches()).isEqualTo(expected);
  }

  @Test
  void aServerThatShutsDownEndsTheStreamWithAnUnavailableErrorEvent() throws Exception {
    try (TestDatabases.TestDatabase own = TestDatabases.h2();
        TcpTestServer stopping =
            new TcpTestServer(
                own.settings(),
                b -> b.port(0).httpPort(0).eventsPollInterval(Duration.ofMillis(50)))) {
      TestAccount account = stopping.createAccount(100);
      HttpRequest request =
          HttpRequest.newBuilder(
                  URI.create(
                      "http://127.0.0.1:" + stopping.server().httpPort() + "/v1/events:watch"))
              .header("Authorization", "Bearer " + account.apiKey())
              .GET()
              .build();
      try (Stream200 stream =
          new Stream200(client.send(request, HttpResponse.BodyHandlers.ofLines()))) {
        stopping.server().close();
        Message m;
        do {
          m = stream.next();
        } while (!m.type().equals("error"));
        com.google.rpc.Status status =
            new Http.Reply(503, stream.response.headers(), m.data()).error();
        assertThat(status.getCode()).isEqualTo(14);
        assertThat(status.getMessage()).contains("reconnect");
      }
    }
  }
}
