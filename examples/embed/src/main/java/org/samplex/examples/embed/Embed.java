package org.samplex.examples.embed;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import org.samplex.api.Backend;
import org.samplex.api.BackendOptions;
import org.samplex.api.Services;
import org.samplex.api.learn.Batch;
import org.samplex.api.learn.Task;
import org.samplex.api.learn.TaskProvider;
import org.samplex.api.rng.RngStream;
import org.samplex.api.tape.Arena;
import org.samplex.experiment.OnlineProtocol;
import org.samplex.experiment.ProgressListener;
import org.samplex.experiment.RunRecord;
import org.samplex.experiment.RunSpec;

/**
 * samplex as a library, in two parts: draw a batch of qSTR prompts on the best available backend, then train a
 * one-layer transformer with the paper's online protocol and print n*, the prompts it needed to get below the
 * threshold. Nothing here names a concrete task, learner or backend class: {@link Services#discover()} finds them
 * on the module path, as the cli does.
 *
 * <p>Run: {@code java -p <the jars> -m org.samplex.examples.embed/org.samplex.examples.embed.Embed [N [EPS]]}
 * (see the README next to this module's pom).
 */
public final class Embed {

    private Embed() {
    }

    /** {@code Embed [N [EPS]]}: N positions (default 4), threshold EPS on the test MSE (default 0.7). */
    public static void main(String[] args) {
        int positions = args.length > 0 ? Integer.parseInt(args[0]) : 4;
        double threshold = args.length > 1 ? Double.parseDouble(args[1]) : 0.7;
        RunRecord record = run(Services.discover(), positions, threshold, 2_000, System.out);
        System.exit(record.status() == RunRecord.Status.COMPLETED ? 0 : 1);
    }

    /**
     * Both parts for sequences of {@code positions} tokens, with a test set of {@code testSize} prompts, printing
     * to {@code out}; returns the run's record.
     */
    public static RunRecord run(Services services, int positions, double threshold, int testSize, PrintStream out) {
        showABatch(services, positions, out);
        return train(services, positions, threshold, testSize, out);
    }

    /** Part 1: four prompts of general 1STR (d = 10) generated on the backend "auto" picks, copied to the host. */
    static void showABatch(Services services, int positions, PrintStream out) {
        TaskProvider qstr = services.task("qstr");
        // options are checked against the task's schema; the defaults fill the rest (d = 10, q = 1, general, ...)
        Task task = qstr.create(qstr.schema().validate(Map.of("N", positions)), 0);
        Services.BackendChoice choice = services.chooseBackend("auto");
        out.println(choice.explanation());
        // the backend and the arena own device memory: close both, here with try-with-resources
        try (Backend backend = choice.provider().open(BackendOptions.defaults());
             Arena arena = new Arena(backend)) {
            Batch batch = task.batch(backend, arena, Task.Split.TRAIN, RngStream.of(0, "train"), 0, 4);
            double[] labels = new double[Math.toIntExact(batch.labels().size())];
            backend.copyToHost(batch.labels().value(), labels);
            out.println("a qSTR batch: input " + Arrays.toString(batch.input().shape()) + " (B, N, D), labels "
                    + Arrays.toString(batch.labels().shape()) + " (B, N); prompt 0's labels "
                    + format(Arrays.copyOf(labels, positions)));
        }
    }

    /** Part 2: the online protocol (batch 64, AdamW 1e-3, a check every 10 steps) until the threshold is crossed. */
    static RunRecord train(Services services, int positions, double threshold, int testSize, PrintStream out) {
        RunSpec spec = RunSpec.builder("transformer", "qstr").taskOption("N", positions).thresholds(threshold)
                .testSize(testSize).backend("auto").seed(1).build();
        ProgressListener progress = (point, seconds) -> {
            if (point.step() % 50 == 0) {
                out.printf(Locale.ROOT, "  %,d prompts: test MSE %.4f%n", point.promptsSeen(), point.testMse());
            }
        };
        RunRecord record = OnlineProtocol.run(spec, services, progress);
        out.printf(Locale.ROOT, "transformer on general 1STR, N = %d, backend %s: %s after %,d prompts (%.1f s)%n",
                positions, record.backend(), record.status().label(), record.promptsSeen(), record.wallSeconds());
        record.nStar(threshold).ifPresentOrElse(
                n -> out.printf(Locale.ROOT, "n* = %,d prompts (test MSE below %s)%n", n, threshold),
                () -> out.printf(Locale.ROOT, "n* > %,d prompts: not reached%n", record.promptsSeen()));
        return record;
    }

    private static String format(double[] values) {
        return Arrays.stream(values).mapToObj(v -> String.format(Locale.ROOT, "%.3f", v)).toList().toString();
    }
}
