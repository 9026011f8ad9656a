package com.cvmbilling.renewal.client;

import static org.assertj.core.api.Assertions.assertThat;

import com.cvmbilling.renewal.client.error.RenewalException;
import com.cvmbilling.renewal.server.testing.Tier;
import com.sun.source.doctree.DocCommentTree;
import com.sun.source.doctree.DocTree;
import com.sun.source.doctree.ThrowsTree;
import com.sun.source.tree.ClassTree;
import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.LambdaExpressionTree;
import com.sun.source.tree.MemberSelectTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.tree.NewClassTree;
import com.sun.source.tree.ThrowTree;
import com.sun.source.tree.Tree;
import com.sun.source.util.DocTrees;
import com.sun.source.util.JavacTask;
import com.sun.source.util.TreePathScanner;
import com.sun.source.util.TreeScanner;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import javax.lang.model.element.Modifier;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;

/**
 * Every public method of the API (packages {@code client}, {@code client.model}, {@code
 * client.error}) documents what it throws, checked on the sources with the JDK's own parser:
 *
 * <ol>
 *   <li>A method that can fail with a {@link RenewalException} (it calls the service: it blocks on
 *       a call, a page or a callable, itself or through a method of its class, iterators it returns
 *       included) has an {@code @throws} naming {@code RenewalException} or one of its subclasses.
 *   <li>A method that throws an exception itself ({@code throw new X(...)}, {@code
 *       Objects.requireNonNull} for {@code NullPointerException}), or through a method of its own
 *       class it calls, has an {@code @throws X}.
 * </ol>
 *
 * Accessors that cannot fail need no tag. Protected members of classes that can be subclassed are
 * API too; members of non-public, anonymous and local classes are not.
 */
@Tier.Unit
class JavadocThrowsTest {
  private static final Path SOURCES = sources();
  private static final List<Path> API_DIRS =
      List.of(SOURCES, SOURCES.resolve("model"), SOURCES.resolve("error"));

  /** The API's sources: Maven runs tests in the module's directory, an IDE maybe in the root. */
  private static Path sources() {
    Path inModule = Path.of("src/main/java/com/cvmbilling/renewal/client");
    return Files.isDirectory(inModule) ? inModule : Path.of("client-sdk").resolve(inModule);
  }

  /** One method or constructor of a source file. */
  private static final class Decl {
    final String where;
    boolean api;
    final Set<String> documented = new TreeSet<>();
    final Set<String> throwsItself = new TreeSet<>();
    final Set<String> calls = new HashSet<>(); // same-object calls, by simple name
    boolean blocksOnTheService;

    Decl(String where, boolean api) {
      this.where = where;
      this.api = api;
    }
  }

  private static List<Path> apiSources() throws IOException {
    List<Path> files = new ArrayList<>();
    for (Path dir : API_DIRS) {
      try (Stream<Path> s = Files.list(dir)) {
        s.filter(p -> p.toString().endsWith(".java"))
            .filter(p -> !p.getFileName().toString().equals("package-info.java"))
            .sorted()
            .forEach(files::add);
      }
    }
    return files;
  }

  /** Parses the API sources; per file, its methods and constructors. */
  private static Map<String, List<Decl>> parse() throws IOException {
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    Map<String, List<Decl>> byFile = new HashMap<>();
    try (StandardJavaFileManager files =
        javac.getStandardFileManager(null, null, StandardCharsets.UTF_8)) {
      Iterable<? extends JavaFileObject> sources = files.getJavaFileObjectsFromPaths(apiSources());
      JavacTask task =
          (JavacTask) javac.getTask(null, files, null, List.of("-proc:none"), null, sources);
      DocTrees docs = DocTrees.instance(task);
      for (CompilationUnitTree unit : task.parse()) {
        List<Decl> decls = new ArrayList<>();
        new TreePathScanner<Void, Void>() {
          private final Deque<Boolean> visible = new ArrayDeque<>(); // per enclosing class
          private final Deque<String> names = new ArrayDeque<>();
          private final Deque<Boolean> subclassable = new ArrayDeque<>();
          private final Deque<Boolean> isInterface = new ArrayDeque<>();

          @Override
          public Void visitClass(ClassTree c, Void unused) {
            boolean anonymous = c.getSimpleName().contentEquals("");
            boolean iface =
                c.getKind() == Tree.Kind.INTERFACE || c.getKind() == Tree.Kind.ANNOTATION_TYPE;
            boolean outerVisible = visible.isEmpty() || visible.peek();
            boolean memberOfInterface = !isInterface.isEmpty() && isInterface.peek();
            boolean isPublic =
                c.getModifiers().getFlags().contains(Modifier.PUBLIC) || memberOfInterface;
            boolean local =
                getCurrentPath().getParentPath().getLeaf() instanceof com.sun.source.tree.BlockTree;
            visible.push(outerVisible && isPublic && !anonymous && !local);
            names.push(anonymous ? "<anonymous>" : c.getSimpleName().toString());
            subclassable.push(
                !c.getModifiers().getFlags().contains(Modifier.FINAL)
                    && c.getKind() == Tree.Kind.CLASS);
            isInterface.push(iface);
            try {
              return super.visitClass(c, unused);
            } finally {
              visible.pop();
              names.pop();
              subclassable.pop();
              isInterface.pop();
            }
          }

          @Override
          public Void visitMethod(MethodTree m, Void unused) {
            Set<Modifier> flags = m.getModifiers().getFlags();
            boolean inInterface = isInterface.peek();
            boolean memberIsApi =
                flags.contains(Modifier.PUBLIC)
                    || (inInterface && !flags.contains(Modifier.PRIVATE))
                    || (flags.contains(Modifier.PROTECTED) && subclassable.peek());
            String name =
                m.getName().contentEquals("<init>") ? names.peek() : m.getName().toString();
            List<String> owners = new ArrayList<>(names);
            java.util.Collections.reverse(owners);
            Decl d =
                new Decl(
                    String.join(".", owners)
                        + (name.equals(names.peek()) ? ".<init>" : "." + name)
                        + "("
                        + m.getParameters().stream()
                            .map(p -> p.getType().toString())
                            .reduce((a, b) -> a + ", " + b)
                            .orElse("")
                        + ")",
                    visible.peek() && memberIsApi);
            d.api &= !(name.equals("toString") || name.equals("equals") || name.equals("hashCode"));
            DocCommentTree doc = docs.getDocCommentTree(getCurrentPath());
            if (doc != null) {
              for (DocTree tag : doc.getBlockTags()) {
                if (tag instanceof ThrowsTree t) {
                  String n = t.getExceptionName().getSignature();
                  d.documented.add(n.substring(n.lastIndexOf('.') + 1));
                }
              }
            }
            if (m.getBody() != null) {
              scanBody(m.getBody(), d);
            }
            decls.add(d);
            return super.visitMethod(m, unused);
          }
        }.scan(unit, null);
        byFile.put(unit.getSourceFile().getName(), decls);
      }
    }
    return byFile;
  }

  /**
   * What a body throws itself (not counting nested classes and lambdas: those throw when they run,
   * not when the method does), whether it blocks on the service (counting them: a returned iterator
   * that fetches pages does), and which methods of its own object it calls.
   */
  private static void scanBody(Tree body, Decl d) {
    new TreeScanner<Void, Boolean>() {
      @Override
      public Void visitThrow(ThrowTree t, Boolean nested) {
        if (!nested && t.getExpression() instanceof NewClassTree n) {
          String type = n.getIdentifier().toString();
          d.throwsItself.add(type.substring(type.lastIndexOf('.') + 1));
        }
        return super.visitThrow(t, nested);
      }

      @Override
      public Void visitMethodInvocation(MethodInvocationTree call, Boolean nested) {
        Tree select = call.getMethodSelect();
        String name =
            select instanceof MemberSelectTree ms
                ? ms.getIdentifier().toString()
                : ((IdentifierTree) select).getName().toString();
        if (name.equals("requireNonNull") && !nested) {
          d.throwsItself.add("NullPointerException");
        }
        if (select instanceof MemberSelectTree ms
            && (name.equals("call") && !ms.getExpression().toString().equals("super")
                || name.equals("await") && ms.getExpression().toString().equals("Futures")
                || name.equals("nextPage"))) {
          d.blocksOnTheService = true;
        }
        boolean sameObject =
            select instanceof IdentifierTree
                || (select instanceof MemberSelectTree ms
                    && ms.getExpression().toString().equals("this"));
        if (sameObject) {
          if (!nested) {
            d.calls.add(name);
          } else if (name.equals("nextPage") || name.equals("call")) {
            d.blocksOnTheService = true;
          }
        }
        return super.visitMethodInvocation(call, nested);
      }

      @Override
      public Void visitClass(ClassTree c, Boolean nested) {
        return super.visitClass(c, true);
      }

      @Override
      public Void visitLambdaExpression(LambdaExpressionTree l, Boolean nested) {
        return super.visitLambdaExpression(l, true);
      }
    }.scan(body, false);
  }

  private static String simpleName(String where) {
    String beforeParams = where.substring(0, where.indexOf('('));
    return beforeParams.substring(beforeParams.lastIndexOf('.') + 1);
  }

  /** Propagates, within each file, what a method throws and whether it blocks, to its callers. */
  private static void propagate(List<Decl> decls) {
    boolean changed = true;
    while (changed) {
      changed = false;
      for (Decl d : decls) {
        for (Decl callee : decls) {
          if (callee == d || !d.calls.contains(simpleName(callee.where))) {
            continue;
          }
          changed |= d.throwsItself.addAll(callee.throwsItself);
          if (callee.blocksOnTheService && !d.blocksOnTheService) {
            d.blocksOnTheService = true;
            changed = true;
          }
        }
      }
    }
  }

  private static boolean isRenewalException(String simpleName) {
    try {
      return RenewalException.class.isAssignableFrom(
          Class.forName("com.cvmbilling.renewal.client.error." + simpleName));
    } catch (ClassNotFoundException e) {
      return false;
    }
  }

  @Test
  void everyPublicMethodDocumentsWhatItThrows() throws IOException {
    Map<String, List<Decl>> byFile = parse();
    List<String> missing = new ArrayList<>();
    for (List<Decl> decls : byFile.values()) {
      propagate(decls);
      for (Decl d : decls) {
        if (!d.api) {
          continue;
        }
        if (d.blocksOnTheService
            && d.documented.stream().noneMatch(JavadocThrowsTest::isRenewalException)) {
          missing.add(d.where + ": @throws RenewalException (or a subclass)");
        }
        for (String thrown : d.throwsItself) {
          if (!d.documented.contains(thrown)) {
            missing.add(d.where + ": @throws " + thrown);
          }
        }
      }
    }
    assertThat(missing).as("public methods without the @throws they need").isEmpty();
  }

  @Test
  void theCheckSeesWhatItShould() throws IOException {
    Map<String, List<Decl>> byFile = parse();
    List<Decl> all = byFile.values().stream().flatMap(List::stream).toList();
    byFile.values().forEach(JavadocThrowsTest::propagate);
    Map<String, Decl> byWhere = new HashMap<>();
    all.forEach(d -> byWhere.put(d.where, d));

    // Calls to the service, directly and through a shortcut or an iterator.
    assertThat(byWhere.get("RenewalClient.renewInstances(RenewInstancesRequest)"))
        .matches(d -> d.api && d.blocksOnTheService);
    assertThat(byWhere.get("RenewalClient.renewInstances(Collection<String>, int)"))
        .matches(d -> d.blocksOnTheService);
    assertThat(byWhere.get("RenewalClient.listAllInstances()")).matches(d -> d.blocksOnTheService);
    assertThat(byWhere.get("Page.iterateAll()")).matches(d -> d.blocksOnTheService);
    assertThat(byWhere.get("UnaryCallable.call(RequestT)")).matches(d -> d.blocksOnTheService);
    // Not calls: an accessor, a callable, a future.
    assertThat(byWhere.get("RenewalClient.renewInstancesCallable()"))
        .matches(d -> d.api && !d.blocksOnTheService);
    assertThat(byWhere.get("UnaryCallable.futureCall(RequestT)"))
        .matches(d -> !d.blocksOnTheService && d.throwsItself.contains("NullPointerException"));
    // Own throws, nested builders, and what is not API.
    assertThat(byWhere.get("RetrySettings.Builder.jitter(double)"))
        .matches(d -> d.api && d.throwsItself.contains("IllegalArgumentException"));
    assertThat(byWhere.get("ClientBuilder.target(String)"))
        .matches(d -> d.throwsItself.contains("IllegalArgumentException"));
    assertThat(
            byWhere.get("UnaryCaller.call(Rpc, MethodDescriptor<Req, Resp>, Req, RequestOptions)"))
        .matches(d -> !d.api);
    assertThat(all).filteredOn(d -> d.where.contains("<anonymous>")).allMatch(d -> !d.api);
    assertThat(all).filteredOn(d -> d.api).hasSizeGreaterThan(150);
  }
}
