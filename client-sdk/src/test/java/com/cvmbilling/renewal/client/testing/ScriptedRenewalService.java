package com.cvmbilling.renewal.client.testing;

import com.cvmbilling.renewal.v1.Account;
import com.cvmbilling.renewal.v1.DescribeAccountRequest;
import com.cvmbilling.renewal.v1.DescribeAccountResponse;
import com.cvmbilling.renewal.v1.RenewInstancesRequest;
import com.cvmbilling.renewal.v1.RenewInstancesResponse;
import com.cvmbilling.renewal.v1.RenewalServiceGrpc;
import com.google.type.Money;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * RenewInstances answers from a script: each call takes the next failure, and succeeds when the
 * script is empty. DescribeAccount answers after {@link #describeDelayMillis}.
 */
public final class ScriptedRenewalService extends RenewalServiceGrpc.RenewalServiceImplBase {
  private final ConcurrentLinkedQueue<StatusRuntimeException> script =
      new ConcurrentLinkedQueue<>();
  private final ConcurrentLinkedQueue<Long> delays = new ConcurrentLinkedQueue<>();
  private final List<RenewInstancesRequest> renewRequests = new CopyOnWriteArrayList<>();
  private volatile boolean alwaysFail;
  private volatile StatusRuntimeException always;
  public volatile long describeDelayMillis;

  public ScriptedRenewalService thenFail(StatusRuntimeException e) {
    script.add(e);
    return this;
  }

  /**
   * The next RenewInstances call answers (as the script says) only after {@code millis}; calls
   * after it take the next delay, and answer at once when there is none.
   */
  public ScriptedRenewalService thenSlow(long millis) {
    delays.add(millis);
    return this;
  }

  public ScriptedRenewalService alwaysFail(StatusRuntimeException e) {
    always = e;
    alwaysFail = true;
    return this;
  }

  public List<RenewInstancesRequest> renewRequests() {
    return List.copyOf(renewRequests);
  }

  @Override
  public void renewInstances(
      RenewInstancesRequest request, StreamObserver<RenewInstancesResponse> out) {
    renewRequests.add(request);
    Long delay = delays.poll();
    if (delay != null) {
      try {
        Thread.sleep(delay);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      if (((ServerCallStreamObserver<RenewInstancesResponse>) out).isCancelled()) {
        return; // the client gave up on this attempt (its deadline)
      }
    }
    StatusRuntimeException next = alwaysFail ? always : script.poll();
    if (next != null) {
      out.onError(next);
      return;
    }
    out.onNext(
        RenewInstancesResponse.newBuilder()
            .setOrderId("ord-fake")
            .setTotalPrice(Money.newBuilder().setCurrencyCode("CNY").setUnits(55).build())
            .setBalance(
                Money.newBuilder()
                    .setCurrencyCode("CNY")
                    .setUnits(945)
                    .setNanos(500_000_000)
                    .build())
            .build());
    out.onCompleted();
  }

  @Override
  public void describeAccount(
      DescribeAccountRequest request, StreamObserver<DescribeAccountResponse> out) {
    try {
      Thread.sleep(describeDelayMillis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    out.onNext(
        DescribeAccountResponse.newBuilder()
            .setAccount(
                Account.newBuilder()
                    .setAccountId("acc-fake0001")
                    .setBillingTimeZone("Asia/Shanghai")
                    .setBalance(Money.newBuilder().setCurrencyCode("CNY").setUnits(1000)))
            .build());
    out.onCompleted();
  }
}
