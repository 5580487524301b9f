package org.samplex.cli;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.samplex.experiment.Settings;
import org.samplex.sweep.Plan;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The flags that make a sweep's plan, shared by {@code sweep run} and {@code sweep submit} (a picocli mixin): the
 * grid axes, a plan file, and the protocol's flags ({@link ProtocolOptions}), which override the file.
 */
final class SweepPlanOptions {

    @Option(names = {"--learners", "--learner"}, split = ",", paramLabel = "NAME",
            description = "Architectures, comma-separated (samplex list learners); --learner is the same option.")
    List<String> learners;

    @Option(names = "--N", split = ",", paramLabel = "N",
            description = "Sequence lengths, comma-separated; a range FROM:TO[:STEP] gives every value from FROM to "
                    + "TO by STEP (2:12:2 is 2,4,6,8,10,12), here and on every other axis.")
    List<String> positions;

    @Option(names = "--q", split = ",", paramLabel = "Q", description = "Pointers per token, comma-separated.")
    List<String> pointers;

    @Option(names = "--seeds", paramLabel = "COUNT|S,S,...",
            description = "A number of seeds (0, 1, ...: 5 means 0 to 4) or a list of seeds; default: 1 (seed 0).")
    String seeds;

    @Option(names = "--first-seed", paramLabel = "S", description = "With a count of seeds: the first; default: 0.")
    String firstSeed;

    @Option(names = "--plan", paramLabel = "FILE",
            description = "A YAML plan with the same keys (learners, N, q, seeds, thresholds, task-options, "
                    + "learner-options, cap, ...; or a saved plan.json, or the plan samplex sweep missing writes); "
                    + "flags override its values.")
    Path plan;

    @Mixin
    ProtocolOptions protocol;

    /** The plan of the file and the flags. */
    Plan plan() {
        return Plan.of(plan, flags());
    }

    /** Threads for all runs together: --threads, or 0 (this machine's processors). */
    int threads() {
        Integer threads = protocol.given(Settings.THREADS);
        return threads == null ? 0 : threads;
    }

    /** The flags given, as plan keys. */
    private Map<String, Object> flags() {
        Map<String, Object> m = new LinkedHashMap<>(protocol.planKeys());
        m.put("learners", learners);
        m.put("N", positions);
        m.put("q", pointers);
        m.put("seeds", seeds);
        m.put("first-seed", firstSeed);
        return m;
    }
}
