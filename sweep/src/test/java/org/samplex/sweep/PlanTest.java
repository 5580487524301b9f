package org.samplex.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.samplex.api.learn.TaskShape;
import org.samplex.experiment.Json;

class PlanTest {

    private static final RunService TRAINER = TinyProviders.trainer();

    @TempDir
    Path dir;

    private static final String PLAN = """
            task: tiny
            learners: [linear]
            N: [2, 4]
            seeds: 2
            thresholds: 0.5
            cap: 640
            """;

    private Path file(String text) throws Exception {
        Path p = dir.resolve("plan.yaml");
        Files.writeString(p, text);
        return p;
    }

    private static IllegalArgumentException refused(String yaml) {
        return assertThrows(IllegalArgumentException.class,
                () -> Plan.parse(yaml, "plan.yaml").expand(TRAINER));
    }

    private static void assertNames(IllegalArgumentException e, String... parts) {
        for (String p : parts) {
            assertTrue(e.getMessage().contains(p), "'" + p + "' in: " + e.getMessage());
        }
    }

    @Test
    void aGridExpandsToItsCrossProductSeedMajor() {
        List<PlannedRun> runs = Plan.parse(PLAN, "plan.yaml").expand(TRAINER);
        assertEquals(List.of("linear N=2 seed=0", "linear N=4 seed=0", "linear N=2 seed=1", "linear N=4 seed=1"),
                runs.stream().map(PlannedRun::label).toList());
        assertEquals(2, ((Number) runs.get(0).spec().taskOptions().get("N")).intValue());
        assertEquals(4, ((Number) runs.get(1).spec().taskOptions().get("N")).intValue());
        assertEquals(1, runs.get(2).spec().seed());
        assertEquals("reference", runs.getFirst().spec().backend(), "auto is resolved before keying");
        assertEquals(4, runs.stream().map(PlannedRun::key).distinct().count());
    }

    @Test
    void anAxisGoesToTheOptionTheTaskDeclaresAndATaskWithoutOneRefusesItByName() {
        RunService lengthNamed = new RunService.Forwarding(TRAINER) {
            @Override
            public String axisOption(String task, TaskShape.Axis axis) {
                return axis == TaskShape.Axis.POSITIONS ? "N" : null;
            }
        };
        assertEquals(4, Plan.parse(PLAN, "plan.yaml").expand(lengthNamed).size());
        var e = assertThrows(IllegalArgumentException.class,
                () -> Plan.parse(PLAN + "q: [2]\n", "plan.yaml").expand(lengthNamed));
        assertNames(e, "'q' is given but task 'tiny' declares no option for that axis", "task-options");
        RunService none = new RunService.Forwarding(TRAINER) {
            @Override
            public String axisOption(String task, TaskShape.Axis axis) {
                return null;
            }
        };
        e = assertThrows(IllegalArgumentException.class, () -> Plan.parse(PLAN, "plan.yaml").expand(none));
        assertNames(e, "'N' is given but task 'tiny' declares no option");
        List<PlannedRun> viaOptions = Plan.parse(PLAN.replace("N: [2, 4]", "task-options: {N: [2, 4]}"),
                "plan.yaml").expand(none);
        assertEquals(4, viaOptions.size(), "the task's own options still sweep it");
    }

    @Test
    void flagsOverrideTheFile() throws Exception {
        Map<String, Object> flags = new LinkedHashMap<>();
        flags.put("N", List.of("3"));
        flags.put("seeds", "3,5");
        flags.put("learner-options", Map.of("nan", List.of("false", "true")));
        List<PlannedRun> runs = Plan.of(file(PLAN), flags).expand(TRAINER);
        assertEquals(List.of("linear N=3 nan=false seed=3", "linear N=3 nan=true seed=3",
                "linear N=3 nan=false seed=5", "linear N=3 nan=true seed=5"),
                runs.stream().map(PlannedRun::label).toList());
        assertEquals(640, runs.getFirst().spec().cap(), "what the flags leave out comes from the file");
    }

    @Test
    void gridsAreLaidOverTheTopLevelAndJoined() {
        String yaml = PLAN + """
                grids:
                  - {N: [2], seeds: [7]}
                  - {N: [2, 5], learner-options: {linear.nan: true}}
                """;
        List<PlannedRun> runs = Plan.parse(yaml, "plan.yaml").expand(TRAINER);
        assertEquals(List.of("linear N=2 seed=7", "linear N=2 nan=true seed=0", "linear N=5 nan=true seed=0",
                "linear N=2 nan=true seed=1", "linear N=5 nan=true seed=1"),
                runs.stream().map(PlannedRun::label).toList());
    }

    @Test
    void aRunInTwoGridsIsPlannedOnce() {
        String yaml = PLAN + "grids:\n  - {N: [2]}\n  - {N: [2, 4]}\n";
        assertEquals(4, Plan.parse(yaml, "plan.yaml").expand(TRAINER).size());
    }

    @Test
    void countsOfSeedsStartAtTheFirstSeed() {
        List<PlannedRun> runs = Plan.parse(PLAN.replace("seeds: 2", "seeds: 2\nfirst-seed: 10"), "p")
                .expand(TRAINER);
        assertEquals(List.of(10L, 10L, 11L, 11L), runs.stream().map(r -> r.spec().seed()).toList());
    }

    @Test
    void aMalformedPlanIsNamedByLineAndKey() {
        assertNames(refused(PLAN + "lerners: [linear]\n"), "plan.yaml line 7", "'lerners'", "learners");
        assertNames(refused(PLAN.replace("N: [2, 4]", "N: [2, four]")), "plan.yaml line 3", "'N'", "'four'");
        assertNames(refused(PLAN.replace("cap: 640", "cap: [1, 2]")), "line 6", "'cap'", "single value");
        assertNames(refused(PLAN + "seeds: 3\n"), "line 7", "'seeds'", "twice");
        assertNames(refused(PLAN.replace("seeds: 2", "seeds: [1, 1]")), "line 4", "'seeds'", "twice");
        assertNames(refused(PLAN + "grids: [3]\n"), "line 7", "'grids'");
        assertNames(refused("learners: [linear\nN: 2\n"), "plan.yaml line", "not valid YAML");
        assertNames(refused("- linear\n"), "plan.yaml line 1", "map");
    }

    @Test
    void badSpecsNameTheRun() {
        assertNames(refused(PLAN.replace("N: [2, 4]", "N: [2, 99]")), "linear N=99 seed=0", "'N'");
        assertNames(refused(PLAN + "learner-options: {depth: 3}\n"), "'depth'", "nan");
        assertNames(refused(PLAN + "learner-options: {gru.hidden: 3}\n"), "'gru'");
        assertNames(refused(PLAN + "task-options: {N: 3}\n"), "'N'", "task option 'N'");
        assertNames(refused(PLAN.replace("thresholds: 0.5\n", "")), "thresholds");
    }

    @Test
    void flagMistakesNameTheFlag() {
        Map<String, Object> flags = Map.of("task-options", Map.of("d", List.of("")));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Plan.of(null, flags));
        assertNames(e, "option '--task-option d'");
        e = assertThrows(IllegalArgumentException.class, () -> Plan.of(null, Map.of("cap", "lots")));
        assertNames(e, "option '--cap'", "'lots'");
    }

    @Test
    void theSavedFormReadsBackToTheSameRuns() throws Exception {
        String yaml = PLAN + "grids:\n  - {N: [2], seeds: [7]}\n  - {learner-options: {nan: [true, false]}}\n";
        Plan plan = Plan.parse(yaml, "plan.yaml");
        List<PlannedRun> runs = plan.expand(TRAINER);
        Plan again = Plan.parse(Json.write(plan.toMap()), "plan.json");
        assertEquals(runs, again.expand(TRAINER));
        Path saved = dir.resolve("saved");
        SweepFolder.savePlan(saved, plan, runs, null, false);
        Plan fromFile = Plan.of(saved.resolve(SweepFolder.PLAN_FILE), Map.of());
        assertEquals(runs, fromFile.expand(TRAINER));
    }
}
