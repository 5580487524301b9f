package org.samplex.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code samplex sweep}: the group of sweep commands; alone, it says which there are (a usage error). */
@Command(name = "sweep", mixinStandardHelpOptions = true, subcommands = SweepRunCommand.class,
        description = {"Grids of runs with a resumable results store: samplex sweep run --help.",
                "Example: samplex sweep run --learners transformer,gru,mlp --N 2,4,6,8 --seeds 5 --thresholds 0.7 "
                        + "--out runs/fig1a"})
final class SweepCommand implements Callable<Integer> {

    @ParentCommand
    Samplex root;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().getErr().println("samplex: missing command; commands: "
                + String.join(", ", spec.subcommands().keySet()));
        spec.commandLine().usage(spec.commandLine().getErr());
        return Samplex.EXIT_USAGE;
    }
}
