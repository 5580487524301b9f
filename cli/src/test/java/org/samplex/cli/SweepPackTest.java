package org.samplex.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.samplex.experiment.RunRecord;
import org.samplex.sweep.ResultStore;

/** {@code samplex sweep run --pack P}: the stored records of packed runs against the same sweep run alone. */
class SweepPackTest {

    @TempDir
    Path dir;

    /** 2 learners x 2 N x 3 seeds of tiny runs, with extra flags, into {@code dir/name}. */
    private CliRunner.Run sweep(String name, String... extra) {
        List<String> args = new java.util.ArrayList<>(List.of("sweep", "run", "--learners", "mlp,gru", "--N", "2,3",
                "--seeds", "3", "--learner-option", "width2=8", "--learner-option", "hidden=6", "--test-size", "200",
                "--cap", "1600", "--check-every", "2", "--thresholds", "0.9,0.6", "--backend", "cpu",
                "--out", dir.resolve(name).toString()));
        args.addAll(List.of(extra));
        return CliRunner.run(args.toArray(String[]::new));
    }

    /** Each stored run's record by run key. */
    private Map<String, RunRecord> records(String name) {
        try (ResultStore store = ResultStore.open(dir.resolve(name))) {
            Map<String, RunRecord> out = new TreeMap<>();
            for (ResultStore.StoredRun row : store.all()) {
                out.put(row.runKey(), RunRecord.fromJson(row.recordJson()));
            }
            return out;
        }
    }

    @Test
    void aPackedSweepStoresTheRecordsOfTheSameSweepRunAloneBitForBit() {
        CliRunner.Run alone = sweep("alone", "--workers", "1", "--threads", "2");
        assertEquals(0, alone.code(), alone.err());
        CliRunner.Run packed = sweep("packed", "--workers", "2", "--threads", "4", "--pack", "4");
        assertEquals(0, packed.code(), packed.err());
        assertTrue(packed.out().contains("12 runs; 0 were in the store, 12 ran here"), packed.out());
        Map<String, RunRecord> a = records("alone");
        Map<String, RunRecord> p = records("packed");
        assertEquals(a.keySet(), p.keySet());
        int inPacks = 0;
        for (String key : a.keySet()) {
            RunRecord x = a.get(key);
            RunRecord y = p.get(key);
            assertEquals(List.of(x.spec(), x.status(), x.crossings(), x.curve(), x.steps(), x.promptsSeen(),
                    x.parameterCount(), x.shape(), x.backend(), x.threads()), List.of(y.spec(), y.status(),
                    y.crossings(), y.curve(), y.steps(), y.promptsSeen(), y.parameterCount(), y.shape(), y.backend(),
                    y.threads()), key);
            if (y.provenance().get("pack") instanceof Map<?, ?> pack) {
                inPacks++;
                assertEquals(2, ((Number) pack.get("runs")).intValue(), "a cpu pack holds a run's 2 threads: " + key);
            }
        }
        // per learner and N, whichever worker claims a run first packs one more of its 3 seeds with it; the third
        // joins that pack's freed slot unless the other worker claimed it first and ran it alone
        assertTrue(inPacks >= 8, inPacks + " of 12 runs in packs");
    }

    @Test
    void aPackSizeOutsideItsRangeIsAUsageErrorThatNamesTheOptionInSweepsAndPresets() {
        CliRunner.Run r = sweep("bad", "--pack", "0");
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("option 'pack' must be between 1 (every run alone) and 256, got 0"), r.err());
        CliRunner.Run preset = CliRunner.run("reproduce", "fig1a", "--scale", "small", "--pack", "257", "--dry-run",
                "--no-probe", "--out", dir.resolve("preset").toString());
        assertEquals(2, preset.code(), preset.err());
        assertTrue(preset.err().contains("option 'pack' must be between 1 (every run alone) and 256, got 257"),
                preset.err());
    }
}
