package dev.rain.api;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The API's packages depend on each other one way only: http/ is the edge that reaches into the domain
 * packages (rain, ratelimit, ws, ...), never the other way round, so a rule can be read and tested without
 * the web layer and a change to a route cannot ripple back into the rules.
 */
class PackageCyclesTest {

    private static final JavaClasses MAIN = new ClassFileImporter()
        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages("dev.rain.api");

    @Test
    @DisplayName("no two packages of the API depend on each other, directly or round a loop")
    void packagesAreFreeOfCycles() {
        slices().matching("dev.rain.api.(*)..").should().beFreeOfCycles().check(MAIN);
    }

    @Test
    @DisplayName("only the top-level wiring depends on the top-level package, which builds everything else")
    void nothingReachesBackIntoTheWiring() {
        noClasses().that().resideInAPackage("dev.rain.api.(*)..")
            .should().dependOnClassesThat().resideInAPackage("dev.rain.api")
            .check(MAIN);
    }
}
