package org.samplex.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.samplex.api.Services.Found;
import org.samplex.experiment.Json;

/**
 * {@code samplex train} in-process. Mistakes must exit 2 (3 for an unavailable backend) naming the input, with no
 * stack trace and nothing on stdout. Cases that need the qstr task or the mlp learner are skipped, by assumption
 * only, when those modules are not on the test module path.
 */
class TrainCommandTest {

    private static boolean has(List<? extends Found<?>> found, String name) {
        return found.stream().anyMatch(f -> f.name().equals(name));
    }

    private static void assumeMlp() {
        assumeTrue(has(CliRunner.SERVICES.learners(), "mlp"), "the mlp learner is not installed");
    }

    private static void assumeQstr() {
        assumeTrue(has(CliRunner.SERVICES.tasks(), "qstr"), "the qstr task is not installed");
    }

    /** A train command line: the given flags after "train", with a threshold unless one is given. */
    private static CliRunner.Run train(String... flags) {
        List<String> args = new ArrayList<>(List.of("train"));
        args.addAll(List.of(flags));
        if (args.stream().noneMatch(a -> a.startsWith("--threshold"))) {
            args.addAll(List.of("--threshold", "0.7"));
        }
        return CliRunner.run(args.toArray(String[]::new));
    }

    private static void assertUsageError(CliRunner.Run r, String... named) {
        assertEquals(2, r.code(), r.err());
        for (String n : named) {
            assertTrue(r.err().contains(n), "the message names " + n + ": " + r.err());
        }
        assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
        assertTrue(r.out().isEmpty(), r.out());
    }

    @Test
    void anUnknownLearnerListsTheAvailableOnes() {
        CliRunner.Run r = train("--learner", "perceptron");
        assertUsageError(r, "'perceptron'");
        CliRunner.SERVICES.learners().forEach(f -> assertTrue(r.err().contains(f.name()), r.err()));
    }

    @Test
    void anUnknownLearnerOptionListsTheKnownOnes() {
        assumeMlp();
        assertUsageError(train("--learner", "mlp", "--learner-option", "depth=3"), "'depth'", "width1", "width2");
    }

    @Test
    void anOutOfRangeLearnerOptionSaysWhatIsAccepted() {
        assumeMlp();
        assertUsageError(train("--learner", "mlp", "--learner-option", "width2=0"), "'width2'", "[1, ", "'0'");
        assertUsageError(train("--learner", "mlp", "--learner-option", "width2=wide"), "'width2'", "'wide'");
    }

    @Test
    void aBadThresholdIsNamed() {
        assertUsageError(train("--learner", "mlp", "--threshold", "0"), "threshold", "0.0");
        assertUsageError(train("--learner", "mlp", "--threshold=-0.5"), "threshold", "-0.5");
        assertUsageError(train("--learner", "mlp", "--threshold", "abc"), "--threshold", "'abc'");
        assertUsageError(train("--learner", "mlp", "--thresholds", "0.9,abc"), "'abc'");
        assertUsageError(train("--learner", "mlp", "--threshold", "NaN"), "threshold", "NaN");
    }

    @Test
    void aThresholdIsRequired() {
        CliRunner.Run r = CliRunner.run("train", "--learner", "mlp");
        assertUsageError(r, "--threshold");
    }

    @Test
    void badProtocolValuesAreNamed() {
        assertUsageError(train("--learner", "mlp", "--batch", "0"), "'batch'");
        assertUsageError(train("--learner", "mlp", "--lr", "100"), "'lr'", "(0, 10]");
        assertUsageError(train("--learner", "mlp", "--cap", "10"), "'cap'");
        assertUsageError(train("--learner", "mlp", "--test-size", "-1"), "'test-size'");
        assertUsageError(train("--learner", "mlp", "--threads", "-2"), "'threads'");
        assertUsageError(train("--learner", "mlp", "--cap", "lots"), "--cap", "'lots'");
    }

    @Test
    void nAndTheTaskOptionNMustAgree() {
        assertUsageError(train("--learner", "mlp", "--N", "8", "--task-option", "N=6"), "--N 8", "N=6");
    }

    @Test
    void anImpossibleNIsNamed() {
        assumeMlp();
        assumeQstr();
        assertUsageError(train("--learner", "mlp", "--N", "1"), "'N'");
    }

    @Test
    void anUnknownTaskOptionListsTheKnownOnes() {
        assumeMlp();
        assumeQstr();
        assertUsageError(train("--learner", "mlp", "--task-option", "bogus=1"), "'bogus'", "N");
    }

    @Test
    void anUnknownTaskListsTheAvailableOnes() {
        assumeMlp();
        CliRunner.Run r = train("--learner", "mlp", "--task", "sudoku");
        assertUsageError(r, "'sudoku'");
        CliRunner.SERVICES.tasks().forEach(f -> assertTrue(r.err().contains(f.name()), r.err()));
    }

    @Test
    void anUnavailableCudaExits3WithTheProbesReason() {
        assumeMlp();
        assumeQstr();
        var cuda = CliRunner.SERVICES.backends().stream().filter(f -> f.name().equals("cuda")).findFirst();
        assumeTrue(cuda.isPresent(), "no cuda provider");
        var probe = cuda.get().provider().probe();
        assumeFalse(probe.available(), "cuda is available here");
        CliRunner.Run r = train("--learner", "mlp", "--N", "2", "--backend", "cuda");
        assertEquals(3, r.code(), r.err());
        assertTrue(r.err().contains("cuda") && r.err().contains(probe.reason()), r.err());
        assertFalse(r.err().contains("\tat "), r.err());
        assertTrue(r.out().isEmpty());
    }

    private static final String[] TINY = {"--learner", "mlp", "--task", "qstr", "--N", "2",
        "--learner-option", "width2=8", "--cap", "640", "--test-size", "200", "--check-every", "1",
        "--threshold", "0.5", "--seed", "3"};

    @Test
    void aTinyRealRunPrintsTheRecordAsJsonOnStdoutOnly() {
        assumeMlp();
        assumeQstr();
        List<String> args = new ArrayList<>(List.of(TINY));
        args.add("--json");
        CliRunner.Run r = train(args.toArray(String[]::new));
        assertEquals(0, r.code(), r.err());
        @SuppressWarnings("unchecked")
        Map<String, Object> json = (Map<String, Object>) Json.parse(r.out());
        @SuppressWarnings("unchecked")
        Map<String, Object> nstar = (Map<String, Object>) json.get("nstar");
        assertNotNull(nstar, r.out());
        assertTrue(nstar.containsKey("0.5"), r.out());
        assertTrue(List.of("completed", "censored").contains(json.get("status")), r.out());
        @SuppressWarnings("unchecked")
        Map<String, Object> spec = (Map<String, Object>) json.get("spec");
        assertEquals("mlp", spec.get("learner"));
        assertEquals(Map.of("width2", 8L), spec.get("learner_options"), "mlp's width1 has no default value");
        assertEquals(2L, ((Map<?, ?>) spec.get("task_options")).get("N"));
        List<?> curve = (List<?>) json.get("curve");
        assertFalse(curve.isEmpty());
        assertTrue(curve.size() <= 10, "at most cap / batch = 10 checks: " + curve.size());
        assertEquals(1, r.err().lines().filter(l -> l.contains("backend auto -> ")).count(),
                "--backend auto says once which backend it chose: " + r.err());
    }

    @Test
    void aTinyRealRunPrintsATableOfThresholds() {
        assumeMlp();
        assumeQstr();
        CliRunner.Run r = train(TINY);
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("THRESHOLD") && r.out().contains("N*"), r.out());
        String row = r.out().lines().map(String::strip).filter(l -> l.startsWith("0.5 ")).findFirst()
                .orElseThrow(() -> new AssertionError(r.out()));
        assertTrue(row.matches("0\\.5\\s+([0-9,]+|> 640 \\(censored\\))"), row);
        assertTrue(r.out().contains("test MSE: first "), r.out());
        assertTrue(r.out().contains("wall time: "), r.out());
    }

    @Test
    void aConventionSetsItsDefaultsAndTheTestVariantAndAGivenValueWins() {
        assumeMlp();
        assumeQstr();
        String[] tiny = {"--learner", "mlp", "--N", "2", "--learner-option", "width2=8", "--cap", "640",
            "--check-every", "5", "--threshold", "0.5", "--threads", "1"};
        CliRunner.Run r = train(concat(tiny, "--convention", "authors-code", "--test-size", "300"));
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("test-variant=simple"), "authors-code tests on simple prompts: " + r.out());
        assertTrue(r.out().contains("weight decay 0.01,") && r.out().contains("convention authors-code"), r.out());
        assertTrue(r.out().contains("test set 300,"), "the test size given wins over the convention's: " + r.out());
        CliRunner.Run text = train(concat(tiny, "--convention", "paper-text"));
        assertEquals(0, text.code(), text.err());
        assertTrue(text.out().contains("test-variant=same") && text.out().contains("weight decay 0.1,"), text.out());
        assertUsageError(train(concat(tiny, "--convention", "authors")), "'convention'", "authors-code");
    }

    @Test
    void theFixedNProtocolsEpochsAreReported() {
        assumeMlp();
        assumeQstr();
        CliRunner.Run r = train("--learner", "mlp", "--N", "2", "--threshold", "0.01", "--train-set", "100",
                "--epochs", "3", "--shuffle", "--check-every", "2", "--test-size", "100", "--threads", "1");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("fixed-n protocol: 100 training prompts, reshuffled every epoch, at most 3 epochs;"
                + " trained 3.20 epochs"), "ceil(300 / 64) = 5 steps, 320 prompts: " + r.out());
        assertUsageError(train("--learner", "mlp", "--N", "2", "--epochs", "3"), "'train-set'");
    }

    private static String[] concat(String[] a, String... b) {
        List<String> out = new ArrayList<>(List.of(a));
        out.addAll(List.of(b));
        return out.toArray(String[]::new);
    }

    @Test
    void helpListsTheProtocolFlags() {
        CliRunner.Run r = CliRunner.run("train", "--help");
        assertEquals(0, r.code());
        for (String flag : List.of("--learner", "--N", "--task-option", "--learner-option", "--thresholds", "--cap",
                "--test-size", "--check-every", "--batch", "--lr", "--weight-decay", "--backend", "--threads",
                "--seed", "--task-seed", "--json", "--convention", "--epochs", "--shuffle", "--stop-loss")) {
            assertTrue(r.out().contains(flag), flag);
        }
    }
}
