package com.cvmbilling.renewal.server.error;

/** A wrong request field, reported as a {@code google.rpc.BadRequest.FieldViolation}. */
public record FieldViolation(String field, String description) {}
