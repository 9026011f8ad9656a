package com.cvmbilling.renewal.server.domain;

import java.time.Instant;

public record Event(
    long eventId,
    String accountId,
    EventType eventType,
    String instanceId,
    Instant occurredTime,
    Instant expiredTime,
    int daysBefore,
    String orderId) {}
