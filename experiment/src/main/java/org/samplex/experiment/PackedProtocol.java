package org.samplex.experiment;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.samplex.api.Backend;
import org.samplex.api.BackendOptions;
import org.samplex.api.Services;
import org.samplex.api.learn.LearnerProvider;
import org.samplex.api.learn.TaskProvider;
import org.samplex.experiment.RunRecord.CurvePoint;

/**
 * The online protocol ({@link OnlineProtocol}) for many runs at once, trained as packs ({@link PackedSession}):
 * every slot follows its run's schedule exactly as the run would alone (step s trains on its prompts of step s,
 * checks every k steps on its own test set, its own ladder, cap and divergence rule), so each run's record holds
 * the numbers the run gives alone, bit for bit where the backend's kernels allow ({@link PackedSession}); only
 * the timings and the provenance's "pack" entry differ. A run ends at a check (completed or diverged) or at its
 * last step, always a check, so every slot's checks fall on the same steps: slots are filled at steps that are
 * multiples of k. A finished run's slot takes the next run its {@link Feed} gives, or stays empty when none is
 * left; the pack ends when every slot is empty.
 *
 * <p>Timings: the wall time of each step and each evaluation is shared equally among the slots live at the time,
 * so a record's train and eval seconds are its share of the pack's time.
 */
public final class PackedProtocol {
    private PackedProtocol() {
    }

    /** Where a pack's runs come from and where their ends go. */
    public interface Feed {

        /**
         * The next run for a freed slot (a spec whose {@link PackKeys#key} equals the pack's), or null when
         * none is left. Called from the pack's thread.
         */
        RunSpec next();

        /** The listener of one run's checks; {@code spec} is the object the pack was given (first or by next). */
        ProgressListener listener(RunSpec spec);

        /**
         * A run of the pack ended (completed, censored or diverged) with this record; {@code spec} is the object the
         * pack was given, the record holds it resolved.
         */
        void finished(RunSpec spec, RunRecord record);
    }

    /**
     * Runs the specs (at least 1, equal pack keys) and those the feed gives for freed slots as one pack on the
     * backend the first spec names, opened with its threads and closed at the end.
     *
     * @throws IllegalArgumentException                      for bad options or specs that cannot share a pack
     * @throws org.samplex.api.BackendUnavailableException when the backend cannot run here
     */
    public static void run(List<RunSpec> specs, Services services, Feed feed) {
        RunSpec first = specs.getFirst();
        Services.BackendChoice choice = services.chooseBackend(first.backend());
        try (Backend backend = choice.provider().open(new BackendOptions(first.threads(), Map.of()))) {
            run(specs, services.learner(first.learner()), services.task(first.task()), backend, feed);
        }
    }

    /**
     * {@link #run(List, Services, Feed)} on a backend the caller opened and still owns. When fewer runs than given
     * fit one pack in memory ({@link PackKeys#runsThatFit}), the pack opens with those that fit and the others
     * fill its freed slots before any run the feed gives.
     */
    public static void run(List<RunSpec> specs, LearnerProvider learnerProvider, TaskProvider taskProvider,
                           Backend backend, Feed feed) {
        int fit = PackKeys.runsThatFit(specs.getFirst(), learnerProvider, taskProvider, backend, specs.size());
        Feed fed = fit == specs.size() ? feed : queuedFirst(specs.subList(fit, specs.size()), feed);
        try (PackedSession pack = PackedSession.open(specs.subList(0, fit), learnerProvider, taskProvider,
                backend)) {
            new Loop(pack, learnerProvider, taskProvider, fed).run();
        }
    }

    /** The feed with {@code waiting} given out first. */
    private static Feed queuedFirst(List<RunSpec> waiting, Feed feed) {
        java.util.Deque<RunSpec> queue = new java.util.ArrayDeque<>(waiting);
        return new Feed() {
            @Override
            public RunSpec next() {
                return queue.isEmpty() ? feed.next() : queue.pollFirst();
            }

            @Override
            public ProgressListener listener(RunSpec spec) {
                return feed.listener(spec);
            }

            @Override
            public void finished(RunSpec spec, RunRecord record) {
                feed.finished(spec, record);
            }
        };
    }

    /** The schedule of a pack: per live slot, its run's {@link Ladder}, listener, last step and seconds. */
    private static final class Loop {
        private final PackedSession pack;
        private final LearnerProvider learnerProvider;
        private final TaskProvider taskProvider;
        private final Feed feed;
        private final int every;
        /** The state of the run in each slot; it moves with the run when the pack retires a slot. */
        private final Run[] runs;

        /** One run's protocol state. */
        private final class Run {
            final RunSpec given;
            final Ladder ladder;
            final ProgressListener listener;
            final long lastStep;
            double trainSeconds;
            double evalSeconds;

            Run(int slot) {
                RunSpec s = pack.spec(slot);
                this.given = pack.given(slot);
                this.ladder = new Ladder(s);
                this.listener = feed.listener(given);
                this.lastStep = s.maxSteps() - s.maxSteps() % every;
            }
        }

        Loop(PackedSession pack, LearnerProvider learnerProvider, TaskProvider taskProvider, Feed feed) {
            this.pack = pack;
            this.learnerProvider = learnerProvider;
            this.taskProvider = taskProvider;
            this.feed = feed;
            this.every = pack.spec(0).checkEvery();
            this.runs = new Run[pack.runs()];
            for (int r = 0; r < runs.length; r++) {
                runs[r] = new Run(r);
            }
        }

        void run() {
            Backend backend = pack.backend();
            long mark = System.nanoTime();
            for (long step = 1; pack.live() > 0; step++) {
                var loss = pack.step();
                if (step % every != 0) {
                    continue;
                }
                double[] trainLoss = pack.values(loss);
                long checkStart = System.nanoTime();
                share(checkStart - mark, false);
                double[] testMse = pack.testMse();
                mark = System.nanoTime();
                share(mark - checkStart, true);
                // the values are by slot at this check; a run that ends may move another run's slot
                Run[] checked = java.util.Arrays.copyOf(runs, pack.live());
                for (int i = 0; i < checked.length; i++) {
                    Run run = checked[i];
                    int slot = java.util.Arrays.asList(runs).indexOf(run);
                    long s = pack.steps(slot);
                    CurvePoint p = new CurvePoint(s, s * pack.spec(slot).batch(), testMse[i], trainLoss[i]);
                    run.listener.checked(p, run.trainSeconds + run.evalSeconds);
                    if (run.ladder.check(p) || s >= run.lastStep) {
                        finish(slot, backend);
                    }
                }
            }
            backend.synchronize();
        }

        /** Adds an equal share of {@code nanos} to each live run's train or eval seconds. */
        private void share(long nanos, boolean eval) {
            int n = pack.live();
            for (int r = 0; r < n; r++) {
                if (eval) {
                    runs[r].evalSeconds += nanos * 1e-9 / n;
                } else {
                    runs[r].trainSeconds += nanos * 1e-9 / n;
                }
            }
        }

        /** Records slot r's run and refills the slot, or retires it (another run may move into it). */
        private void finish(int r, Backend backend) {
            Run run = runs[r];
            RunSpec s = pack.spec(r);
            Map<String, Object> provenance = new LinkedHashMap<>(OnlineProtocol.provenance(s, pack.task(r),
                    learnerProvider, taskProvider, backend));
            provenance.put("pack", Map.of("runs", pack.runs(), "slot", r));
            RunRecord record = new RunRecord(s, run.ladder.status(), run.ladder.crossings(),
                    new ArrayList<>(run.ladder.curve()), pack.steps(r), pack.steps(r) * s.batch(), run.trainSeconds,
                    run.evalSeconds, backend.name(), backend.threads(), pack.parametersPerRun(), provenance,
                    Map.of(), pack.task(r).shape());
            feed.finished(run.given, record);
            RunSpec next = feed.next();
            if (next != null) {
                pack.load(r, next);
                runs[r] = new Run(r);
                return;
            }
            int moved = pack.retire(r);
            runs[r] = moved < 0 ? null : runs[moved];
            if (moved >= 0) {
                runs[moved] = null;
            }
        }
    }
}
