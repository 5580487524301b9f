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
         * The next run for a freed slot (a spec whose {@link PackedSession#key} equals the pack's), or null when
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
     * Runs the specs (at least 2, equal pack keys) and those the feed gives for freed slots as one pack on the
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

    /** {@link #run(List, Services, Feed)} on a backend the caller opened and still owns. */
    public static void run(List<RunSpec> specs, LearnerProvider learnerProvider, TaskProvider taskProvider,
                           Backend backend, Feed feed) {
        try (PackedSession pack = PackedSession.open(specs, learnerProvider, taskProvider, backend)) {
            new Loop(pack, learnerProvider, taskProvider, feed).run();
        }
    }

    /** The schedule of a pack: one {@link Ladder} and timer per slot. */
    private static final class Loop {
        private final PackedSession pack;
        private final LearnerProvider learnerProvider;
        private final TaskProvider taskProvider;
        private final Feed feed;
        private final int every;
        private final Ladder[] ladders;
        private final ProgressListener[] listeners;
        private final long[] lastStep;
        private final double[] trainSeconds;
        private final double[] evalSeconds;

        Loop(PackedSession pack, LearnerProvider learnerProvider, TaskProvider taskProvider, Feed feed) {
            this.pack = pack;
            this.learnerProvider = learnerProvider;
            this.taskProvider = taskProvider;
            this.feed = feed;
            int runs = pack.runs();
            this.every = pack.spec(0).checkEvery();
            this.ladders = new Ladder[runs];
            this.listeners = new ProgressListener[runs];
            this.lastStep = new long[runs];
            this.trainSeconds = new double[runs];
            this.evalSeconds = new double[runs];
            for (int r = 0; r < runs; r++) {
                start(r);
            }
        }

        private void start(int r) {
            RunSpec s = pack.spec(r);
            ladders[r] = new Ladder(s);
            listeners[r] = feed.listener(pack.given(r));
            lastStep[r] = s.maxSteps() - s.maxSteps() % every;
            trainSeconds[r] = 0;
            evalSeconds[r] = 0;
        }

        void run() {
            Backend backend = pack.backend();
            long mark = System.nanoTime();
            for (long step = 1; live() > 0; step++) {
                var loss = pack.step();
                if (step % every != 0) {
                    continue;
                }
                double[] trainLoss = pack.values(loss);
                long checkStart = System.nanoTime();
                share(trainSeconds, checkStart - mark);
                double[] testMse = pack.testMse();
                mark = System.nanoTime();
                share(evalSeconds, mark - checkStart);
                for (int r = 0; r < pack.runs(); r++) {
                    if (!pack.live(r)) {
                        continue;
                    }
                    long s = pack.steps(r);
                    RunSpec spec = pack.spec(r);
                    CurvePoint p = new CurvePoint(s, s * spec.batch(), testMse[r], trainLoss[r]);
                    listeners[r].checked(p, trainSeconds[r] + evalSeconds[r]);
                    if (ladders[r].check(p) || s >= lastStep[r]) {
                        finish(r, backend);
                    }
                }
            }
            backend.synchronize();
        }

        private int live() {
            int n = 0;
            for (int r = 0; r < pack.runs(); r++) {
                n += pack.live(r) ? 1 : 0;
            }
            return n;
        }

        /** Adds a live slot's equal share of {@code nanos} to each live slot's seconds. */
        private void share(double[] seconds, long nanos) {
            int n = live();
            for (int r = 0; r < pack.runs(); r++) {
                if (pack.live(r)) {
                    seconds[r] += nanos * 1e-9 / n;
                }
            }
        }

        /** Records slot r's run and refills the slot, or empties it. */
        private void finish(int r, Backend backend) {
            RunSpec s = pack.spec(r);
            Map<String, Object> provenance = new LinkedHashMap<>(OnlineProtocol.provenance(s, pack.task(r),
                    learnerProvider, taskProvider, backend));
            provenance.put("pack", Map.of("runs", pack.runs(), "slot", r));
            RunRecord record = new RunRecord(s, ladders[r].status(), ladders[r].crossings(),
                    new ArrayList<>(ladders[r].curve()), pack.steps(r), pack.steps(r) * s.batch(), trainSeconds[r],
                    evalSeconds[r], backend.name(), backend.threads(), pack.parametersPerRun(), provenance, Map.of(),
                    pack.task(r).shape());
            feed.finished(pack.given(r), record);
            RunSpec next = feed.next();
            if (next == null) {
                pack.retire(r);
            } else {
                pack.load(r, next);
                start(r);
            }
        }
    }
}
