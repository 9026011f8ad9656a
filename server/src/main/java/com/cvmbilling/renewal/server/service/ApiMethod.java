package com.cvmbilling.renewal.server.service;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.MethodDescriptor;
import com.google.protobuf.Descriptors.ServiceDescriptor;
import com.google.protobuf.Message;
import com.google.protobuf.Parser;

/**
 * A mutating RPC as the idempotency table knows it: its generated protobuf method descriptor and
 * the response message that is stored and replayed. The descriptor's simple name (e.g. {@code
 * RenewInstances}) is the stored scope, so responses stored by earlier releases still replay.
 *
 * <p>Found from the request type rather than by name: every RPC has its own request message, so the
 * method is the one of the request's proto file whose input is that message.
 */
public record ApiMethod<R extends Message>(MethodDescriptor descriptor, R responsePrototype) {

  public static <R extends Message> ApiMethod<R> of(Descriptor requestType, R responsePrototype) {
    MethodDescriptor found = methodOf(requestType);
    if (!found.getOutputType().equals(responsePrototype.getDescriptorForType())) {
      throw new IllegalArgumentException(
          found.getFullName() + " does not return " + responsePrototype.getDescriptorForType());
    }
    return new ApiMethod<>(found, responsePrototype);
  }

  /** The one method of the request's proto file whose input is that request message. */
  static MethodDescriptor methodOf(Descriptor requestType) {
    MethodDescriptor found = null;
    for (ServiceDescriptor service : requestType.getFile().getServices()) {
      for (MethodDescriptor method : service.getMethods()) {
        if (method.getInputType().equals(requestType)) {
          if (found != null) {
            throw new IllegalArgumentException(
                requestType.getFullName() + " is the request of more than one method");
          }
          found = method;
        }
      }
    }
    if (found == null) {
      throw new IllegalArgumentException(requestType.getFullName() + " is no method's request");
    }
    return found;
  }

  /** The scope stored in the idempotency table. */
  public String name() {
    return descriptor.getName();
  }

  @SuppressWarnings("unchecked")
  Parser<R> parser() {
    return (Parser<R>) responsePrototype.getParserForType();
  }
}
