package com.cvmbilling.renewal.console;

import com.cvmbilling.renewal.v1.Account;
import com.cvmbilling.renewal.v1.BillingRecord;
import com.cvmbilling.renewal.v1.CreateAccountRequest;
import com.cvmbilling.renewal.v1.CreateAccountResponse;
import com.cvmbilling.renewal.v1.CreateInstancesRequest;
import com.cvmbilling.renewal.v1.CreateInstancesResponse;
import com.cvmbilling.renewal.v1.DescribeAccountResponse;
import com.cvmbilling.renewal.v1.DescribeBillingRecordsResponse;
import com.cvmbilling.renewal.v1.DescribeInstancesResponse;
import com.cvmbilling.renewal.v1.InquiryPriceRenewInstancesResponse;
import com.cvmbilling.renewal.v1.InquiryPriceUnifiedExpiryResponse;
import com.cvmbilling.renewal.v1.Instance;
import com.cvmbilling.renewal.v1.RenewInstancesResponse;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.MessageOrBuilder;
import com.google.protobuf.util.JsonFormat;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

/**
 * The tests' own client of the HTTP/JSON API (another client than the page): it sets up accounts
 * and instances with the admin key and checks, independently of what the page shows, what the
 * server has.
 */
final class Api {
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final String base;
  private final String adminKey;

  Api(int port, String adminKey) {
    this.base = "http://127.0.0.1:" + port;
    this.adminKey = adminKey;
  }

  String base() {
    return base;
  }

  /** A raw exchange: status and body. */
  record Reply(int status, String body) {}

  Reply send(String key, String method, String path, String json) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(base + path))
            .timeout(Duration.ofSeconds(20))
            .header("Authorization", "Bearer " + key);
    if (json == null) {
      b.method(method, HttpRequest.BodyPublishers.noBody());
    } else {
      b.header("Content-Type", "application/json")
          .method(method, HttpRequest.BodyPublishers.ofString(json));
    }
    try {
      HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
      return new Reply(r.statusCode(), r.body());
    } catch (IOException e) {
      throw new IllegalStateException(method + " " + path + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private <T extends Message> T call(
      String key, String method, String path, MessageOrBuilder body, T prototype) {
    try {
      Reply r = send(key, method, path, body == null ? null : JsonFormat.printer().print(body));
      if (r.status() != 200) {
        throw new AssertionError(method + " " + path + " -> HTTP " + r.status() + ": " + r.body());
      }
      Message.Builder into = prototype.newBuilderForType();
      JsonFormat.parser().merge(r.body(), into);
      @SuppressWarnings("unchecked")
      T message = (T) into.build();
      return message;
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException(e);
    }
  }

  CreateAccountResponse createAccount(String name, String zone, long yuan) {
    return call(
        adminKey,
        "POST",
        "/v1/accounts",
        CreateAccountRequest.newBuilder()
            .setDisplayName(name)
            .setBillingTimeZone(zone)
            .setInitialBalance(
                com.google.type.Money.newBuilder().setCurrencyCode("CNY").setUnits(yuan))
            .build(),
        CreateAccountResponse.getDefaultInstance());
  }

  List<Instance> createInstances(CreateInstancesRequest request) {
    return call(
            adminKey,
            "POST",
            "/v1/accounts/" + request.getAccountId() + "/instances",
            request.toBuilder().clearAccountId(),
            CreateInstancesResponse.getDefaultInstance())
        .getInstancesList();
  }

  Account account(String key) {
    return call(key, "GET", "/v1/account", null, DescribeAccountResponse.getDefaultInstance())
        .getAccount();
  }

  Instance instance(String key, String id) {
    List<Instance> found =
        call(
                key,
                "GET",
                "/v1/instances?instanceIds=" + id,
                null,
                DescribeInstancesResponse.getDefaultInstance())
            .getInstancesList();
    if (found.size() != 1) {
      throw new AssertionError("instance " + id + " not found: " + found);
    }
    return found.get(0);
  }

  /** The account's ledger, newest first (one page of 100 is all a test makes). */
  List<BillingRecord> records(String key) {
    return call(
            key,
            "GET",
            "/v1/billingRecords?pageSize=100",
            null,
            DescribeBillingRecordsResponse.getDefaultInstance())
        .getRecordsList();
  }

  InquiryPriceRenewInstancesResponse inquiryRenew(String key, String json) {
    return post(
        key,
        "/v1/instances:inquiryPriceRenew",
        json,
        InquiryPriceRenewInstancesResponse.getDefaultInstance());
  }

  /** A GET of this path, its answer parsed like {@code prototype}. */
  <T extends Message> T get(String key, String path, T prototype) {
    return call(key, "GET", path, null, prototype);
  }

  /** POSTs raw JSON and parses the answer like {@code prototype}. */
  <T extends Message> T post(String key, String path, String json, T prototype) {
    Reply r = send(key, "POST", path, json);
    if (r.status() != 200) {
      throw new AssertionError("POST " + path + " -> HTTP " + r.status() + ": " + r.body());
    }
    return parse(r.body(), prototype);
  }

  RenewInstancesResponse renew(String key, String json) {
    return post(key, "/v1/instances:renew", json, RenewInstancesResponse.getDefaultInstance());
  }

  InquiryPriceUnifiedExpiryResponse inquiryUnified(String key, String json) {
    return post(
        key,
        "/v1/instances:inquiryPriceUnifiedExpiry",
        json,
        InquiryPriceUnifiedExpiryResponse.getDefaultInstance());
  }

  private static <T extends Message> T parse(String json, T prototype) {
    try {
      Message.Builder into = prototype.newBuilderForType();
      JsonFormat.parser().merge(json, into);
      @SuppressWarnings("unchecked")
      T message = (T) into.build();
      return message;
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException(json, e);
    }
  }
}
