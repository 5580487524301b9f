package org.samplex.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.samplex.experiment.RunRecord;

/** {@code samplex train --inspect --train-set}: the fixed-n protocol and the learner's matrices in the record. */
class TrainInspectTest {

    @Test
    void aTransformerRunKeepsItsMatricesAndTheFixedSet() {
        assumeTrue(CliRunner.SERVICES.learners().stream().anyMatch(f -> f.name().equals("transformer")));
        assumeTrue(CliRunner.SERVICES.tasks().stream().anyMatch(f -> f.name().equals("qstr")));
        CliRunner.Run r = CliRunner.run("train", "--learner", "transformer", "--N", "3", "--learner-option",
                "mlp-width=8", "--cap", "640", "--test-size", "100", "--check-every", "5", "--threshold", "0.01",
                "--backend", "reference", "--threads", "1", "--train-set", "100", "--inspect", "--json");
        assertEquals(0, r.code(), r.err());
        RunRecord record = RunRecord.fromJson(r.out());
        assertEquals(Long.valueOf(100), record.spec().trainSet());
        assertTrue(record.spec().inspect());
        assertEquals(List.of("attention.head0", "wqk.head0"), List.copyOf(record.artifacts().keySet()));
        double[][] attention = record.artifacts().get("attention.head0");
        assertEquals(3, attention.length);
        for (double[] row : attention) {
            assertEquals(3, row.length);
            assertEquals(1.0, row[0] + row[1] + row[2], 1e-9);
        }
        double[][] wqk = record.artifacts().get("wqk.head0");
        @SuppressWarnings("unchecked")
        Map<String, Object> task = (Map<String, Object>) record.provenance().get("task");
        assertTrue(wqk.length > 10 && wqk.length == wqk[0].length, "D x D with D = d + 2 d_e: " + task);
    }
}
