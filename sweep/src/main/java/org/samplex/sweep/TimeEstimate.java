package org.samplex.sweep;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.samplex.experiment.Json;
import org.samplex.experiment.RunSpec;

/**
 * Seconds a plan's runs will take on this machine, for dry runs, with the method of each number kept so that the
 * listing can state it. A run's time is (prompts it will see) x (seconds per prompt):
 *
 * <ul>
 *   <li>Seconds per prompt, per shape (learner, its options, task options, batch, test size, check interval,
 *       backend): measured by the store's finished runs of that shape (their wall time over their prompts, the
 *       evaluations included), else by a probe on this machine ({@link RunService#probe}: a few warm-up steps, 10
 *       timed steps and one evaluation of 1,000 test prompts, scaled to the test size and the check interval).</li>
 *   <li>Prompts: the median prompts seen by the store's finished runs of the same settings with other seeds (an
 *       expectation), else the cap (an upper bound: a run stops at its last threshold).</li>
 * </ul>
 *
 * @param seconds       estimated seconds per run key (NaN when no rate could be had)
 * @param upperBound    the run keys whose prompts are the cap
 * @param measuredShapes shapes whose rate comes from the store, and how many stored runs gave it
 * @param probedShapes  shapes whose rate comes from a probe
 */
public record TimeEstimate(Map<String, Double> seconds, List<String> upperBound, Map<String, Integer> measuredShapes,
                           List<String> probedShapes) {

    /**
     * The estimate of {@code runs} (resolved), with {@code stored} rows of the store and {@code threads} per run;
     * without {@code probe}, a shape the store has not measured gets no rate (NaN) instead of a probe.
     */
    public static TimeEstimate of(List<PlannedRun> runs, RunService trainer, List<ResultStore.StoredRun> stored,
                                  int threads, boolean probe) {
        Map<String, double[]> rateSums = new HashMap<>();   // shape -> {seconds, prompts, runs}
        Map<String, List<Long>> promptsBySettings = new HashMap<>();
        for (ResultStore.StoredRun s : stored) {
            if (s.recordJson() == null || !(Json.parse(s.recordJson()) instanceof Map<?, ?> record)
                    || !(record.get("spec") instanceof Map<?, ?> spec)
                    || !(record.get("prompts_seen") instanceof Number prompts)
                    || !(record.get("wall_seconds") instanceof Map<?, ?> wall)
                    || !(wall.get("total") instanceof Number total) || prompts.longValue() <= 0) {
                continue;
            }
            double[] sum = rateSums.computeIfAbsent(shape(spec), k -> new double[3]);
            sum[0] += total.doubleValue();
            sum[1] += prompts.doubleValue();
            sum[2]++;
            promptsBySettings.computeIfAbsent(settings(spec), k -> new ArrayList<>()).add(prompts.longValue());
        }
        Map<String, Double> secondsPerPrompt = new HashMap<>();
        Map<String, Integer> measured = new LinkedHashMap<>();
        List<String> probed = new ArrayList<>();
        Map<String, Double> seconds = new LinkedHashMap<>();
        List<String> upper = new ArrayList<>();
        for (PlannedRun r : runs) {
            Map<String, Object> spec = r.spec().toMap();
            String shape = shape(spec);
            double rate = secondsPerPrompt.computeIfAbsent(shape, k -> {
                double[] sum = rateSums.get(k);
                if (sum != null) {
                    measured.put(label(r.spec()), (int) sum[2]);
                    return sum[0] / sum[1];
                }
                RunService.Probe p = probe ? trainer.probe(r.spec(), threads) : null;
                if (p == null) {
                    return Double.NaN;
                }
                probed.add(label(r.spec()));
                RunSpec s = r.spec();
                double evalPerCheck = p.secondsPer1000TestPrompts() * s.testSize() / 1000.0;
                return (p.secondsPerStep() + evalPerCheck / s.checkEvery()) / s.batch();
            });
            List<Long> seen = promptsBySettings.get(settings(spec));
            long prompts;
            if (seen == null) {
                prompts = r.spec().cap();
                upper.add(r.key());
            } else {
                List<Long> sorted = seen.stream().sorted().toList();
                prompts = sorted.get(sorted.size() / 2);
            }
            seconds.put(r.key(), rate * prompts);
        }
        return new TimeEstimate(seconds, upper, measured, probed);
    }

    /** Seconds of one run. */
    public double seconds(PlannedRun run) {
        return seconds.getOrDefault(run.key(), Double.NaN);
    }

    /** The spec without what does not change the time per prompt. */
    private static String shape(Map<?, ?> spec) {
        Map<Object, Object> m = new LinkedHashMap<>(spec);
        for (String k : List.of("seed", "threads", "thresholds", "cap", "task_seed", "inspect")) {
            m.remove(k);
        }
        return Json.canonical(m);
    }

    /** The spec without its seed: runs that differ only in the seed stop after similar numbers of prompts. */
    private static String settings(Map<?, ?> spec) {
        Map<Object, Object> m = new LinkedHashMap<>(spec);
        m.remove("seed");
        m.remove("threads");
        return Json.canonical(m);
    }

    private static String label(RunSpec s) {
        return s.learner() + " N=" + s.taskOptions().get("N");
    }
}
