package org.samplex.sweep;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.samplex.experiment.CodeIdentity;

/**
 * A sweep end to end in one folder: the plan saved (or checked against the saved one), the results store opened,
 * the runs it lacks run by a worker pool, the store closed.
 */
public final class Sweep {

    private Sweep() {
    }

    /**
     * Which of a plan's runs a process runs, and where it stores them.
     *
     * @param shard the part of the plan ({@link Shard}), or null for all of it
     * @param order how runs are ordered before they are dealt to shards
     * @param sink  a PostgreSQL JDBC URL to store results in instead of a file of the folder, or null
     */
    public record Scope(Shard shard, Shard.Order order, String sink) {

        /** The whole plan into the folder's results.sqlite. */
        public static final Scope WHOLE = new Scope(null, Shard.Order.KEY, null);

        public Scope {
            if (order == null) {
                throw new IllegalArgumentException("a scope needs an order (key or cost)");
            }
            if (sink != null && !sink.startsWith("jdbc:postgresql:")) {
                throw new IllegalArgumentException("option '--sink' takes " + ResultStore.SINK_ACCEPTED + ", got '"
                        + ResultStore.hidePassword(sink) + "'");
            }
        }

        /**
         * The runs of the scope, in the plan's order: a shard's share, or all of them.
         *
         * @param trainer counts parameters for {@link Shard.Order#COST}
         */
        public List<PlannedRun> runs(List<PlannedRun> plan, RunService trainer) {
            if (shard == null) {
                return plan;
            }
            if (order == Shard.Order.KEY) {
                return shard.select(plan, order, r -> 0);
            }
            CostModel cost = CostModel.of(plan, trainer, List.of());
            return shard.select(plan, order, cost::units);
        }

        /** Opens where this scope stores results: the sink, the shard's file, or the folder's results.sqlite. */
        public ResultStore open(Path dir) {
            if (sink != null) {
                return ResultStore.openSink(sink);
            }
            return shard != null ? ResultStore.openShard(dir, shard) : ResultStore.open(dir);
        }
    }

    /**
     * Runs a plan's runs into {@code dir}.
     *
     * @param runs         the plan's runs ({@link Plan#expand})
     * @param preset       the reproduction's name for plan.json, or null
     * @param extend       whether a plan with other runs than the saved one may go on in this folder
     * @param workers      runs at once
     * @param totalThreads threads for all runs together; 0 for this machine's processors
     * @throws IllegalArgumentException when the folder holds another plan and {@code extend} is false
     */
    public static SweepRunner.Outcome run(Path dir, Plan plan, List<PlannedRun> runs, String preset, boolean extend,
                                          RunService trainer, int workers, int totalThreads, SweepListener listener) {
        return run(dir, plan, runs, Scope.WHOLE, preset, extend, trainer, workers, totalThreads, listener);
    }

    /**
     * Runs the runs of {@code scope} (a shard's share, or all) into its store. The folder's plan.json is always
     * the whole plan, so every shard of a sweep saves (or finds) the same one.
     *
     * @param runs the plan's runs ({@link Plan#expand}), all of them
     * @see #run(Path, Plan, List, String, boolean, RunService, int, int, SweepListener)
     */
    public static SweepRunner.Outcome run(Path dir, Plan plan, List<PlannedRun> runs, Scope scope, String preset,
                                          boolean extend, RunService trainer, int workers, int totalThreads,
                                          SweepListener listener) {
        return run(dir, plan, runs, scope, preset, extend, trainer, workers, totalThreads, listener,
                CodeChange.REFUSE, line -> { });
    }

    /**
     * As {@link #run(Path, Plan, List, Scope, String, boolean, RunService, int, int, SweepListener)}; stored runs
     * of this scope that other code computed are handled by {@code codeChanged} ({@link CodeChange}) before
     * anything runs, and its line goes to {@code say}.
     *
     * @throws IllegalArgumentException also when {@code codeChanged} is REFUSE and such runs are stored
     */
    public static SweepRunner.Outcome run(Path dir, Plan plan, List<PlannedRun> runs, Scope scope, String preset,
                                          boolean extend, RunService trainer, int workers, int totalThreads,
                                          SweepListener listener, CodeChange codeChanged, Consumer<String> say) {
        return run(dir, plan, runs, scope, preset, extend, trainer, workers, totalThreads, 1, listener, codeChanged,
                say);
    }

    /** As the overload without {@code pack}, with up to {@code pack} runs trained as one ({@link SweepRunner}). */
    public static SweepRunner.Outcome run(Path dir, Plan plan, List<PlannedRun> runs, Scope scope, String preset,
                                          boolean extend, RunService trainer, int workers, int totalThreads,
                                          int pack, SweepListener listener, CodeChange codeChanged,
                                          Consumer<String> say) {
        SweepRunner.threadsPerRun(workers, totalThreads);
        SweepRunner.checkPack(pack);
        List<PlannedRun> mine = scope.runs(runs, trainer);
        SweepFolder.savePlan(dir, plan, runs, preset, extend);
        try (ResultStore store = scope.open(dir)) {
            Map<String, CodeIdentity> stale = CodeChange.stale(store, mine, trainer);
            if (!stale.isEmpty()) {
                PlannedRun first = mine.stream().filter(r -> stale.containsKey(r.key())).findFirst().orElseThrow();
                codeChanged.apply(store, stale, trainer.codeIdentity(first.spec()), say);
            }
            return SweepRunner.run(mine, store, trainer, workers, totalThreads, pack, listener);
        }
    }
}
