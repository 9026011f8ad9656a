package com.cvmbilling.renewal.server.error;

/**
 * The canonical status codes this service reports. Kept independent of grpc-java so that the domain
 * and service layers need no transport classes; the gRPC layer maps them one to one.
 */
public enum StatusCode {
  INVALID_ARGUMENT,
  NOT_FOUND,
  FAILED_PRECONDITION,
  ABORTED,
  UNAUTHENTICATED,
  PERMISSION_DENIED,
  RESOURCE_EXHAUSTED,
  UNAVAILABLE,
  DEADLINE_EXCEEDED
}
