package com.cvmbilling.renewal.server.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.platform.commons.annotation.Testable;
import org.junit.platform.commons.support.AnnotationSupport;
import org.junit.platform.commons.support.HierarchyTraversalMode;

/**
 * Checks the tier tags of every test class compiled next to an anchor class: each has at least one
 * tag, only tags of {@link Tier}, and {@code unit} alone (a unit test that also needs a database is
 * a mis-tag). Without this, an untagged class would silently drop out of every tier.
 */
public final class TierTags {
  private TierTags() {}

  /** The problems found among the test classes in the directory (or jar) {@code anchor} is in. */
  public static List<String> problems(Class<?> anchor) {
    Path root = classesRoot(anchor);
    List<String> problems = new ArrayList<>();
    try (Stream<Path> files = Files.walk(root)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".class")).sorted().toList()) {
        String name =
            root.relativize(file).toString().replace('/', '.').replaceAll("\\.class$", "");
        if (name.contains("$")) {
          continue; // nested classes carry their enclosing class's tags
        }
        Class<?> type = load(name, anchor.getClassLoader());
        if (!isTestClass(type)) {
          continue;
        }
        Set<String> tags = new TreeSet<>();
        AnnotationSupport.findRepeatableAnnotations(type, Tag.class)
            .forEach(t -> tags.add(t.value()));
        if (tags.isEmpty()) {
          problems.add(name + ": no tier tag (add @Tier.Unit, @Tier.H2, ...)");
        } else if (!Tier.ALL.containsAll(tags)) {
          problems.add(name + ": unknown tag in " + tags + " (known: " + Tier.ALL + ")");
        } else if (tags.contains(Tier.UNIT) && tags.size() > 1) {
          problems.add(name + ": unit together with " + tags);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return problems;
  }

  /** Fails with the list of problems, if any. */
  public static void assertEveryTestClassTagged(Class<?> anchor) {
    assertThat(problems(anchor)).as("tier tags of the test classes").isEmpty();
  }

  private static boolean isTestClass(Class<?> type) {
    if (type.isInterface()
        || type.isAnnotation()
        || type.isEnum()
        || Modifier.isAbstract(type.getModifiers())) {
      return false;
    }
    return hasTests(type);
  }

  private static boolean hasTests(Class<?> type) {
    if (!AnnotationSupport.findAnnotatedMethods(
            type, Testable.class, HierarchyTraversalMode.TOP_DOWN)
        .isEmpty()) {
      return true;
    }
    for (Class<?> member : type.getDeclaredClasses()) {
      if (hasTests(member)) {
        return true;
      }
    }
    return false;
  }

  private static Class<?> load(String name, ClassLoader loader) {
    try {
      return Class.forName(name, false, loader);
    } catch (ClassNotFoundException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Path classesRoot(Class<?> anchor) {
    try {
      return Path.of(anchor.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }
}
