package io.shroud.arch;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The pure packages stay free of Pekko, so their logic is testable and reusable without
 * actors. Plain Jupiter tests calling {@code check} (rather than ArchUnit's own engine) so
 * that Surefire's filters and counts see them.
 */
class ArchitectureTest {
  private static JavaClasses classes;

  @BeforeAll
  static void importClasses() {
    classes = new ClassFileImporter()
        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages("io.shroud");
  }

  @Test
  void cryptoContentIdentityAndWireImportNothingFromPekko() {
    noClasses()
        .that().resideInAnyPackage("io.shroud.crypto..", "io.shroud.content..", "io.shroud.identity..",
            "io.shroud.wire..")
        .should().dependOnClassesThat().resideInAnyPackage("org.apache.pekko..", "scala..")
        .because("crypto, content, identity and wire are pure logic (docs/design.md, packages)")
        .check(classes);
  }

  @Test
  void onlyTheActorsOfDhtCircuitLookupAndSwarmUsePekko() {
    noClasses()
        .that().resideInAnyPackage("io.shroud.dht..", "io.shroud.circuit..", "io.shroud.lookup..",
            "io.shroud.swarm..", "io.shroud.store..")
        .and().haveSimpleNameNotEndingWith("Actor")
        .and().areNotNestedClasses()
        .should().dependOnClassesThat().resideInAnyPackage("org.apache.pekko..")
        .because("only the *Actor classes of dht, circuit, lookup, swarm and store may use Pekko")
        .allowEmptyShould(true)
        .check(classes);
  }

  @Test
  void metricsImportPekkoOnlyInTheirExtensionHolder() {
    noClasses()
        .that().resideInAPackage("io.shroud.metrics..")
        .and().doNotHaveFullyQualifiedName("io.shroud.metrics.Metrics")
        .and().doNotHaveFullyQualifiedName("io.shroud.metrics.Metrics$Id")
        .should().dependOnClassesThat().resideInAnyPackage("org.apache.pekko..", "scala..")
        .because("NodeMetrics is plain Java that pure classes may take; only the extension that gives each "
            + "ActorSystem its own names Pekko (docs/design.md, packages)")
        .check(classes);
  }

  @Test
  void theCommandLineRunsNoActors() {
    noClasses()
        .that().resideInAPackage("io.shroud.cli..")
        .should().dependOnClassesThat().resideInAnyPackage(
            "org.apache.pekko.actor.typed.javadsl..", "org.apache.pekko.persistence..")
        .because("the command line talks to nodes over HTTP")
        .check(classes);
  }

  @Test
  void theRuleCatchesAViolation() {
    // guard against a rule that cannot fail: the same rule over the node package must fail
    var rule = noClasses()
        .that().resideInAnyPackage("io.shroud.node..")
        .should().dependOnClassesThat().resideInAnyPackage("org.apache.pekko..");
    assertThrows(AssertionError.class, () -> rule.check(classes));
  }

  @Test
  void eachPackageImportsOnlyFromTheLayersBelowIt() {
    Layers.rule().check(classes);
  }

  @Test
  void noTwoPackagesImportEachOther() {
    slices().matching("io.shroud.(**)")
        .should().beFreeOfCycles()
        .ignoreDependency(JavaClass.Predicates.simpleName("KryoRegistry"),
            com.tngtech.archunit.base.DescribedPredicate.alwaysTrue())
        .because("packages form layers; only the Kryo registry names the event classes above it")
        .check(classes);
  }

  @Test
  void pureClassesNeverNameAnActor() {
    noClasses()
        .that().resideInAnyPackage(Layers.purePackages())
        .and(not(Layers.actors()))
        .should().dependOnClassesThat(Layers.actors())
        .because("the pure core decides and the actors ask: a plain class never names an actor or its messages")
        .check(classes);
  }

  @Test
  void theLayerRuleFailsOnAnUpwardImportAndPassesADownwardOne() throws ClassNotFoundException {
    JavaClasses upward = new ClassFileImporter()
        .importClasses(Class.forName("io.shroud.wire.UpwardImportFixture"));
    AssertionError error = assertThrows(AssertionError.class, () -> Layers.rule().check(upward));
    assertTrue(error.getMessage().contains("UpwardImportFixture") && error.getMessage().contains("NodeGuardian"),
        error.getMessage());
    JavaClasses downward = new ClassFileImporter()
        .importClasses(Class.forName("io.shroud.wire.DownwardImportFixture"));
    assertDoesNotThrow(() -> Layers.rule().check(downward));
  }
}
