package com.cvmbilling.renewal.server.http;

import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.ServerCacheControl;
import com.linecorp.armeria.server.ServerBuilder;
import com.linecorp.armeria.server.file.FileService;

/**
 * The renewal console (issue #10 part 2): static HTML/CSS/JS from the classpath folder {@code
 * console/}, served at {@code /console/} on the HTTP port. It is a client of the {@code /v1} API
 * like any other (same origin, {@code Authorization: Bearer}), so nothing here knows the business;
 * {@code --no-console} leaves it out.
 */
public final class ConsoleService {
  public static final String PATH = "/console";

  /**
   * Only this origin's files and API: no inline script or style (so an injected tag cannot run), no
   * framing (clickjacking a Pay button), no other host reachable from the page.
   */
  static final String CONTENT_SECURITY_POLICY =
      "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
          + " connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self';"
          + " frame-ancestors 'none'";

  private ConsoleService() {}

  /** Adds {@code /console} (a redirect to the folder, so relative asset URLs resolve) and below. */
  public static void addTo(ServerBuilder sb) {
    FileService files =
        FileService.builder(ConsoleService.class.getClassLoader(), "console")
            // "no-cache": a browser revalidates, so a new server version's console is picked up.
            .cacheControl(ServerCacheControl.REVALIDATED)
            .setHeader("content-security-policy", CONTENT_SECURITY_POLICY)
            .setHeader("x-content-type-options", "nosniff")
            .setHeader("x-frame-options", "DENY")
            .setHeader("referrer-policy", "no-referrer")
            .build();
    sb.service(PATH, (ctx, req) -> HttpResponse.ofRedirect(PATH + "/"));
    sb.serviceUnder(PATH + "/", files);
  }
}
