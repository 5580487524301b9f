package org.samplex.experiment;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;
import org.samplex.api.learn.TaskShape;

/**
 * What one run of the online protocol found: the first crossing n* of every threshold (or none), the test curve,
 * how long it took and where it ran. Censoring and divergence are results, recorded here, never exceptions.
 *
 * @param spec           the resolved spec: learner and task options with their defaults, check-every filled in
 * @param status         how the run ended
 * @param crossings      one per threshold of the ladder, in its (descending) order
 * @param curve          one point per check, in order
 * @param steps          training steps taken
 * @param promptsSeen    training prompts seen (steps * batch)
 * @param trainSeconds   wall time of the training steps
 * @param evalSeconds    wall time of building the test set and evaluating on it
 * @param backend        the backend that ran (the one "auto" chose)
 * @param threads        its host threads
 * @param parameterCount the learner's scalar parameters
 * @param provenance     versions, machine, seeds and the task's own description, for replaying and comparing runs;
 *                       held in its JSON form (numbers as Long or Double, maps and lists as {@link Json#parse}
 *                       makes them), so that a record read back from its JSON equals the one written
 * @param artifacts      the learner's explanation matrices when the spec asked for them ({@code inspect}): name to
 *                       row-major matrix; empty otherwise. Arrays compare by identity in {@code equals}: compare
 *                       them with {@code Arrays.deepEquals}
 * @param shape          the shape of the run's task (N, D, d, q), which reports group runs by; null in records
 *                       written before records carried it (a report then reads the task's options N and q)
 */
public record RunRecord(RunSpec spec, Status status, List<Crossing> crossings, List<CurvePoint> curve, long steps,
                        long promptsSeen, double trainSeconds, double evalSeconds, String backend, int threads,
                        long parameterCount, Map<String, Object> provenance, Map<String, double[][]> artifacts,
                        TaskShape shape) {

    /** How a run ended. */
    public enum Status {
        /** Every threshold was crossed. */
        COMPLETED,
        /** The cap was reached before some threshold was crossed: their n* is only known to exceed the cap. */
        CENSORED,
        /** The training loss or the test MSE became NaN or infinite; the run stopped there. */
        DIVERGED;

        /** The lower-case word used in JSON and tables. */
        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * The first check whose test MSE fell below a threshold.
     *
     * @param threshold the test MSE to get below
     * @param nStar     prompts seen at that check, or null when the run ended without crossing it
     */
    public record Crossing(double threshold, Long nStar) {
        public boolean crossed() {
            return nStar != null;
        }
    }

    /**
     * One evaluation on the test set.
     *
     * @param step        training steps taken before it
     * @param promptsSeen training prompts seen before it
     * @param testMse     mean squared error over all test prompts and positions
     * @param trainLoss   the training loss of the step just taken (one batch)
     */
    public record CurvePoint(long step, long promptsSeen, double testMse, double trainLoss) {
    }

    public RunRecord {
        crossings = List.copyOf(crossings);
        curve = List.copyOf(curve);
        @SuppressWarnings("unchecked")
        Map<String, Object> normalized = (Map<String, Object>) Json.parse(Json.canonical(provenance));
        provenance = Collections.unmodifiableMap(normalized);
        artifacts = Collections.unmodifiableMap(new TreeMap<>(artifacts));
    }

    /** A record without its task's shape. */
    public RunRecord(RunSpec spec, Status status, List<Crossing> crossings, List<CurvePoint> curve, long steps,
                     long promptsSeen, double trainSeconds, double evalSeconds, String backend, int threads,
                     long parameterCount, Map<String, Object> provenance, Map<String, double[][]> artifacts) {
        this(spec, status, crossings, curve, steps, promptsSeen, trainSeconds, evalSeconds, backend, threads,
                parameterCount, provenance, artifacts, null);
    }

    /** A record without artifacts or shape. */
    public RunRecord(RunSpec spec, Status status, List<Crossing> crossings, List<CurvePoint> curve, long steps,
                     long promptsSeen, double trainSeconds, double evalSeconds, String backend, int threads,
                     long parameterCount, Map<String, Object> provenance) {
        this(spec, status, crossings, curve, steps, promptsSeen, trainSeconds, evalSeconds, backend, threads,
                parameterCount, provenance, Map.of());
    }

    /**
     * The record that {@link #toJson} wrote. Non-finite test MSEs and losses, which JSON writes as null, come back
     * as NaN; the spec comes back as {@link RunSpec#fromMap} says.
     *
     * @throws IllegalArgumentException for text that is not JSON or not a record's JSON, naming what is wrong
     */
    public static RunRecord fromJson(String json) {
        if (!(Json.parse(json) instanceof Map<?, ?> map)) {
            throw new IllegalArgumentException("a run record's JSON must be an object");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> m = (Map<String, Object>) map;
        return RecordReader.record(m);
    }

    /** n* of {@code threshold}, empty when it was not crossed. */
    public OptionalLong nStar(double threshold) {
        for (Crossing c : crossings) {
            if (Double.compare(c.threshold(), threshold) == 0) {
                return c.crossed() ? OptionalLong.of(c.nStar()) : OptionalLong.empty();
            }
        }
        throw new IllegalArgumentException("threshold " + threshold + " is not on this run's ladder "
                + spec.thresholds());
    }

    /** The thresholds not crossed: censored at the cap, or never reached before a divergence. */
    public List<Double> censored() {
        return crossings.stream().filter(c -> !c.crossed()).map(Crossing::threshold).toList();
    }

    public double wallSeconds() {
        return trainSeconds + evalSeconds;
    }

    /** The record as a JSON-ready map; {@code nstar} maps each threshold to n* or null. */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("spec", spec.toMap());
        m.put("status", status.label());
        Map<String, Object> nstar = new LinkedHashMap<>();
        for (Crossing c : crossings) {
            nstar.put(Json.number(c.threshold()), c.nStar());
        }
        m.put("nstar", nstar);
        m.put("censored", censored());
        List<Object> points = new ArrayList<>(curve.size());
        for (CurvePoint p : curve) {
            Map<String, Object> q = new LinkedHashMap<>();
            q.put("step", p.step());
            q.put("prompts", p.promptsSeen());
            q.put("test_mse", p.testMse());
            q.put("train_loss", p.trainLoss());
            points.add(q);
        }
        m.put("curve", points);
        m.put("steps", steps);
        m.put("prompts_seen", promptsSeen);
        m.put("wall_seconds", Map.of("train", trainSeconds, "eval", evalSeconds, "total", wallSeconds()));
        m.put("backend", Map.of("name", backend, "threads", threads));
        m.put("parameters", parameterCount);
        if (shape != null) {
            Map<String, Object> sh = new LinkedHashMap<>();
            sh.put("positions", shape.positions());
            sh.put("input_width", shape.inputWidth());
            sh.put("content_width", shape.contentWidth());
            sh.put("pointers", shape.pointers());
            m.put("task_shape", sh);
        }
        m.put("provenance", provenance);
        if (!artifacts.isEmpty()) {
            Map<String, Object> matrices = new LinkedHashMap<>();
            for (Map.Entry<String, double[][]> e : artifacts.entrySet()) {
                List<Object> rows = new ArrayList<>();
                for (double[] row : e.getValue()) {
                    rows.add(Arrays.stream(row).boxed().toList());
                }
                matrices.put(e.getKey(), rows);
            }
            m.put("artifacts", matrices);
        }
        return m;
    }

    /** The record as indented canonical JSON. */
    public String toJson() {
        return Json.write(toMap());
    }
}
