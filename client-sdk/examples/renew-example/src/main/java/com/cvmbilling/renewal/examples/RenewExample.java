package com.cvmbilling.renewal.examples;

import com.cvmbilling.renewal.client.ClientBuilder;
import com.cvmbilling.renewal.client.RenewalClient;
import com.cvmbilling.renewal.client.RequestOptions;
import com.cvmbilling.renewal.client.TlsSettings;
import com.cvmbilling.renewal.client.error.InstanceNotFoundException;
import com.cvmbilling.renewal.client.error.InsufficientBalanceException;
import com.cvmbilling.renewal.client.error.RenewalException;
import com.cvmbilling.renewal.client.error.TlsMismatchException;
import com.cvmbilling.renewal.client.model.PriceQuote;
import com.cvmbilling.renewal.client.model.RenewalLine;
import com.cvmbilling.renewal.client.model.RenewalOrder;
import com.cvmbilling.renewal.v1.RenewInstancesRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Renews one prepaid instance with the renewal SDK and prints the result.
 *
 * <pre>
 * java -jar renew-example.jar -target localhost:50051 -plaintext -api-key demo-tenant-key -instance ins-demo0001 [-months 1] [-ca ca.pem]
 * </pre>
 *
 * Exit status: 0 renewed, 2 balance too low, 3 no such instance, 1 any other failure.
 */
public final class RenewExample {
  private RenewExample() {}

  public static void main(String[] args) {
    Map<String, String> opts = parse(args);
    String target = opts.getOrDefault("target", "localhost:50051");
    String apiKey = opts.getOrDefault("api-key", System.getenv("RENEWAL_API_KEY"));
    String instanceId = opts.get("instance");
    int months = Integer.parseInt(opts.getOrDefault("months", "1"));
    if (apiKey == null || instanceId == null) {
      System.err.println(
          "usage: -target host:port -api-key KEY -instance ins-xxxxxxxx [-months N] [-plaintext | -ca ca.pem]");
      System.exit(64);
    }

    ClientBuilder<RenewalClient> builder =
        RenewalClient.newBuilder()
            .target(target)
            .apiKey(apiKey)
            .defaultDeadline(Duration.ofSeconds(10));
    if (opts.containsKey("plaintext")) {
      builder.plaintext();
    } else if (opts.containsKey("ca")) {
      builder.tls(TlsSettings.newBuilder().trustCertificates(Path.of(opts.get("ca"))).build());
    }

    try (RenewalClient client = builder.build()) {
      PriceQuote quote = client.inquiryPriceRenewInstances(List.of(instanceId), months);
      System.out.println(
          "Price of " + months + " month(s) for " + instanceId + ": " + quote.totalPrice());

      // The SDK puts a client token on the request and reuses it on every retry: the renewal is
      // charged once, however many attempts it takes. The RPC's callable takes per-call options;
      // here a longer deadline than the client's default, for all attempts together.
      RenewalOrder order =
          client
              .renewInstancesCallable()
              .call(
                  RenewInstancesRequest.newBuilder()
                      .addInstanceIds(instanceId)
                      .setPeriodMonths(months)
                      .build(),
                  RequestOptions.withDeadline(Duration.ofSeconds(30)));
      RenewalLine line = order.line(instanceId).orElseThrow();
      System.out.println(
          "Renewed "
              + instanceId
              + " for "
              + months
              + " month(s): expiry "
              + line.oldExpiredTime()
              + " -> "
              + line.newExpiredTime());
      System.out.println(
          "  charged "
              + order.totalPrice()
              + ", balance now "
              + order.balance()
              + ", order "
              + order.orderId().orElse("-")
              + ", client token "
              + order.clientToken());
    } catch (InsufficientBalanceException e) {
      // The amounts are typed: the charge and the balance it was checked against.
      System.err.println(
          "Not renewed: the balance "
              + e.balance().map(Object::toString).orElse("?")
              + " does not cover "
              + e.required().map(Object::toString).orElse("the charge")
              + " (request id "
              + e.requestId()
              + ")");
      System.exit(2);
    } catch (TlsMismatchException e) {
      // A configuration error, not an outage: the message says what to change.
      System.err.println("Not renewed: " + e.description());
      System.exit(4);
    } catch (InstanceNotFoundException e) {
      System.err.println(
          "Not renewed: no such instance "
              + e.instanceIds()
              + " (request id "
              + e.requestId()
              + ")");
      System.exit(3);
    } catch (RenewalException e) {
      // Every failure carries the status code, the service's reason, the request id and, for a
      // call that changes something, the client token that makes repeating it safe.
      System.err.println(
          "Not renewed: "
              + e.statusCode()
              + "/"
              + e.reason()
              + " (request id "
              + e.requestId()
              + e.clientToken().map(t -> ", retry safely with client token " + t).orElse("")
              + "): "
              + e.description());
      System.exit(1);
    }
  }

  private static Map<String, String> parse(String[] args) {
    Map<String, String> opts = new HashMap<>();
    for (int i = 0; i < args.length; i++) {
      String name = args[i].replaceFirst("^--?", "");
      if (name.equals("plaintext")) {
        opts.put(name, "true");
      } else if (i + 1 < args.length) {
        opts.put(name, args[++i]);
      } else {
        throw new IllegalArgumentException("missing value for " + args[i]);
      }
    }
    return opts;
  }
}
