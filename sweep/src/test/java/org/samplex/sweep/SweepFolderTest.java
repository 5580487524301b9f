package org.samplex.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.samplex.experiment.Json;
import org.samplex.experiment.RunKeys;

class SweepFolderTest {

    private static final RunService TRAINER = TinyProviders.trainer();

    @TempDir
    Path dir;

    private static Plan plan(String seeds) {
        return Plan.parse("task: tiny\nlearners: [linear]\nN: [2, 3]\nthresholds: 0.5\nseeds: " + seeds + "\n", "p");
    }

    @Test
    void thePlanIsSavedWithItsSortedRunKeys() throws Exception {
        Plan plan = plan("2");
        List<PlannedRun> runs = plan.expand(TRAINER);
        SweepFolder.savePlan(dir, plan, runs, "fig0-small", false);
        Map<?, ?> saved = (Map<?, ?>) Json.parse(Files.readString(dir.resolve(SweepFolder.PLAN_FILE)));
        assertEquals(runs.stream().map(PlannedRun::key).sorted().toList(), saved.get("runs"));
        assertEquals("fig0-small", saved.get("preset"));
        assertEquals(RunKeys.samplexVersion(), saved.get("samplex"));
        assertEquals(Json.canonical(plan.toMap()), Json.canonical(saved.get("plan")));
        assertNull(SweepFolder.conflict(dir, runs));
    }

    @Test
    void theSamePlanIsAcceptedAgainAndAnotherIsRefusedUnlessExtending() throws Exception {
        Plan small = plan("2");
        SweepFolder.savePlan(dir, small, small.expand(TRAINER), null, false);
        String before = Files.readString(dir.resolve(SweepFolder.PLAN_FILE));
        SweepFolder.savePlan(dir, small, small.expand(TRAINER), null, false);
        assertEquals(before, Files.readString(dir.resolve(SweepFolder.PLAN_FILE)));

        Plan bigger = plan("3");
        List<PlannedRun> more = bigger.expand(TRAINER);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SweepFolder.savePlan(dir, bigger, more, null, false));
        assertTrue(e.getMessage().contains("2 runs that plan.json lacks") && e.getMessage().contains("--extend"),
                e.getMessage());
        assertEquals(before, Files.readString(dir.resolve(SweepFolder.PLAN_FILE)), "a refused plan writes nothing");

        Plan other = plan("[5]");
        e = assertThrows(IllegalArgumentException.class,
                () -> SweepFolder.savePlan(dir, other, other.expand(TRAINER), null, false));
        assertTrue(e.getMessage().contains("lacks 4 of its 4 runs"), e.getMessage());

        SweepFolder.savePlan(dir, bigger, more, null, true);
        assertEquals(before, Files.readString(dir.resolve("plan.1.json")), "the old plan is kept");
        assertNull(SweepFolder.conflict(dir, more));
        assertFalse(Files.exists(dir.resolve("plan.2.json")));
    }
}
