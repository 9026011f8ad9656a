package com.cvmbilling.renewal.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.cvmbilling.renewal.server.config.HttpSettings;
import com.cvmbilling.renewal.server.testing.TcpTestServer;
import com.cvmbilling.renewal.server.testing.TestDatabases;
import com.cvmbilling.renewal.server.testing.Tier;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The console's files on the HTTP port: served with their security headers, every asset from this
 * server (nothing the page loads names another host), gone with {@code --no-console} while the API
 * stays. What the page does is tested in a real browser (module console-e2e).
 */
@Tier.H2
@Tier.Network
class ConsoleServiceTest {
  private final HttpClient client =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final TestDatabases.TestDatabase db = TestDatabases.h2();
  private TcpTestServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
    db.close();
  }

  private HttpResponse<String> get(String path) throws Exception {
    return client.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.server().httpPort() + path))
            .timeout(Duration.ofSeconds(10))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void servesThePageAndItsAssetsWithSecurityHeaders() throws Exception {
    server = new TcpTestServer(db.settings(), b -> b.port(0).httpPort(0));

    HttpResponse<String> bare = get("/console");
    assertThat(bare.statusCode()).isEqualTo(307);
    assertThat(bare.headers().firstValue("location")).contains("/console/");

    HttpResponse<String> page = get("/console/");
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.headers().firstValue("content-type").orElse("")).startsWith("text/html");
    assertThat(page.headers().firstValue("content-security-policy"))
        .contains(ConsoleService.CONTENT_SECURITY_POLICY);
    assertThat(ConsoleService.CONTENT_SECURITY_POLICY)
        .contains("default-src 'self'", "script-src 'self'", "frame-ancestors 'none'")
        .doesNotContain("unsafe-inline", "unsafe-eval");
    assertThat(page.headers().firstValue("x-content-type-options")).contains("nosniff");
    assertThat(page.headers().firstValue("x-frame-options")).contains("DENY");

    // No inline script or style (the policy would block it), and no asset from another host.
    assertThat(page.body()).doesNotContain("<style", " style=", " onclick=", "http://", "https://");
    Matcher assets = Pattern.compile("(?:src|href)=\"([^\"]+)\"").matcher(page.body());
    int count = 0;
    while (assets.find()) {
      String asset = assets.group(1);
      assertThat(asset).as("asset path").doesNotContain("//").doesNotStartWith("/");
      HttpResponse<String> file = get("/console/" + asset);
      assertThat(file.statusCode()).as(asset).isEqualTo(200);
      assertThat(file.headers().firstValue("content-security-policy")).isPresent();
      assertThat(file.body()).as(asset).doesNotContain("http://", "https://", "eval(");
      count++;
    }
    assertThat(count).as("the page's script and style sheet").isEqualTo(2);
  }

  @Test
  void noConsoleLeavesOnlyTheApi() throws Exception {
    server = new TcpTestServer(db.settings(), b -> b.port(0).http(new HttpSettings(0, false)));

    assertThat(get("/console/").statusCode()).isEqualTo(404);
    assertThat(get("/console").statusCode()).isEqualTo(404);
    // The API still answers (401: no key), so only the console went away.
    assertThat(get("/v1/account").statusCode()).isEqualTo(401);
  }
}
