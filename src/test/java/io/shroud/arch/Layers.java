package io.shroud.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.CompositeArchRule;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The package layers of {@code docs/design.md}, lowest first: a package may depend only on the
 * packages of its own layer's predecessors (and, inside layer 1, {@code content},
 * {@code identity} and {@code metrics} on {@code crypto}). {@code serialization} sits below everything: every
 * event class implements its marker; its Kryo registry alone names the event classes of the
 * layers above, and is exempt.
 */
final class Layers {
  private Layers() {}

  /** Each entry: the packages of one layer (ArchUnit package identifiers). */
  static final List<List<String>> ORDER = List.of(
      List.of("io.shroud.serialization"),
      List.of("io.shroud.crypto"),
      List.of("io.shroud.content", "io.shroud.identity", "io.shroud.metrics"),
      List.of("io.shroud.wire..", "io.shroud.admission..", "io.shroud.hidden.."),
      List.of("io.shroud.link.."),
      List.of("io.shroud.dht.."),
      List.of("io.shroud.circuit.."),
      List.of("io.shroud.lookup.."),
      List.of("io.shroud.rendezvous.."),
      List.of("io.shroud.swarm.transfer.."),
      List.of("io.shroud.store.."),
      List.of("io.shroud.swarm.pick.."),
      List.of("io.shroud.swarm.serve.."),
      List.of("io.shroud.swarm.fetch.."),
      List.of("io.shroud.node.."),
      List.of("io.shroud.api..", "io.shroud.cli.."));

  /** The class that may name classes of any layer: the serializer's registration list. */
  static final String REGISTRY = "io.shroud.serialization.KryoRegistry";

  /** One rule per layer: it depends on nothing above it, nor on a sibling of its own layer. */
  static ArchRule rule() {
    List<ArchRule> rules = new ArrayList<>();
    for (int i = 0; i < ORDER.size(); i++) {
      List<String> above = new ArrayList<>();
      for (int j = i + 1; j < ORDER.size(); j++) {
        above.addAll(ORDER.get(j));
      }
      List<String> layer = ORDER.get(i);
      for (String pkg : layer) {
        List<String> forbidden = new ArrayList<>(above);
        layer.stream().filter(other -> !other.equals(pkg)).forEach(forbidden::add);
        if (forbidden.isEmpty()) {
          continue;
        }
        rules.add(noClasses()
            .that().resideInAPackage(pkg)
            .and(notTheRegistry())
            .should().dependOnClassesThat().resideInAnyPackage(forbidden.toArray(String[]::new))
            .because(pkg + " sits below " + String.join(", ", forbidden) + " (docs/design.md, packages)")
            .allowEmptyShould(true));
      }
    }
    CompositeArchRule all = CompositeArchRule.of(rules.get(0));
    for (ArchRule r : rules.subList(1, rules.size())) {
      all = all.and(r);
    }
    return all;
  }

  private static DescribedPredicate<JavaClass> notTheRegistry() {
    return DescribedPredicate.describe("are not the Kryo registry",
        c -> !c.getName().equals(REGISTRY) && !c.getName().startsWith(REGISTRY + "$"));
  }

  /** Classes named {@code *Actor} and everything nested in them (their messages). */
  static DescribedPredicate<JavaClass> actors() {
    return DescribedPredicate.describe("are actors or nested in one", Layers::isActor);
  }

  static boolean isActor(JavaClass c) {
    JavaClass k = c;
    while (true) {
      if (k.getSimpleName().endsWith("Actor") && k.getPackageName().startsWith("io.shroud")) {
        return true;
      }
      if (k.getEnclosingClass().isEmpty()) {
        return false;
      }
      k = k.getEnclosingClass().get();
    }
  }

  /**
   * The packages whose plain classes are pure logic: everything below {@code node} but
   * {@code link}, whose reader threads and open-link table are Pekko plumbing by design
   * (docs/design.md: layer 3 may use Pekko), and the serializer, whose registry names events.
   */
  static String[] purePackages() {
    return ORDER.subList(1, ORDER.size() - 2).stream().flatMap(List::stream)
        .filter(p -> !p.startsWith("io.shroud.link"))
        .map(p -> p.endsWith("..") ? p : p + "..").toArray(String[]::new);
  }

  static String describe() {
    return Arrays.toString(ORDER.toArray());
  }
}
