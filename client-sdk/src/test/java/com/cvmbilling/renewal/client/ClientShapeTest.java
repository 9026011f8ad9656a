package com.cvmbilling.renewal.client;

import static org.assertj.core.api.Assertions.assertThat;

import com.cvmbilling.renewal.server.testing.Tier;
import com.cvmbilling.renewal.v1.AdminServiceGrpc;
import com.cvmbilling.renewal.v1.RenewalServiceGrpc;
import com.cvmbilling.renewal.v1.TestClockServiceGrpc;
import io.grpc.MethodDescriptor;
import io.grpc.ServiceDescriptor;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The clients have the shape of Google's generated clients: per unary RPC one method taking the
 * request and one {@code ...Callable()}, derived from the proto's service descriptors, and no
 * hand-written copies ({@code ...Async}, request + options overloads).
 */
@Tier.Unit
class ClientShapeTest {
  private static String lowerCamel(String rpc) {
    return Character.toLowerCase(rpc.charAt(0)) + rpc.substring(1);
  }

  private static List<MethodDescriptor<?, ?>> unaryMethods(ServiceDescriptor... services) {
    return Arrays.stream(services)
        .flatMap(s -> s.getMethods().stream())
        .filter(m -> m.getType() == MethodDescriptor.MethodType.UNARY)
        .collect(Collectors.toList());
  }

  private static void assertShape(Class<?> client, List<MethodDescriptor<?, ?>> rpcs)
      throws Exception {
    for (MethodDescriptor<?, ?> rpc : rpcs) {
      String name = lowerCamel(rpc.getBareMethodName());
      Method callable = client.getMethod(name + "Callable");
      assertThat(callable.getReturnType()).isEqualTo(UnaryCallable.class);
      long requestForms =
          Arrays.stream(client.getMethods())
              .filter(m -> m.getName().equals(name))
              .filter(m -> m.getParameterCount() == 1)
              .filter(
                  m -> com.google.protobuf.Message.class.isAssignableFrom(m.getParameterTypes()[0]))
              .count();
      assertThat(requestForms).as(name + "(request)").isEqualTo(1);
    }
    Set<String> copies =
        Arrays.stream(client.getMethods())
            .filter(m -> Modifier.isPublic(m.getModifiers()))
            .filter(
                m ->
                    m.getName().endsWith("Async")
                        || Arrays.asList(m.getParameterTypes()).contains(RequestOptions.class))
            .map(Method::getName)
            .collect(Collectors.toSet());
    assertThat(copies).isEmpty();
  }

  @Test
  void renewalClientHasOneMethodAndOneCallablePerRpc() throws Exception {
    assertShape(RenewalClient.class, unaryMethods(RenewalServiceGrpc.getServiceDescriptor()));
  }

  @Test
  void adminClientHasOneMethodAndOneCallablePerRpc() throws Exception {
    assertShape(
        AdminClient.class,
        unaryMethods(
            AdminServiceGrpc.getServiceDescriptor(), TestClockServiceGrpc.getServiceDescriptor()));
  }

  @Test
  void everyCallableCallsItsOwnRpc() {
    EnumSet<Rpc> seen = EnumSet.noneOf(Rpc.class);
    try (RenewalClient client =
            RenewalClient.newBuilder().target("127.0.0.1:1").apiKey("k").plaintext().build();
        AdminClient admin =
            AdminClient.newBuilder().target("127.0.0.1:1").apiKey("k").plaintext().build()) {
      for (Object c : List.of(client, admin)) {
        for (Method m : c.getClass().getMethods()) {
          if (m.getName().endsWith("Callable")) {
            UnaryCallable<?, ?> callable;
            try {
              callable = (UnaryCallable<?, ?>) m.invoke(c);
            } catch (ReflectiveOperationException e) {
              throw new AssertionError(e);
            }
            // fooCallable(), or a variant of it that answers more (createApiKeyWithInfoCallable).
            assertThat(m.getName())
                .startsWith(lowerCamel(callable.rpc().methodName()))
                .endsWith("Callable");
            seen.add(callable.rpc());
          }
        }
      }
    }
    assertThat(EnumSet.complementOf(seen)).containsExactly(Rpc.WATCH_EVENTS);
  }
}
