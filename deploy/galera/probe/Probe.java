// Bounded research probes of the renewal server on a Galera cluster (docs/OPERATIONS.md).
// Not part of the build. Run against replicas started as in docs/OPERATIONS.md:
//   javac -cp server/target/renewal-server.jar -d /tmp/probe deploy/galera/probe/Probe.java
//   CP=server/target/renewal-server.jar:/tmp/probe
//   java -cp $CP Probe renew KEY INSTANCE 50071,50072 4 10   # callers per port, seconds
//   java -cp $CP Probe ryw KEY INSTANCE 50071 50072 100      # renew on one, read on the other
//   java -cp $CP Probe sametoken KEY INSTANCE 50071,50072,50073 30
// The server jar holds every class it needs (gRPC, protobuf, the generated stubs).
import com.cvmbilling.renewal.v1.*;
import com.google.protobuf.Any;
import com.google.rpc.ErrorInfo;
import io.grpc.*;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.MetadataUtils;
import java.util.*;
import java.util.concurrent.*;
import java.util.concurrent.atomic.*;

public class Probe {
  static RenewalServiceGrpc.RenewalServiceBlockingStub stub(String key, int port) {
    ManagedChannel ch = ManagedChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
    Metadata md = new Metadata();
    md.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + key);
    return RenewalServiceGrpc.newBlockingStub(ch)
        .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(md));
  }

  static String outcome(Throwable t) {
    Status s = Status.fromThrowable(t);
    String reason = "";
    com.google.rpc.Status p = StatusProto.fromThrowable(t);
    if (p != null) {
      for (Any a : p.getDetailsList()) {
        if (a.is(ErrorInfo.class)) {
          try {
            reason = "/" + a.unpack(ErrorInfo.class).getReason();
          } catch (Exception e) {
            reason = "/?";
          }
        }
      }
    }
    return s.getCode() + reason + ": " + s.getDescription();
  }

  public static void main(String[] a) throws Exception {
    String mode = a[0], key = a[1];
    switch (mode) {
      case "renew" -> renew(key, a[2], a[3].split(","), Integer.parseInt(a[4]), Integer.parseInt(a[5]));
      case "ryw" -> ryw(key, a[2], Integer.parseInt(a[3]), Integer.parseInt(a[4]), Integer.parseInt(a[5]));
      case "sametoken" -> sameToken(key, a[2], a[3].split(","), Integer.parseInt(a[4]));
      default -> throw new IllegalArgumentException(mode);
    }
    System.exit(0);
  }

  /** threads callers per port renew instance for secs seconds (unique client_token per call). */
  static void renew(String key, String instance, String[] ports, int threads, int secs)
      throws Exception {
    Map<String, AtomicInteger> outcomes = new ConcurrentSkipListMap<>();
    Map<String, double[]> span = new ConcurrentHashMap<>();
    long start = System.nanoTime();
    long end = System.nanoTime() + secs * 1_000_000_000L;
    List<Thread> all = new ArrayList<>();
    List<Long> lat = Collections.synchronizedList(new ArrayList<>());
    for (String port : ports) {
      var s = stub(key, Integer.parseInt(port));
      for (int i = 0; i < threads; i++) {
        Thread th =
            new Thread(
                () -> {
                  while (System.nanoTime() < end) {
                    long t0 = System.nanoTime();
                    String o;
                    try {
                      s.withDeadlineAfter(10, TimeUnit.SECONDS)
                          .renewInstances(
                              RenewInstancesRequest.newBuilder()
                                  .addInstanceIds(instance)
                                  .setPeriodMonths(1)
                                  .setClientToken(UUID.randomUUID().toString())
                                  .build());
                      o = "OK";
                    } catch (StatusRuntimeException e) {
                      o = outcome(e);
                    }
                    lat.add((System.nanoTime() - t0) / 1000);
                    String k = "port " + port + " " + o;
                    outcomes.computeIfAbsent(k, x -> new AtomicInteger()).incrementAndGet();
                    double at = (System.nanoTime() - start) / 1e9;
                    span.compute(k, (x, v) -> v == null ? new double[] {at, at} : new double[] {v[0], at});
                  }
                });
        th.start();
        all.add(th);
      }
    }
    for (Thread t : all) t.join();
    int total = 0;
    for (var e : outcomes.entrySet()) {
      double[] sp = span.get(e.getKey());
      System.out.printf("%d\t[%s..%s]\t%s%n", e.getValue().get(), clock(start, sp[0]), clock(start, sp[1]), e.getKey());
      total += e.getValue().get();
    }
    List<Long> l = new ArrayList<>(lat);
    Collections.sort(l);
    System.out.printf(
        "total %d calls in %d s (%.1f/s), p50 %.1f ms, p99 %.1f ms%n",
        total, secs, total / (double) secs, l.get(l.size() / 2) / 1000.0,
        l.get((int) (l.size() * 0.99)) / 1000.0);
  }

  static final long WALL0 = System.currentTimeMillis(), NANO0 = System.nanoTime();

  static String clock(long start, double at) {
    long ms = WALL0 + (start - NANO0) / 1_000_000 + (long) (at * 1000);
    return java.time.LocalTime.ofInstant(java.time.Instant.ofEpochMilli(ms), java.time.ZoneOffset.UTC)
        .toString();
  }

  /** Renew through writePort, then at once describe through readPort: does it see the write? */
  static void ryw(String key, String instance, int writePort, int readPort, int rounds) {
    var w = stub(key, writePort);
    var r = stub(key, readPort);
    int staleInstance = 0, staleBalance = 0;
    for (int i = 0; i < rounds; i++) {
      RenewInstancesResponse resp =
          w.renewInstances(
              RenewInstancesRequest.newBuilder()
                  .addInstanceIds(instance)
                  .setPeriodMonths(1)
                  .setClientToken(UUID.randomUUID().toString())
                  .build());
      var written = resp.getRenewals(0).getNewExpiredTime();
      long wBal = resp.getBalance().getUnits();
      var seen =
          r.describeInstances(DescribeInstancesRequest.newBuilder().addInstanceIds(instance).build())
              .getInstances(0)
              .getExpiredTime();
      long rBal = r.describeAccount(DescribeAccountRequest.getDefaultInstance()).getAccount().getBalance().getUnits();
      if (!seen.equals(written)) staleInstance++;
      if (rBal != wBal) staleBalance++;
    }
    System.out.printf(
        "ryw write:%d read:%d rounds %d: stale expiry %d, stale balance %d%n",
        writePort, readPort, rounds, staleInstance, staleBalance);
  }

  /** The same client_token sent at the same moment to replicas on different nodes. */
  static void sameToken(String key, String instance, String[] ports, int rounds) throws Exception {
    var stubs = new ArrayList<RenewalServiceGrpc.RenewalServiceBlockingStub>();
    for (String p : ports) stubs.add(stub(key, Integer.parseInt(p)));
    ExecutorService ex = Executors.newFixedThreadPool(ports.length);
    Map<String, AtomicInteger> outcomes = new ConcurrentSkipListMap<>();
    for (int i = 0; i < rounds; i++) {
      String token = "same-" + UUID.randomUUID();
      CyclicBarrier barrier = new CyclicBarrier(ports.length);
      List<Future<String>> fs = new ArrayList<>();
      for (var s : stubs) {
        fs.add(
            ex.submit(
                () -> {
                  barrier.await();
                  try {
                    var r =
                        s.withDeadlineAfter(10, TimeUnit.SECONDS)
                            .renewInstances(
                                RenewInstancesRequest.newBuilder()
                                    .addInstanceIds(instance)
                                    .setPeriodMonths(1)
                                    .setClientToken(token)
                                    .build());
                    return "OK " + r.getOrderId() + " " + r.getRenewals(0).getNewExpiredTime().getSeconds();
                  } catch (StatusRuntimeException e) {
                    return outcome(e);
                  }
                }));
      }
      List<String> res = new ArrayList<>();
      for (var f : fs) res.add(f.get());
      String k;
      if (res.stream().allMatch(x -> x.startsWith("OK"))) {
        k = res.stream().distinct().count() == 1 ? "all OK, same response" : "all OK, DIFFERENT responses";
      } else {
        k = String.join(" | ", res.stream().map(x -> x.startsWith("OK") ? "OK" : x).sorted().toList());
      }
      outcomes.computeIfAbsent(k, x -> new AtomicInteger()).incrementAndGet();
    }
    ex.shutdown();
    outcomes.forEach((k, v) -> System.out.println(v + "\t" + k));
  }
}
