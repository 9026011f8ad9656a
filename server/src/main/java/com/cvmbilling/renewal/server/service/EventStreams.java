package com.cvmbilling.renewal.server.service;

import com.cvmbilling.renewal.server.config.EventStreamSettings;
import com.cvmbilling.renewal.server.domain.Event;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * WatchEvents: streams an account's events after a given id, first the backlog, then new ones by
 * polling the table (so events written by any replica arrive). Because every transaction that
 * writes an account's events holds that account's row lock, the account's events become visible in
 * event_id order, so "everything after my last id" never skips one. A consumer that reconnects with
 * its last id misses none and sees none twice.
 */
@Singleton
public final class EventStreams implements AutoCloseable {
  private static final int PAGE = 100;

  static final String SHUTDOWN_MESSAGE = "server shutting down; reconnect with your last event_id";

  private final AccountService accounts;
  private final Duration pollInterval;
  private final ScheduledExecutorService poller =
      Executors.newScheduledThreadPool(
          2,
          r -> {
            Thread t = new Thread(r, "event-streams");
            t.setDaemon(true);
            return t;
          });
  private final Set<Watch> watches = ConcurrentHashMap.newKeySet();

  @Inject
  public EventStreams(AccountService accounts, EventStreamSettings settings) {
    this.accounts = accounts;
    this.pollInterval = settings.pollInterval();
  }

  /** Starts a stream; a bad {@code after_event_id} or an unreachable database fails here. */
  public void watch(String accountId, long afterEventId, EventListener listener) {
    // Validates after_event_id (and that the database answers) before the stream starts.
    accounts.events(accountId, afterEventId, 1);
    Watch watch = new Watch(accountId, afterEventId, listener);
    watches.add(watch);
    listener.onCancel(watch::stop);
    watch.future =
        poller.scheduleWithFixedDelay(
            watch::poll, 0, pollInterval.toMillis(), TimeUnit.MILLISECONDS);
  }

  public int activeWatches() {
    return watches.size();
  }

  /** Ends every stream as shutting down, so clients reconnect (to this or another replica). */
  @Override
  public void close() {
    for (Watch w : watches) {
      w.end();
    }
    poller.shutdownNow();
  }

  private final class Watch {
    private final String accountId;
    private final EventListener listener;
    private volatile long lastEventId;
    private volatile boolean stopped;
    volatile ScheduledFuture<?> future;

    Watch(String accountId, long after, EventListener listener) {
      this.accountId = accountId;
      this.lastEventId = after;
      this.listener = listener;
    }

    /** Runs on the poller, never twice at once for one watch (fixed delay). */
    void poll() {
      if (stopped) {
        return;
      }
      try {
        while (!stopped && listener.isReady()) {
          List<Event> events = accounts.events(accountId, lastEventId, PAGE);
          for (Event e : events) {
            synchronized (this) {
              if (stopped) {
                return;
              }
              listener.onEvent(ApiMessages.event(e));
            }
            lastEventId = e.eventId();
          }
          if (events.size() < PAGE) {
            return;
          }
        }
      } catch (RuntimeException e) {
        // The database is down or the like: end the stream; the client resumes from its last id.
        synchronized (this) {
          if (!stopped) {
            stopped = true;
            watches.remove(this);
            cancelPolling();
            listener.onFailure(e);
          }
        }
      }
    }

    void stop() {
      stopped = true;
      watches.remove(this);
      cancelPolling();
    }

    synchronized void end() {
      if (!stopped) {
        stop();
        try {
          listener.onShutdown(SHUTDOWN_MESSAGE);
        } catch (RuntimeException alreadyClosed) {
          // the call ended meanwhile
        }
      }
    }

    private void cancelPolling() {
      ScheduledFuture<?> f = future;
      if (f != null) {
        f.cancel(false);
      }
    }
  }
}
