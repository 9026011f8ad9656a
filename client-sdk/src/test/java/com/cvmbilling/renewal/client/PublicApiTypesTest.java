package com.cvmbilling.renewal.client;

import static org.assertj.core.api.Assertions.assertThat;

import com.cvmbilling.renewal.server.testing.Tier;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.Field;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.Member;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.lang.reflect.WildcardType;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The public API (packages {@code client}, {@code client.model} and {@code client.error}) speaks
 * the SDK's own types: no {@code io.grpc} type in any public or protected signature (supertypes,
 * fields, constructors, methods, type bounds, thrown types), except where gRPC's type is the very
 * thing offered (listed below with the reason), and no type of the SDK's non-API {@code internal}
 * package.
 */
@Tier.Unit
class PublicApiTypesTest {
  private static final List<String> API_PACKAGES =
      List.of(
          "com.cvmbilling.renewal.client",
          "com.cvmbilling.renewal.client.model",
          "com.cvmbilling.renewal.client.error");

  /** Where a gRPC type is the point, and no SDK type can stand for it. */
  private static final Map<String, String> ALLOWED =
      Map.of(
          "ApiKeyCredentials extends",
          "it is a gRPC CallCredentials by design, for the generated stubs",
          "ApiKeyCredentials.applyRequestMetadata",
          "the CallCredentials method it implements",
          "RenewalClient.channel",
          "the channel for the generated stubs (the escape hatch)",
          "AdminClient.channel",
          "the channel for the generated stubs (the escape hatch)",
          "ClientBuilder.credentials",
          "any gRPC CallCredentials (OAuth, ...) instead of an API key: gRPC's extension point",
          "ClientSettings.credentials",
          "returns what ClientBuilder.credentials took",
          "ClientBuilder.interceptors",
          "gRPC ClientInterceptors (tracing, metrics): gRPC's extension point",
          "ClientSettings.interceptors",
          "returns what ClientBuilder.interceptors took");

  private static List<Class<?>> apiClasses() {
    Path root;
    try {
      root =
          Path.of(RenewalClient.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
    List<Class<?>> classes = new ArrayList<>();
    for (String pkg : API_PACKAGES) {
      Path dir = root.resolve(pkg.replace('.', '/'));
      try (Stream<Path> files = Files.list(dir)) {
        for (Path f : files.filter(p -> p.toString().endsWith(".class")).sorted().toList()) {
          String simple = f.getFileName().toString().replace(".class", "");
          Class<?> c =
              Class.forName(pkg + "." + simple, false, RenewalClient.class.getClassLoader());
          if (isVisible(c)) {
            classes.add(c);
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } catch (ClassNotFoundException e) {
        throw new IllegalStateException(e);
      }
    }
    return classes;
  }

  /** Public, and public all the way out (a public class nested in a public one). */
  private static boolean isVisible(Class<?> c) {
    for (Class<?> k = c; k != null; k = k.getEnclosingClass()) {
      if (!Modifier.isPublic(k.getModifiers()) || k.isAnonymousClass() || k.isLocalClass()) {
        return false;
      }
    }
    return true;
  }

  private static boolean isApiMember(Class<?> owner, Member m) {
    int mod = m.getModifiers();
    if (m.isSynthetic() || (m instanceof Method method && method.isBridge())) {
      return false;
    }
    // Protected members are API of classes that can be subclassed.
    return Modifier.isPublic(mod)
        || (Modifier.isProtected(mod) && !Modifier.isFinal(owner.getModifiers()));
  }

  /** Every class named in a type, its arguments and bounds included. */
  private static void collect(Type t, Set<String> names, Set<Type> seen) {
    if (t == null || !seen.add(t)) {
      return;
    }
    if (t instanceof Class<?> c) {
      if (c.isArray()) {
        collect(c.getComponentType(), names, seen);
      } else {
        names.add(c.getName());
      }
    } else if (t instanceof ParameterizedType p) {
      collect(p.getRawType(), names, seen);
      collect(p.getOwnerType(), names, seen);
      for (Type a : p.getActualTypeArguments()) {
        collect(a, names, seen);
      }
    } else if (t instanceof WildcardType w) {
      for (Type b : w.getUpperBounds()) {
        collect(b, names, seen);
      }
      for (Type b : w.getLowerBounds()) {
        collect(b, names, seen);
      }
    } else if (t instanceof TypeVariable<?> v) {
      for (Type b : v.getBounds()) {
        collect(b, names, seen);
      }
    } else if (t instanceof GenericArrayType g) {
      collect(g.getGenericComponentType(), names, seen);
    }
  }

  private static Set<String> typesOf(Executable e) {
    Set<String> names = new TreeSet<>();
    Set<Type> seen = new HashSet<>();
    if (e instanceof Method m) {
      collect(m.getGenericReturnType(), names, seen);
    }
    for (Type t : e.getGenericParameterTypes()) {
      collect(t, names, seen);
    }
    for (Type t : e.getGenericExceptionTypes()) {
      collect(t, names, seen);
    }
    for (TypeVariable<?> v : e.getTypeParameters()) {
      collect(v, names, seen);
    }
    return names;
  }

  private static boolean forbidden(String typeName) {
    return typeName.startsWith("io.grpc.")
        || typeName.startsWith("com.cvmbilling.renewal.client.internal.");
  }

  /** "Owner.member" (nested owners as Outer.Inner) -> the forbidden types in its signature. */
  private static Map<String, Set<String>> violations() {
    Map<String, Set<String>> found = new java.util.TreeMap<>();
    for (Class<?> c : apiClasses()) {
      String owner = c.getName().substring(c.getPackageName().length() + 1).replace('$', '.');
      Set<String> supertypes = new TreeSet<>();
      Set<Type> seen = new HashSet<>();
      collect(c.getGenericSuperclass(), supertypes, seen);
      for (Type i : c.getGenericInterfaces()) {
        collect(i, supertypes, seen);
      }
      for (TypeVariable<?> v : c.getTypeParameters()) {
        collect(v, supertypes, seen);
      }
      record(found, owner + " extends", supertypes);
      for (Field f : c.getDeclaredFields()) {
        if (isApiMember(c, f)) {
          Set<String> names = new TreeSet<>();
          collect(f.getGenericType(), names, new HashSet<>());
          record(found, owner + "." + f.getName(), names);
        }
      }
      for (Constructor<?> k : c.getDeclaredConstructors()) {
        if (isApiMember(c, k)) {
          record(found, owner + ".<init>", typesOf(k));
        }
      }
      for (Method m : c.getDeclaredMethods()) {
        if (isApiMember(c, m)) {
          record(found, owner + "." + m.getName(), typesOf(m));
        }
      }
    }
    return found;
  }

  private static void record(Map<String, Set<String>> found, String where, Set<String> types) {
    for (String t : types) {
      if (forbidden(t)) {
        found.computeIfAbsent(where, k -> new TreeSet<>()).add(t);
      }
    }
  }

  @Test
  void noGrpcTypeInAPublicSignatureExceptTheListedOnes() {
    Map<String, Set<String>> found = violations();
    Map<String, Set<String>> unexpected = new java.util.TreeMap<>(found);
    unexpected.keySet().removeAll(ALLOWED.keySet());
    assertThat(unexpected)
        .as("io.grpc (or internal) types in the public API; use an SDK type, or justify in ALLOWED")
        .isEmpty();
    // The list does not outlive what it allows.
    assertThat(found.keySet()).containsAll(ALLOWED.keySet());
    // No exception is allowed an internal type.
    assertThat(found.values().stream().flatMap(Set::stream))
        .noneMatch(t -> t.startsWith("com.cvmbilling.renewal.client.internal."));
  }

  @Test
  void theCheckSeesTheApi() {
    List<Class<?>> classes = apiClasses();
    assertThat(classes)
        .contains(
            RenewalClient.class,
            RetrySettings.Builder.class,
            com.cvmbilling.renewal.client.error.RenewalException.class,
            com.cvmbilling.renewal.client.error.StatusCode.class,
            com.cvmbilling.renewal.client.model.Amount.class)
        .doesNotContain(UnaryCaller.class);
    // It would catch the signatures that used to expose gRPC's Status.Code.
    assertThat(forbidden(io.grpc.Status.Code.class.getName())).isTrue();
  }
}
