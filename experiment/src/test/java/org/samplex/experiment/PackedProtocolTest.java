package org.samplex.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;
import org.samplex.api.Backend;
import org.samplex.api.BackendOptions;
import org.samplex.api.Services;
import org.samplex.api.learn.LearnerProvider;
import org.samplex.api.learn.TaskProvider;
import org.samplex.experiment.RunRecord.Status;

/**
 * Runs trained as packs ({@link PackedProtocol}, {@link PackedSession}) against the same runs alone
 * ({@link OnlineProtocol}): every record's numbers (status, crossings, curve, steps, prompts, parameter count,
 * resolved spec, task shape) are the same bits, with slots refilled as runs end at different times, for each
 * packable learner on the cpu backend at 1 and 2 threads.
 */
class PackedProtocolTest {
    private static final Services SERVICES = Services.discover();

    /**
     * Five runs of one learner on qSTR N = 6: seeds 1-5, caps of 10 to 30 checks, one run at another learning
     * rate and one with another link (the task's shape kept), and the ladder {@code threshold}.
     */
    private static List<RunSpec> runs(String learner, int threads, double threshold) {
        List<RunSpec> out = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            RunSpecBuilder b = RunSpec.builder(learner, "qstr").taskOption("N", 6).taskOption("d", 4)
                    .taskOption("d-e", 3).batch(16).checkEvery(5).testSize(300).cap(16 * 5 * (10 + 5 * i))
                    .thresholds(threshold).learningRate(i == 3 ? 3e-3 : 1e-2).seed(1 + i).backend("cpu")
                    .threads(threads);
            if (i == 4) {
                b.taskOption("link", "linear");
            }
            RunSpecBuilder sized = switch (learner) {
                case "transformer" -> b.learnerOption("mlp-width", 16);
                case "mlp" -> b.learnerOption("width1", 32).learnerOption("width2", 24);
                default -> b.learnerOption("hidden", 12);
            };
            out.add(sized.build());
        }
        return out;
    }

    /** The parts of a record that a pack must not change: all but timings and provenance. */
    private static List<Object> numbers(RunRecord r) {
        return List.of(r.spec(), r.status(), r.crossings(), r.curve(), r.steps(), r.promptsSeen(),
                r.parameterCount(), r.shape(), r.backend(), r.threads());
    }

    @ParameterizedTest(name = "{0} at {1} threads")
    @CsvSource({"transformer, 1", "transformer, 2", "mlp, 2", "gru, 1", "gru, 2", "lstm, 2"})
    void everyRunOfAPackOfTwoWithRefilledSlotsRecordsWhatItRecordsAlone(String learner, int threads) {
        LearnerProvider lp = SERVICES.learner(learner);
        TaskProvider tp = SERVICES.task("qstr");
        try (Backend be = SERVICES.backend("cpu").open(BackendOptions.threads(threads))) {
            // just below the first run's best check: it is censored, and runs with longer caps may cross, so runs
            // end both ways at different steps
            RunRecord pilot = OnlineProtocol.run(runs(learner, threads, 1e-30).getFirst(), lp, tp, be,
                    ProgressListener.NONE);
            double best = pilot.curve().stream().mapToDouble(RunRecord.CurvePoint::testMse).min().orElseThrow();
            List<RunSpec> specs = runs(learner, threads, best * 0.999);
            Map<Long, RunRecord> alone = new LinkedHashMap<>();
            for (RunSpec s : specs) {
                alone.put(s.seed(), OnlineProtocol.run(s, lp, tp, be, ProgressListener.NONE));
            }
            Map<Long, Integer> checksHeard = new LinkedHashMap<>();
            Map<Long, RunRecord> packed = pack(specs, 2, lp, tp, be, checksHeard);
            assertEquals(alone.keySet(), packed.keySet(), "every run finished once");
            Set<Status> statuses = alone.values().stream().map(RunRecord::status).collect(Collectors.toSet());
            assertTrue(statuses.contains(Status.COMPLETED) && statuses.contains(Status.CENSORED),
                    "the runs end both ways, at different steps, so slots are refilled mid-pack: " + statuses);
            for (long seed : alone.keySet()) {
                assertEquals(numbers(alone.get(seed)), numbers(packed.get(seed)), learner + " seed " + seed);
                assertEquals(alone.get(seed).curve().size(), checksHeard.get(seed), "the listener heard each check");
                Map<?, ?> pack = (Map<?, ?>) packed.get(seed).provenance().get("pack");
                assertEquals(2, ((Number) pack.get("runs")).intValue());
                assertTrue(Set.of(0, 1).contains(((Number) pack.get("slot")).intValue()), pack.toString());
            }
            assertEquals(0, be.liveBuffers(), "the pack closed everything it allocated");
        }
    }

    /** Runs the specs through a pack of {@code slots}, the rest queued for freed slots; the records by seed. */
    private static Map<Long, RunRecord> pack(List<RunSpec> specs, int slots, LearnerProvider lp, TaskProvider tp,
                                             Backend be, Map<Long, Integer> checksHeard) {
        Map<Long, RunRecord> packed = new LinkedHashMap<>();
        Deque<RunSpec> queue = new ArrayDeque<>(specs.subList(slots, specs.size()));
        PackedProtocol.run(specs.subList(0, slots), lp, tp, be, new PackedProtocol.Feed() {
            @Override
            public RunSpec next() {
                return queue.pollFirst();
            }

            @Override
            public ProgressListener listener(RunSpec spec) {
                return (p, elapsed) -> checksHeard.merge(spec.seed(), 1, Integer::sum);
            }

            @Override
            public void finished(RunSpec spec, RunRecord record) {
                assertNull(packed.put(spec.seed(), record), "run " + spec.seed() + " finished twice");
            }
        });
        return packed;
    }

    /**
     * Three runs in a pack of three with nothing queued, ending at 10, 30 and 20 checks: the first run's end moves
     * the third into slot 0 and the pack goes on with two; the third's end moves the second into slot 0 and it
     * finishes alone in a pack of one (the unpacked ops). Each record is still the run's alone.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource({"transformer", "gru"})
    void runsThatMoveIntoEndedRunsSlotsAsThePackShrinksRecordWhatTheyRecordAlone(String learner) {
        LearnerProvider lp = SERVICES.learner(learner);
        TaskProvider tp = SERVICES.task("qstr");
        List<RunSpec> five = runs(learner, 2, 1e-30);
        List<RunSpec> specs = List.of(five.get(0).toBuilder().cap(16 * 5 * 10).build(),
                five.get(1).toBuilder().cap(16 * 5 * 30).build(), five.get(2).toBuilder().cap(16 * 5 * 20).build());
        try (Backend be = SERVICES.backend("cpu").open(BackendOptions.threads(2))) {
            Map<Long, Integer> checksHeard = new LinkedHashMap<>();
            Map<Long, RunRecord> packed = pack(specs, 3, lp, tp, be, checksHeard);
            for (RunSpec s : specs) {
                RunRecord alone = OnlineProtocol.run(s, lp, tp, be, ProgressListener.NONE);
                assertEquals(numbers(alone), numbers(packed.get(s.seed())), learner + " seed " + s.seed());
            }
            assertEquals(List.of(10, 30, 20), specs.stream().map(s -> checksHeard.get(s.seed())).toList());
            Map<?, ?> last = (Map<?, ?>) packed.get(specs.get(1).seed()).provenance().get("pack");
            assertEquals(0, ((Number) last.get("slot")).intValue(), "the second run ended in slot 0: " + last);
            assertEquals(0, be.liveBuffers(), "the pack closed everything it allocated");
        }
    }

    /**
     * Four runs given to a pack on a backend with room for two and a half runs: the pack opens with two, the other
     * two fill its freed slots before anything the feed gives, and every record is still the run's alone.
     */
    @Test
    void aPackOpensWithTheRunsThatFitAndTheOthersFillItsFreedSlots() {
        LearnerProvider lp = SERVICES.learner("mlp");
        TaskProvider tp = SERVICES.task("qstr");
        List<RunSpec> specs = runs("mlp", 1, 1e-30).subList(0, 4);
        try (Backend cpu = SERVICES.backend("cpu").open(BackendOptions.threads(1))) {
            TrainingSession.Setup s = TrainingSession.setUp(specs.getFirst(), lp, tp);
            long one = MemoryEstimate.of(s.spec(), s.task(), lp, s.learnerConfig(), cpu.dtype()).totalBytes();
            Backend small = (Backend) java.lang.reflect.Proxy.newProxyInstance(Backend.class.getClassLoader(),
                    new Class<?>[]{Backend.class}, (proxy, method, args) -> {
                        if (method.getName().equals("memoryAvailable")) {
                            return one * 5 / 2;
                        }
                        try {
                            return method.invoke(cpu, args);
                        } catch (java.lang.reflect.InvocationTargetException e) {
                            throw e.getCause();
                        }
                    });
            assertEquals(2, PackKeys.runsThatFit(specs.getFirst(), lp, tp, small, 4));
            Map<Long, RunRecord> packed = pack(specs, 4, lp, tp, small, new LinkedHashMap<>());
            for (RunSpec r : specs) {
                RunRecord alone = OnlineProtocol.run(r, lp, tp, cpu, ProgressListener.NONE);
                assertEquals(numbers(alone), numbers(packed.get(r.seed())), "seed " + r.seed());
                Map<?, ?> pack = (Map<?, ?>) packed.get(r.seed()).provenance().get("pack");
                assertEquals(2, ((Number) pack.get("runs")).intValue(), pack.toString());
            }
        }
    }

    @Test
    void runsThatDoNotShareAKeyOrCannotPackAreRefusedBeforeAnythingIsAllocated() {
        LearnerProvider gru = SERVICES.learner("gru");
        TaskProvider qstr = SERVICES.task("qstr");
        List<RunSpec> specs = runs("gru", 1, 0.5);
        RunSpec otherN = specs.get(1).toBuilder().taskOption("N", 8).build();
        try (Backend be = SERVICES.backend("cpu").open(BackendOptions.threads(1))) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> PackedSession.open(List.of(specs.get(0), otherN), gru, qstr, be));
            assertTrue(e.getMessage().contains("cannot share this pack") && e.getMessage().contains("N 8 D"),
                    e.getMessage());
            RunSpec mamba = RunSpec.builder("mamba", "qstr").taskOption("N", 6).thresholds(0.5).seed(1).backend("cpu")
                    .build();
            LearnerProvider scan = SERVICES.learner("mamba");
            TrainingSession.Setup setup = TrainingSession.setUp(mamba, scan, qstr);
            assertNull(PackKeys.key(setup.spec(), setup.task().shape(), scan), "mamba is not packable");
            TrainingSession.Setup g = TrainingSession.setUp(specs.get(0), gru, qstr);
            assertNotNull(PackKeys.key(g.spec(), g.task().shape(), gru));
            assertNull(PackKeys.key(g.spec().toBuilder().trainSet(1000L).build(), g.task().shape(), gru),
                    "a fixed training set is not packed");
            assertEquals(0, be.liveBuffers());
        }
    }
}
