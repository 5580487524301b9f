package org.samplex.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.samplex.experiment.CodeIdentity;

/** A resume never reuses results of other code silently: it refuses, reruns or keeps them, as asked. */
class CodeChangeTest {

    private static final RunService TRAINER = TinyProviders.trainer();

    @TempDir
    Path dir;

    private final Plan plan = Plan.parse("task: tiny\nlearners: [linear]\nN: [2, 3]\nthresholds: 0.5\nseeds: 2\n",
            "p");

    private SweepRunner.Outcome resume(CodeChange policy, List<String> said) {
        List<PlannedRun> runs = plan.expand(TRAINER);
        return Sweep.run(dir, plan, runs, Sweep.Scope.WHOLE, null, false, TRAINER, 1, 1, SweepListener.NONE, policy,
                said::add);
    }

    /** Makes two stored records look as if other code had computed them. */
    private List<String> pretendOtherCodeComputedTwo() throws Exception {
        List<String> keys = new ArrayList<>();
        try (ResultStore store = ResultStore.open(dir)) {
            store.all().stream().limit(2).forEach(r -> keys.add(r.runKey()));
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve(ResultStore.FILE_NAME));
             PreparedStatement ps = c.prepareStatement("UPDATE runs SET record_json = replace(record_json, "
                     + "'\"fingerprint\":\"', '\"fingerprint\":\"0') WHERE run_key = ?")) {
            for (String k : keys) {
                ps.setString(1, k);
                assertEquals(1, ps.executeUpdate());
            }
        }
        return keys;
    }

    @Test
    void everyRecordHoldsTheCodeThatComputedIt() {
        resume(CodeChange.REFUSE, new ArrayList<>());
        try (ResultStore store = ResultStore.open(dir)) {
            for (ResultStore.StoredRun r : store.all()) {
                CodeIdentity c = CodeIdentity.fromRecordJson(r.recordJson());
                assertEquals(TRAINER.codeIdentity(plan.expand(TRAINER).getFirst().spec()).fingerprint(),
                        c.fingerprint());
                assertTrue(c.commit().matches("[0-9a-f]{40}|unknown"), c.commit());
            }
        }
    }

    @Test
    void aResumeRefusesStoredRunsOfOtherCodeByDefaultAndSaysHowMany() throws Exception {
        resume(CodeChange.REFUSE, new ArrayList<>());
        pretendOtherCodeComputedTwo();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> resume(CodeChange.REFUSE, new ArrayList<>()));
        assertTrue(e.getMessage().startsWith("2 stored runs in "), e.getMessage());
        assertTrue(e.getMessage().contains("--code-changed rerun") && e.getMessage().contains("--code-changed keep"),
                e.getMessage());
    }

    @Test
    void keepRunsNothingAndSaysWhatItKept() throws Exception {
        resume(CodeChange.REFUSE, new ArrayList<>());
        pretendOtherCodeComputedTwo();
        List<String> said = new ArrayList<>();
        SweepRunner.Outcome o = resume(CodeChange.KEEP, said);
        assertEquals(4, o.skipped());
        assertTrue(said.getFirst().contains("2 stored runs") && said.getFirst().contains("kept"), said.toString());
    }

    @Test
    void rerunComputesExactlyTheRunsOfOtherCodeAgain() throws Exception {
        resume(CodeChange.REFUSE, new ArrayList<>());
        List<String> changed = pretendOtherCodeComputedTwo();
        List<String> said = new ArrayList<>();
        SweepRunner.Outcome o = resume(CodeChange.RERUN, said);
        assertEquals(2, o.skipped());
        assertEquals(2, o.ran().values().stream().mapToInt(Integer::intValue).sum());
        assertTrue(said.getFirst().contains("2 rows deleted"), said.toString());
        try (ResultStore store = ResultStore.open(dir)) {
            assertTrue(CodeChange.stale(store, plan.expand(TRAINER), TRAINER).isEmpty());
            assertEquals(4, store.finishedKeys().size());
            assertTrue(store.finishedKeys().containsAll(changed));
        }
    }
}
