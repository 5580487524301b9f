package org.samplex.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.samplex.experiment.RunRecord;
import org.samplex.experiment.RunRecord.Crossing;
import org.samplex.experiment.RunRecord.CurvePoint;
import org.samplex.experiment.RunRecord.Status;
import org.samplex.experiment.RunSpec;

/** Run records made up for the report's tests: qstr general, q = 1, d = 10, linear, as the paper's Figure 1a. */
final class Synthetic {
    static final long CAP = 200_000;
    static final int BATCH = 64;
    static final int CHECK = 10;

    private Synthetic() {
    }

    static RunSpec spec(String learner, int n, long seed, double... thresholds) {
        return RunSpec.builder(learner, "qstr").taskOption("N", n).taskOption("d", 10).taskOption("q", 1)
                .taskOption("variant", "general").taskOption("link", "linear").seed(seed).cap(CAP)
                .checkEvery(CHECK).thresholds(thresholds).backend("cpu").threads(1).build();
    }

    /**
     * A run of one threshold: crossed at {@code nStar} (rounded up to a check), censored at the cap when null,
     * or diverged at 640 prompts when {@code diverged}. Its curve falls geometrically from 1 to the threshold.
     */
    static RunRecord run(String learner, int n, long seed, double threshold, Long nStar, boolean diverged) {
        return run(spec(learner, n, seed, threshold), nStar, diverged, Map.of());
    }

    static RunRecord run(RunSpec spec, Long nStar, boolean diverged, Map<String, double[][]> artifacts) {
        double threshold = spec.thresholds().getFirst();
        long every = (long) CHECK * BATCH;
        long end = diverged ? every : nStar == null ? spec.cap() / every * every : (nStar + every - 1) / every * every;
        List<CurvePoint> curve = new ArrayList<>();
        for (long p = every; p <= end; p += every) {
            double mse = diverged ? Double.NaN
                    : Math.pow(threshold * (nStar == null ? 2 : 0.999), (double) p / end);
            curve.add(new CurvePoint(p / BATCH, p, mse, mse));
        }
        Status status = diverged ? Status.DIVERGED : nStar == null ? Status.CENSORED : Status.COMPLETED;
        Long crossed = diverged || nStar == null ? null : end;
        Map<String, Object> task = new LinkedHashMap<>(Map.of("N", spec.taskOptions().get("N"), "d", 10, "q", 1,
                "d_e", 3));
        return new RunRecord(spec, status, List.of(new Crossing(threshold, crossed)), curve, end / BATCH, end, 1.5,
                0.5, "cpu", 1, 1000, Map.of("task", task), artifacts);
    }
}
