package com.cvmbilling.renewal.server.service;

import com.cvmbilling.renewal.server.config.IdempotencySettings;
import com.cvmbilling.renewal.server.domain.RequestRules;
import com.cvmbilling.renewal.server.error.ApiException;
import com.cvmbilling.renewal.server.persistence.IdempotencyRow;
import com.cvmbilling.renewal.server.persistence.IdempotencyStore;
import com.cvmbilling.renewal.server.persistence.Transactions;
import com.cvmbilling.renewal.server.service.InstanceService.Mode;
import com.cvmbilling.renewal.server.support.Hashing;
import com.cvmbilling.renewal.v1.ErrorReason;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.Parser;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Function;

/**
 * Idempotency keys, Stripe style (SPEC 6). Scope: (account, method, client token).
 *
 * <ol>
 *   <li>The key's row, the work and the stored response are one transaction: a stored response
 *       exists if and only if the work took effect, and a crash (of this replica or of its database
 *       node) leaves nothing behind, so the retry runs at once.
 *   <li>A concurrent repeat waits on the row's lock (same database node) or fails certification
 *       (another Galera node) and is re-run by {@link Transactions}: it then replays the response.
 *   <li>If the work fails, the transaction rolls back: failures are not stored and can be retried.
 *   <li>An IN_PROGRESS marker committed by a release before 0.2 is honoured for the in-progress
 *       lease, then taken over; since its work never committed, re-running it charges once.
 * </ol>
 *
 * The request fingerprint is the SHA-256 of the deterministic serialization of the request without
 * its {@code client_token}; the same token with another fingerprint is IDEMPOTENCY_KEY_REUSED.
 */
@Singleton
public class IdempotencyService {
  static final String IN_PROGRESS = "IN_PROGRESS";

  /** The request fields the envelope reads, by their proto names (AIP-155 and AIP-163). */
  private static final String CLIENT_TOKEN = "client_token";

  private static final String DRY_RUN = "dry_run";

  private final IdempotencyStore records;
  private final Transactions tx;
  private final Clock clock;
  private final Duration retention;
  private final Duration inProgressLease;

  @Inject
  public IdempotencyService(
      IdempotencyStore records, Transactions tx, Clock clock, IdempotencySettings settings) {
    this.records = records;
    this.tx = tx;
    this.clock = clock;
    this.retention = settings.retention();
    this.inProgressLease = settings.inProgressLease();
  }

  /**
   * The envelope of every mutating call: validates the request's {@code client_token}; a request
   * whose {@code dry_run} is set runs {@code work} in {@link Mode#DRY_RUN} and stores nothing;
   * otherwise {@code work} runs in {@link Mode#EXECUTE}, at most once per (account, method, token)
   * when a token is given. {@code work} must open its own transaction via {@link Transactions}; it
   * joins the one opened here, so it must be safe to re-run as a whole (a conflict re-runs it).
   */
  public <R extends Message> R execute(
      String accountId, ApiMethod<R> method, Message request, Function<Mode, R> work) {
    if (!request.getDescriptorForType().equals(method.descriptor().getInputType())) {
      throw new IllegalArgumentException(
          method.descriptor().getFullName() + " does not take " + request.getDescriptorForType());
    }
    String clientToken = stringField(request, CLIENT_TOKEN);
    RequestRules.validateClientToken(clientToken);
    if (Boolean.TRUE.equals(field(request, DRY_RUN))) {
      return work.apply(Mode.DRY_RUN);
    }
    if (clientToken == null || clientToken.isEmpty()) {
      return work.apply(Mode.EXECUTE);
    }
    return once(accountId, method.name(), clientToken, request, method.parser(), work);
  }

  private static Object field(Message request, String name) {
    FieldDescriptor field = request.getDescriptorForType().findFieldByName(name);
    return field == null ? null : request.getField(field);
  }

  private static String stringField(Message request, String name) {
    return (String) field(request, name);
  }

  private <R extends Message> R once(
      String accountId,
      String method,
      String clientToken,
      Message request,
      Parser<R> responseParser,
      Function<Mode, R> work) {
    String tokenHash = Hashing.sha256Hex(clientToken);
    String requestHash = fingerprint(request);
    // One transaction: the key's row, the work and the stored response commit together or not at
    // all. A crash leaves nothing behind; a concurrent duplicate on the same database node waits on
    // the key's row lock, one on another Galera node loses at certification, and either, re-run by
    // Transactions, finds the committed response.
    return tx.inTransaction(
        () -> {
          R replay = claim(accountId, method, tokenHash, requestHash, responseParser);
          if (replay != null) {
            return replay;
          }
          R response = work.apply(Mode.EXECUTE);
          if (records.complete(accountId, method, tokenHash, response.toByteArray()) != 1) {
            // Cannot happen: this transaction inserted (or took over) the row and holds its lock.
            throw new IllegalStateException("the idempotency record of this call vanished");
          }
          return response;
        });
  }

  /**
   * In the caller's transaction: inserts the key's row (uncommitted, IN_PROGRESS until the work
   * completes it) and returns null, or returns the stored response to replay.
   */
  private <R extends Message> R claim(
      String accountId, String method, String tokenHash, String requestHash, Parser<R> parser) {
    for (int attempt = 0; attempt < 3; attempt++) {
      Instant now = clock.instant();
      try {
        records.insert(
            new IdempotencyRow(
                accountId,
                method,
                tokenHash,
                requestHash,
                IN_PROGRESS,
                null,
                now,
                now.plus(retention)));
        return null;
      } catch (RuntimeException e) {
        if (!Transactions.isDuplicateKey(e)) {
          throw e;
        }
      }
      // Committed by an earlier call (READ COMMITTED sees it).
      IdempotencyRow existing = records.find(accountId, method, tokenHash);
      if (existing == null) {
        continue; // purged meanwhile: claim again
      }
      if (!existing.expiresTime().isAfter(now)) {
        records.deleteExpired(accountId, method, tokenHash, now);
        continue;
      }
      if (!existing.requestHash().equals(requestHash)) {
        throw ApiException.of(
                ErrorReason.IDEMPOTENCY_KEY_REUSED,
                "this client_token was already used for a different request")
            .field("client_token", "already used with different request parameters")
            .meta("method", method)
            .build();
      }
      if (!IN_PROGRESS.equals(existing.state())) {
        return parse(parser, existing.response());
      }
      // A committed IN_PROGRESS marker: written by a release before 0.2, which committed the
      // marker before the work. Honour it for the lease (its call may still be running on an old
      // replica during a rolling upgrade), then take it over.
      if (existing.startedTime().plus(inProgressLease).isBefore(now)
          && records.restart(
                  accountId, method, tokenHash, existing.startedTime(), now, now.plus(retention))
              == 1) {
        return null;
      }
      throw inProgress();
    }
    throw inProgress();
  }

  /** Deletes expired keys; called periodically. Returns how many were removed. */
  public int purgeExpired(int limit) {
    return tx.inTransaction(() -> records.purgeExpired(clock.instant(), limit));
  }

  private static ApiException inProgress() {
    return ApiException.of(
            ErrorReason.REQUEST_IN_PROGRESS,
            "a request with this client_token is still in progress; retry shortly")
        .build();
  }

  private static <R extends Message> R parse(Parser<R> parser, byte[] bytes) {
    try {
      return parser.parseFrom(bytes == null ? new byte[0] : bytes);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("stored idempotent response is unreadable", e);
    }
  }

  static String fingerprint(Message request) {
    Message.Builder builder = request.toBuilder();
    FieldDescriptor token = request.getDescriptorForType().findFieldByName(CLIENT_TOKEN);
    if (token != null) {
      builder.clearField(token);
    }
    Message normalized = builder.build();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      out.write(request.getDescriptorForType().getFullName().getBytes(StandardCharsets.UTF_8));
      out.write(0);
      CodedOutputStream coded = CodedOutputStream.newInstance(out);
      coded.useDeterministicSerialization();
      normalized.writeTo(coded);
      coded.flush();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return Hashing.sha256Hex(out.toByteArray());
  }
}
