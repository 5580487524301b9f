package org.samplex.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.samplex.experiment.Json;
import org.samplex.experiment.metering.KernelFamily;

/**
 * {@code samplex bench} in-process with tiny settings (no timing is asserted, only that the numbers exist and
 * add up). Cases that need the qstr task or the mlp, transformer and gru learners are skipped, by assumption
 * only, when those modules are not on the test module path.
 */
class BenchCommandTest {

    private static void assumeInstalled(String... learners) {
        assumeTrue(CliRunner.SERVICES.tasks().stream().anyMatch(f -> f.name().equals("qstr")), "no qstr task");
        for (String l : learners) {
            assumeTrue(CliRunner.SERVICES.learners().stream().anyMatch(f -> f.name().equals(l)), "no " + l);
        }
    }

    /** A bench command line with tiny step counts, then the given flags. */
    private static CliRunner.Run bench(String... flags) {
        List<String> args = new ArrayList<>(List.of("bench", "--warmup-steps", "2", "--warmup-seconds", "0", "--steps",
                "3", "--test-size", "1000", "--learner-option", "mlp.width2=8"));
        args.addAll(List.of(flags));
        return CliRunner.run(args.toArray(String[]::new));
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> parse(String json) {
        return (List<Map<String, Object>>) Json.parse(json);
    }

    private static void assertSharesAddUp(Map<String, Object> row) {
        Map<String, Object> shares = (Map<String, Object>) row.get("shares_percent");
        assertEquals(KernelFamily.values().length, shares.size(), shares.toString());
        double sum = shares.values().stream().mapToDouble(v -> ((Number) v).doubleValue()).sum();
        assertEquals(100, sum, 1e-6, shares.toString());
    }

    private static double calls(Map<String, Object> row, KernelFamily f) {
        Object v = ((Map<?, ?>) row.get("calls")).get(f.key());
        return v == null ? 0 : ((Number) v).doubleValue();
    }

    @Test
    void jsonHasOneEntryPerLearnerAndLengthWithSharesThatAddUp() {
        assumeInstalled("mlp");
        for (String backend : List.of("reference", "cpu")) {
            CliRunner.Run r = bench("--learner", "mlp", "--N", "2,3", "--backend", backend, "--threads", "1",
                    "--json");
            assertEquals(0, r.code(), r.err());
            List<Map<String, Object>> rows = parse(r.out());
            assertEquals(2, rows.size(), r.out());
            for (int i = 0; i < 2; i++) {
                Map<String, Object> row = rows.get(i);
                assertEquals("mlp", row.get("learner"));
                assertEquals((long) (i + 2), ((Number) row.get("N")).longValue());
                assertEquals(backend, row.get("backend"));
                assertEquals(8L, ((Number) ((Map<?, ?>) row.get("learner_options")).get("width2")).longValue());
                assertEquals(3L, ((Number) row.get("steps")).longValue());
                assertEquals(3L, ((Number) row.get("profile_steps")).longValue(), "--steps caps the profile");
                assertTrue(((Number) row.get("steps_per_second")).doubleValue() > 0);
                assertSharesAddUp(row);
                assertEquals(1.0, calls(row, KernelFamily.OPTIMIZER), "one AdamW update per step");
                assertEquals(0.0, calls(row, KernelFamily.ATTENTION), "an mlp has no attention");
                assertEquals(0.0, calls(row, KernelFamily.RECURRENCE), "an mlp has no recurrence");
                assertTrue(calls(row, KernelFamily.GEMM) > 0);
            }
            assertFalse(r.err().contains("backend auto"), "the backend was named, so nothing is said about it");
        }
    }

    @Test
    void eachArchitectureSpendsTimeInItsOwnKernels() {
        assumeInstalled("transformer", "gru");
        CliRunner.Run r = bench("--learner", "transformer,gru", "--N", "2", "--backend", "cpu",
                "--learner-option", "gru.hidden=4", "--learner-option", "mlp-width=4", "--json");
        assertEquals(0, r.code(), r.err());
        List<Map<String, Object>> rows = parse(r.out());
        assertEquals(List.of("transformer", "gru"), rows.stream().map(m -> m.get("learner")).toList());
        assertTrue(calls(rows.get(0), KernelFamily.ATTENTION) > 0);
        assertEquals(0.0, calls(rows.get(0), KernelFamily.RECURRENCE));
        assertTrue(calls(rows.get(1), KernelFamily.RECURRENCE) > 0);
        assertEquals(0.0, calls(rows.get(1), KernelFamily.ATTENTION));
        assertEquals(4L, ((Number) ((Map<?, ?>) rows.get(1).get("learner_options")).get("hidden")).longValue(),
                "gru.hidden went to the gru only");
        rows.forEach(BenchCommandTest::assertSharesAddUp);
    }

    @Test
    void theTableHasOneRowPerCaseAndSaysHowItMeasured() {
        assumeInstalled("mlp");
        CliRunner.Run r = bench("--learner", "mlp", "--N", "2,3", "--backend", "reference", "--to-threshold",
                "0.9", "--cap", "640");
        assertEquals(0, r.code(), r.err());
        List<String> lines = r.out().lines().toList();
        int head = lines.indexOf(lines.stream().filter(l -> l.startsWith("LEARNER")).findFirst().orElseThrow());
        for (KernelFamily f : KernelFamily.values()) {
            assertTrue(lines.get(head).contains(f.column() + "%"), lines.get(head));
        }
        assertTrue(lines.get(head).contains("N*"), lines.get(head));
        assertTrue(lines.get(head + 1).startsWith("mlp ") && lines.get(head + 1).split("\\s+")[1].equals("2"));
        assertTrue(lines.get(head + 2).startsWith("mlp ") && lines.get(head + 2).split("\\s+")[1].equals("3"));
        assertTrue(lines.get(head + 3).isBlank(), r.out());
        assertTrue(r.out().contains("separate profiled pass"), r.out());
        assertTrue(r.err().contains("bench: mlp N=2"), r.err());
    }

    @Test
    void badInputExitsTwoNamingIt() {
        assumeInstalled("mlp");
        assertUsage(bench("--learner", "perceptron", "--N", "2"), "'perceptron'");
        assertUsage(CliRunner.run("bench", "--learner", "mlp", "--N", "2", "--steps", "0"), "'steps'");
        assertUsage(bench("--learner", "mlp", "--N", "0"), "'N'");
        assertUsage(bench("--learner", "mlp", "--N", "two"), "'two'");
        assertUsage(bench("--learner", "mlp", "--N", "2", "--learner-option", "depth=3"), "'depth'");
        assertUsage(bench("--learner", "mlp", "--N", "2", "--learner-option", "gr.hidden=3"), "'gr'");
        assertUsage(bench("--learner", "mlp", "--N", "2", "--threshold", "0.5"), "--to-threshold");
        assertUsage(bench("--learner", "mlp", "--N", "2", "--task-option", "N=3"), "--task-option N=3");
        assertUsage(bench("--learner", "mlp", "--N", "2", "--to-threshold", "-1"), "-1.0");
        assertUsage(bench("--learner", "mlp", "--N", "2", "--backend", "tpu"), "'tpu'");
    }

    private static void assertUsage(CliRunner.Run r, String named) {
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains(named), "the message names " + named + ": " + r.err());
        assertFalse(r.err().contains("\tat "), r.err());
        assertTrue(r.out().isEmpty(), r.out());
    }
}
