package com.cvmbilling.renewal.server.grpc;

import com.cvmbilling.renewal.server.service.LifecycleService;
import com.cvmbilling.renewal.server.service.TestClock;
import com.cvmbilling.renewal.server.service.TestClockOperations;
import com.cvmbilling.renewal.v1.AdvanceTimeRequest;
import com.cvmbilling.renewal.v1.AdvanceTimeResponse;
import com.cvmbilling.renewal.v1.GetTimeRequest;
import com.cvmbilling.renewal.v1.GetTimeResponse;
import com.cvmbilling.renewal.v1.TestClockServiceGrpc;
import io.grpc.stub.StreamObserver;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

/** TestClockService: only registered when the server runs with {@code --test-clock}. */
@Singleton
public final class TestClockGrpcService extends TestClockServiceGrpc.TestClockServiceImplBase {
  private final TestClockOperations operations;

  @Inject
  public TestClockGrpcService(TestClock clock, LifecycleService lifecycle) {
    this.operations = new TestClockOperations(clock, lifecycle);
  }

  @Override
  public void getTime(GetTimeRequest request, StreamObserver<GetTimeResponse> observer) {
    Replies.reply(observer, operations.getTime(request));
  }

  @Override
  public void advanceTime(
      AdvanceTimeRequest request, StreamObserver<AdvanceTimeResponse> observer) {
    Replies.reply(observer, operations.advanceTime(request));
  }
}
