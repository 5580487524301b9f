package org.samplex.sweep;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.samplex.experiment.Json;

/**
 * A crude cost model for dry runs. A run's cost is its learner's parameter count times its cap in prompts: an
 * upper bound on its work in "parameter-prompts" (a run stops earlier when it crosses its last threshold, and
 * per-token models do about N times more work per parameter than this counts). When the store holds finished
 * runs, their wall time per parameter-prompt actually seen turns costs into an upper bound in seconds.
 *
 * @param parameters       parameters per run key
 * @param secondsPerUnit   measured wall seconds per parameter-prompt, or null when the store has no result yet
 */
public record CostModel(Map<String, Long> parameters, Double secondsPerUnit) {

    public CostModel {
        parameters = Map.copyOf(parameters);
    }

    /**
     * The model for a plan's runs: parameter counts from the trainer (one learner built per distinct learner,
     * options and task options), the rate from the results already stored.
     */
    public static CostModel of(List<PlannedRun> runs, RunService trainer, List<ResultStore.StoredRun> stored) {
        Map<String, Long> byShape = new HashMap<>();
        Map<String, Long> parameters = new HashMap<>();
        for (PlannedRun r : runs) {
            String shape = Json.canonical(List.of(r.spec().learner(), r.spec().learnerOptions(),
                    r.spec().task(), r.spec().taskOptions()));
            parameters.put(r.key(), byShape.computeIfAbsent(shape, s -> trainer.parameterCount(r.spec())));
        }
        return new CostModel(parameters, rate(stored));
    }

    /** The cost of one run in parameter-prompts: parameters times cap. */
    public double units(PlannedRun run) {
        Long p = parameters.get(run.key());
        if (p == null) {
            throw new IllegalArgumentException("run " + run.key() + " was not costed");
        }
        return (double) p * run.spec().cap();
    }

    /** Upper bound on a run's wall seconds at the measured rate, or NaN without one. */
    public double seconds(PlannedRun run) {
        return secondsPerUnit == null ? Double.NaN : units(run) * secondsPerUnit;
    }

    private static Double rate(List<ResultStore.StoredRun> stored) {
        double seconds = 0;
        double units = 0;
        for (ResultStore.StoredRun s : stored) {
            if (s.recordJson() == null) {
                continue;
            }
            if (Json.parse(s.recordJson()) instanceof Map<?, ?> record
                    && record.get("parameters") instanceof Number params
                    && record.get("prompts_seen") instanceof Number prompts
                    && record.get("wall_seconds") instanceof Map<?, ?> wall
                    && wall.get("total") instanceof Number total) {
                seconds += total.doubleValue();
                units += params.doubleValue() * prompts.doubleValue();
            }
        }
        return units > 0 ? seconds / units : null;
    }
}
