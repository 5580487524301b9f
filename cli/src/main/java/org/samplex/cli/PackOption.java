package org.samplex.cli;

import picocli.CommandLine.Option;

/** {@code --pack P}: the option of every command that runs a sweep ({@code sweep run}, {@code reproduce}). */
final class PackOption {

    @Option(names = "--pack", defaultValue = "1", paramLabel = "P",
            description = "Train up to P compatible runs per worker as one packed model (same learner and options, "
                    + "task shape, batch, test-set size and check interval; seeds, caps, thresholds, optimizer "
                    + "settings and task options that keep the shape may differ), refilling a slot when its run "
                    + "ends. Each run records what it records alone (docs/packing.md). Default: ${DEFAULT-VALUE}, "
                    + "every run alone.")
    int pack;
}
