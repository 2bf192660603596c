package org.opensearch.multimodal.plugin;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.EvaluationResult;
import org.junit.BeforeClass;
import org.opensearch.test.OpenSearchTestCase;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The design rule of the plugin's layout: the core (models, mappers, math, settings, inference) knows nothing of the
 * extensions (ingest processors, queries, REST handlers) nor of the plugin that wires them; the extensions know the core
 * only, never each other nor the plugin.
 */
public final class DependencyDirectionTests extends OpenSearchTestCase {

    private static final String ROOT = "org.opensearch.multimodal";
    private static final String PROCESSOR = ROOT + ".processor..";
    private static final String QUERY = ROOT + ".query..";
    private static final String REST = ROOT + ".rest..";
    private static final String PLUGIN = ROOT + ".plugin..";
    private static final List<String> EXTENSIONS = List.of(PROCESSOR, QUERY, REST);

    private static JavaClasses classes;

    @BeforeClass
    public static void importMainClasses() {
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages(ROOT);
    }

    private static String[] allBut(String excluded) {
        List<String> packages = new ArrayList<>(EXTENSIONS);
        packages.add(PLUGIN);
        packages.remove(excluded);
        return packages.toArray(new String[0]);
    }

    private static void assertHolds(ArchRule rule) {
        EvaluationResult result = rule.evaluate(classes);
        assertFalse(result.getFailureReport().toString(), result.hasViolation());
    }

    public void testTheMainClassesOfEveryLayerAreImported() {
        assertTrue("imported only " + classes.size() + " classes", classes.size() > 10);
        for (String layer : List.of("model", "mapper", "math", "settings", "inference", "processor", "query", "rest", "plugin")) {
            String packageName = ROOT + "." + layer;
            assertTrue("no class imported from " + packageName, classes.stream().anyMatch(c -> c.getPackageName().equals(packageName)));
        }
        assertFalse("test classes must not be imported", classes.contain(DependencyDirectionTests.class));
    }

    public void testCoreDependsOnNoExtensionAndNotOnThePlugin() {
        List<String> outsideCore = new ArrayList<>(EXTENSIONS);
        outsideCore.add(PLUGIN);
        String[] layers = outsideCore.toArray(new String[0]);
        assertHolds(noClasses().that().resideOutsideOfPackages(layers).should().dependOnClassesThat().resideInAnyPackage(layers));
    }

    public void testExtensionsDependOnNeitherEachOtherNorThePlugin() {
        for (String extension : EXTENSIONS) {
            assertHolds(
                noClasses().that()
                    .resideInAPackage(extension)
                    .should()
                    .dependOnClassesThat()
                    .resideInAnyPackage(allBut(extension))
                    .as(String.format(Locale.ROOT, "classes in %s depend on no other extension nor the plugin", extension))
            );
        }
    }

    public void testNoPackageDependsOnItselfThroughAnother() {
        assertHolds(slices().matching(ROOT + ".(*)..").should().beFreeOfCycles());
    }

    public void testTheLowestFloorsKnowOnlyWhatLiesBelowThem() {
        // math: pure functions over arrays; settings: the values operators set (a token encoding is one); memory: the
        // breaker and everything that charges it
        assertKnowsOnly(ROOT + ".math..");
        assertKnowsOnly(ROOT + ".settings..", ROOT + ".math..");
        assertKnowsOnly(ROOT + ".memory..", ROOT + ".settings..", ROOT + ".math..");
    }

    /** Classes in {@code layer} depend on no class of the plugin outside {@code layer} and {@code allowed}. */
    private static void assertKnowsOnly(String layer, String... allowed) {
        DescribedPredicate<JavaClass> elsewhere = resideInAPackage(ROOT + "..").and(not(resideInAnyPackage(concat(layer, allowed))));
        assertHolds(noClasses().that().resideInAPackage(layer).should().dependOnClassesThat(elsewhere));
    }

    private static String[] concat(String first, String... rest) {
        List<String> all = new ArrayList<>(List.of(rest));
        all.add(first);
        return all.toArray(new String[0]);
    }

    public void testTheRulesSeeRealDependencies() {
        // the plugin wires every extension: the same rule pointed the other way must report it, or the rules check nothing
        for (String extension : EXTENSIONS) {
            EvaluationResult reversed = noClasses().that()
                .resideInAPackage(PLUGIN)
                .should()
                .dependOnClassesThat()
                .resideInAPackage(extension)
                .evaluate(classes);
            assertTrue("the plugin's use of " + extension + " went unseen", reversed.hasViolation());
        }
    }
}
