package com.cvmbilling.renewal.client;

import com.cvmbilling.renewal.client.error.RenewalException;
import com.cvmbilling.renewal.client.internal.ErrorFactory;
import io.grpc.Status;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/** Waits for an asynchronous call on behalf of the blocking form. */
final class Futures {
  private Futures() {}

  static <T> T await(CompletableFuture<T> future) {
    try {
      return future.get();
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      RenewalException failure = RenewalException.from(cause);
      // The exception was made on a transport thread: record where the blocking call was made.
      failure.addSuppressed(new CallSite());
      throw failure;
    } catch (CancellationException e) {
      throw ErrorFactory.get()
          .fromStatus(
              Status.CANCELLED.withDescription("cancelled").withCause(e), null, "", "", "", 0);
    } catch (InterruptedException e) {
      future.cancel(true);
      Thread.currentThread().interrupt();
      throw ErrorFactory.get()
          .fromStatus(
              Status.CANCELLED.withDescription("interrupted while waiting").withCause(e),
              null,
              "",
              "",
              "",
              0);
    }
  }

  /** Marks the stack of the thread that waited for the call. */
  static final class CallSite extends RuntimeException {
    private static final long serialVersionUID = 1L;

    CallSite() {
      super("the blocking call was made here");
    }
  }
}
