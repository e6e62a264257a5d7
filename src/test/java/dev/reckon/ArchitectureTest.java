package dev.reckon;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The rooms and their arrows (docs/architecture.md): {@code model} &lt;- {@code core} &lt;- {@code source},
 * {@code ledger}, {@code charter}, {@code config} &lt;- {@code review}, {@code exits}, {@code sim} &lt;- {@code act},
 * {@code report} &lt;- {@code app}, {@code bench} &lt;- the doors ({@code cli}, {@code serve}, {@code mcp}; {@code cli}
 * starts {@code serve} and {@code mcp}, and {@code serve} mounts {@code mcp}'s servlet). A build with an arrow the wrong way, or
 * a cycle between rooms, fails here.
 */
class ArchitectureTest {
    private static JavaClasses main;

    @BeforeAll
    static void load() {
        main = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.reckon");
    }

    static ArchRule layers() {
        return layeredArchitecture().consideringOnlyDependenciesInLayers()
                .layer("model").definedBy("dev.reckon.model..")
                .layer("core").definedBy("dev.reckon.core..")
                .layer("stores").definedBy("dev.reckon.source..", "dev.reckon.ledger..", "dev.reckon.charter..",
                        "dev.reckon.config..")
                .layer("analyses").definedBy("dev.reckon.review..", "dev.reckon.exits..", "dev.reckon.sim..",
                        "dev.reckon.rightsize..", "dev.reckon.optimise..", "dev.reckon.place..")
                .layer("acts").definedBy("dev.reckon.act..", "dev.reckon.report..")
                .layer("app").definedBy("dev.reckon.app..", "dev.reckon.bench..")
                .layer("doors").definedBy("dev.reckon.cli..", "dev.reckon.serve..", "dev.reckon.mcp..")
                .whereLayer("doors").mayNotBeAccessedByAnyLayer()
                .whereLayer("app").mayOnlyBeAccessedByLayers("doors")
                .whereLayer("acts").mayOnlyBeAccessedByLayers("app", "doors")
                .whereLayer("analyses").mayOnlyBeAccessedByLayers("acts", "app", "doors")
                .whereLayer("stores").mayOnlyBeAccessedByLayers("analyses", "acts", "app", "doors")
                .whereLayer("core").mayOnlyBeAccessedByLayers("stores", "analyses", "acts", "app", "doors")
                .whereLayer("model").mayOnlyBeAccessedByLayers("core", "stores", "analyses", "acts", "app", "doors");
    }

    @Test
    void arrowsPointOneWay() {
        layers().check(main);
    }

    @Test
    void noRoomsFormACycle() {
        slices().matching("dev.reckon.(*)..").should().beFreeOfCycles().check(main);
    }

    @Test
    void theApplicationLayerKnowsNoDoor() {
        noClasses().that().resideInAPackage("dev.reckon.app..")
                .should().dependOnClassesThat().resideInAPackage("picocli..")
                .orShould().callMethod(System.class, "exit", int.class)
                .orShould().callMethod(System.class, "getenv")
                .orShould().callMethod(System.class, "getenv", String.class)
                .orShould().accessField(System.class, "out")
                .orShould().accessField(System.class, "err")
                .because("use cases take plain requests and return plain results; doors parse, print and exit")
                .check(main);
    }

    @Test
    void noCommandCallsAnotherCommand() {
        classes().that().resideInAPackage("dev.reckon.cli").and().haveSimpleNameEndingWith("Command")
                .and().doNotHaveSimpleName("Main")
                .should(dependOnNoOtherCommand()).check(main);
    }

    @Test
    void theCommandLineOnlyParsesCallsAndRenders() {
        noClasses().that().resideInAPackage("dev.reckon.cli..").and().doNotHaveSimpleName("Main")
                .should().dependOnClassesThat().resideInAnyPackage("dev.reckon.source..")
                .orShould().callMethod(dev.reckon.ledger.Ledger.class, "open", String.class)
                .orShould().callMethod(dev.reckon.charter.Charters.class, "load", java.nio.file.Path.class,
                        java.time.ZoneId.class)
                .orShould().callMethod(dev.reckon.charter.Charters.class, "check", java.nio.file.Path.class,
                        java.util.List.class, java.time.ZoneId.class)
                .because("opening the ledger, reading charters and running Slurm is the application layer's work")
                .check(main);
    }

    @Test
    void theMcpServerIsADoorLikeTheCommandLine() {
        noClasses().that().resideInAPackage("dev.reckon.mcp..")
                .should().dependOnClassesThat().resideInAnyPackage("picocli..", "dev.reckon.cli..",
                        "dev.reckon.serve..", "dev.reckon.source..")
                .orShould().callMethod(dev.reckon.ledger.Ledger.class, "open", String.class)
                .orShould().callMethod(dev.reckon.charter.Charters.class, "load", java.nio.file.Path.class,
                        java.time.ZoneId.class)
                .orShould().callMethod(dev.reckon.charter.Charters.class, "check", java.nio.file.Path.class,
                        java.util.List.class, java.time.ZoneId.class)
                .orShould().callMethod(System.class, "exit", int.class)
                .orShould().accessField(System.class, "out")
                .because("the MCP server reads arguments, makes one app call and answers, like a command; on stdio "
                        + "standard output is the protocol's, so nothing else may write to it")
                .check(main);
    }

    @Test
    void theServerOnlyParsesCallsAndRenders() {
        noClasses().that().resideInAPackage("dev.reckon.serve..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.reckon.source..", "dev.reckon.cli..")
                .orShould().callMethod(dev.reckon.ledger.Ledger.class, "open", String.class)
                .orShould().callMethod(dev.reckon.ledger.Ledger.class, "openReadOnly", String.class)
                .orShould().callMethod(dev.reckon.charter.Charters.class, "load", java.nio.file.Path.class,
                        java.time.ZoneId.class)
                .orShould().callMethod(System.class, "exit", int.class)
                .orShould().callMethod(System.class, "getenv")
                .orShould().callMethod(System.class, "getenv", String.class)
                .because("reckon serve is a door like the command line: it calls the application layer and renders; "
                        + "the command line starts it, never the other way round")
                .check(main);
    }

    @Test
    void aReversedArrowFailsTheBuild() {
        // the rule is no paper tiger: a class of its own that reaches from the ledger up into the review breaks it
        JavaClasses reversed = new ClassFileImporter().importClasses(dev.reckon.ledger.Ledger.class,
                dev.reckon.review.Review.class, ReversedArrow.class);
        assertThrows(AssertionError.class, () -> layeredArchitecture().consideringOnlyDependenciesInLayers()
                .layer("stores").definedBy(JavaClass.Predicates.resideInAPackage("dev.reckon.ledger..")
                        .or(JavaClass.Predicates.simpleNameEndingWith("ReversedArrow")))
                .layer("analyses").definedBy("dev.reckon.review..")
                .whereLayer("analyses").mayNotBeAccessedByAnyLayer()
                .check(reversed));
    }

    /** What a store reaching into an analysis looks like. */
    static final class ReversedArrow {
        static int recurring() {
            return dev.reckon.review.Review.RECURRING_WEEKS + dev.reckon.review.Review.heldCpus(null);
        }
    }

    private static ArchCondition<JavaClass> dependOnNoOtherCommand() {
        return new ArchCondition<>("depend on no other command class") {
            @Override
            public void check(JavaClass c, ConditionEvents events) {
                String own = c.getName().split("\\$")[0];
                c.getDirectDependenciesFromSelf().forEach(d -> {
                    JavaClass t = d.getTargetClass();
                    String target = t.getName().split("\\$")[0];
                    // naming subcommands in @Command(subcommands = ...) registers them; it is no call
                    boolean registration = d.getDescription().contains("annotation member of type");
                    if (!registration && t.getPackageName().equals("dev.reckon.cli") && target.endsWith("Command")
                            && !target.equals(own))
                        events.add(SimpleConditionEvent.violated(d, d.getDescription()));
                });
            }
        };
    }
}
