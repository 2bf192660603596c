package org.opensearch.multimodal.plugin;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.EvaluationResult;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;
import org.junit.BeforeClass;
import org.opensearch.test.OpenSearchTestCase;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The design rule of the plugin's layout: the core (models, mappers, math, settings, inference) knows nothing of the
 * extensions (ingest processors, queries, REST handlers) nor of the plugin that wires them; the extensions know the core
 * only, never each other nor the plugin. Inside the query room, each package is a floor that knows only the floors below
 * it.
 */
public final class DependencyDirectionTests extends OpenSearchTestCase {

    private static final String ROOT = "org.opensearch.multimodal";
    private static final String PROCESSOR = ROOT + ".processor..";
    private static final String QUERY = ROOT + ".query..";
    private static final String REST = ROOT + ".rest..";
    private static final String PLUGIN = ROOT + ".plugin..";
    private static final List<String> EXTENSIONS = List.of(PROCESSOR, QUERY, REST);
    private static final String QUERY_ROOM = ROOT + ".query";
    /**
     * The query room's floors, lowest first (its package-info says the same): {@code common} (the search's deadline, the
     * request body's tokens, the explain wording), {@code encoding} (the query's inputs as vectors), {@code retriever}
     * (the retriever kinds and their shard side), then {@code fusion}, {@code rescore} and {@code highlight} side by
     * side, and the top, {@code query} itself (the query builder, its parser, rewrite and shard query), which wires them.
     * A package knows only the floors below its own: never one beside it, never one above.
     */
    private static final List<List<String>> QUERY_FLOORS = List.of(
        List.of("common"),
        List.of("encoding"),
        List.of("retriever"),
        List.of("fusion", "rescore", "highlight"),
        List.of("")
    );
    /** Each package of the query room, its top package included, one slice. */
    private static final SliceAssignment QUERY_PACKAGES = new SliceAssignment() {

        @Override
        public SliceIdentifier getIdentifierOf(JavaClass javaClass) {
            String name = javaClass.getPackageName();
            return name.equals(QUERY_ROOM) || name.startsWith(QUERY_ROOM + ".") ? SliceIdentifier.of(name) : SliceIdentifier.ignore();
        }

        @Override
        public String getDescription() {
            return "the packages of " + QUERY_ROOM;
        }
    };

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

    /** {@code ""} is the top package, {@code org.opensearch.multimodal.query} itself. */
    private static String queryPackage(String floorPackage) {
        return floorPackage.isEmpty() ? QUERY_ROOM : QUERY_ROOM + "." + floorPackage;
    }

    public void testTheQueryRoomsPackagesDependOnNoneThroughAnother() {
        assertHolds(slices().assignedFrom(QUERY_PACKAGES).should().beFreeOfCycles());
    }

    public void testEachQueryFloorKnowsOnlyTheFloorsBelowIt() {
        for (int floor = 0; floor < QUERY_FLOORS.size(); floor++) {
            List<String> notBelow = new ArrayList<>();
            for (List<String> higher : QUERY_FLOORS.subList(floor, QUERY_FLOORS.size())) {
                higher.forEach(name -> notBelow.add(queryPackage(name)));
            }
            for (String name : QUERY_FLOORS.get(floor)) {
                String own = queryPackage(name);
                String[] forbidden = notBelow.stream().filter(other -> other.equals(own) == false).toArray(String[]::new);
                if (forbidden.length == 0) {
                    continue; // the top: nothing is above it
                }
                assertHolds(
                    noClasses().that()
                        .resideInAPackage(own)
                        .should()
                        .dependOnClassesThat()
                        .resideInAnyPackage(forbidden)
                        .as(String.format(Locale.ROOT, "%s knows only the query floors below its own", own))
                );
            }
        }
    }

    public void testEveryQueryPackageIsOnAFloorAndTheTopUsesEveryFloor() {
        List<String> onFloors = new ArrayList<>();
        QUERY_FLOORS.forEach(floor -> floor.forEach(name -> onFloors.add(queryPackage(name))));
        for (JavaClass javaClass : classes) {
            String name = javaClass.getPackageName();
            if (name.equals(QUERY_ROOM) || name.startsWith(QUERY_ROOM + ".")) {
                assertTrue(javaClass.getName() + " is in a package on no floor of the query room", onFloors.contains(name));
            }
        }
        // the top wires every floor: the same rule pointed down must report it, or the floor rules check nothing
        for (String lower : onFloors.subList(0, onFloors.size() - 1)) {
            EvaluationResult downward = noClasses().that()
                .resideInAPackage(QUERY_ROOM)
                .should()
                .dependOnClassesThat()
                .resideInAPackage(lower)
                .evaluate(classes);
            assertTrue("the top's use of " + lower + " went unseen", downward.hasViolation());
        }
    }

    public void testNoQuerySourceNamesAClassOnItsFloorOrAbove() throws IOException {
        // ArchUnit reads bytecode, where a constant is inlined and a javadoc link leaves nothing: the sources' imports and
        // links must keep to the floors too
        Map<String, Integer> floorOf = new HashMap<>();
        for (int floor = 0; floor < QUERY_FLOORS.size(); floor++) {
            for (String name : QUERY_FLOORS.get(floor)) {
                floorOf.put(name, floor);
            }
        }
        Path room = Path.of("").toAbsolutePath().resolve("query-builders/main/java/org/opensearch/multimodal/query");
        Pattern named = Pattern.compile("org\\.opensearch\\.multimodal\\.query\\.(?:([a-z]\\w*)\\.)?([A-Z]\\w*)");
        List<String> wrong = new ArrayList<>();
        int sources = 0;
        try (Stream<Path> files = Files.walk(room)) {
            for (Path source : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                sources++;
                String own = room.relativize(source.getParent()).toString().replace(File.separatorChar, '.');
                assertTrue(source + " is in a package on no floor of the query room", floorOf.containsKey(own));
                Matcher reference = named.matcher(Files.readString(source));
                while (reference.find()) {
                    String target = reference.group(1) == null ? "" : reference.group(1);
                    if (target.equals(own) == false && floorOf.getOrDefault(target, Integer.MAX_VALUE) >= floorOf.get(own)) {
                        wrong.add(room.relativize(source) + " names " + reference.group());
                    }
                }
            }
        }
        assertTrue("read only " + sources + " sources from " + room, sources > 50);
        assertTrue("names a class on its own floor or above: " + wrong, wrong.isEmpty());
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
