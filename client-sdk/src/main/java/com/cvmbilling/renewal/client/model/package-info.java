/**
 * Java-friendly views of the API's messages: {@link java.math.BigDecimal} money ({@link
 * com.cvmbilling.renewal.client.model.Amount}), {@link java.time.Instant} times, {@link
 * java.util.Optional} for fields that may be unset. Each view's {@code toProto()} returns the
 * generated message.
 */
package com.cvmbilling.renewal.client.model;
