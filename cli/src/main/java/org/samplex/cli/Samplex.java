package org.samplex.cli;

import java.util.concurrent.Callable;
import org.samplex.api.Services;
import org.samplex.experiment.Versions;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The root command. Only {@link #main} exits the JVM; every command returns an exit code: 0 success, 1 internal
 * error (one line; the stack trace with --verbose or SAMPLEX_DEBUG=1) or I/O problem ({@link #EXIT_IO}: a file
 * that cannot be read or written, told in one line), {@link #EXIT_USAGE} usage error,
 * {@link #EXIT_UNAVAILABLE} a backend asked for by name cannot run here.
 */
@Command(name = "samplex", mixinStandardHelpOptions = true, versionProvider = Samplex.Version.class,
        description = "Measures how many training samples neural architectures need on sparse-retrieval "
                + "sequence tasks (qSTR).",
        subcommands = {ListCommand.class, DoctorCommand.class, TrainCommand.class, BenchCommand.class,
                SweepCommand.class, ReproduceCommand.class, ReportCommand.class, CompletionCommand.class,
                CommandLine.HelpCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:success (a censored or diverged run is a result, not an error)",
                "1:I/O problem (a file or folder that cannot be read or written), or internal error (a bug: "
                        + "rerun with SAMPLEX_DEBUG=1 and report the stack trace)",
                "2:usage error (unknown command, option or value)",
                "3:a backend asked for by name cannot run here", "4:a sweep cell failed"})
public final class Samplex implements Callable<Integer> {

    /** A file or folder cannot be read or written; the same code as an internal error, without the bug hint. */
    public static final int EXIT_IO = 1;
    public static final int EXIT_USAGE = 2;
    public static final int EXIT_UNAVAILABLE = 3;

    private final Services services;

    @Spec
    CommandSpec spec;

    Samplex(Services services) {
        this.services = services;
    }

    /** The providers found at start-up, shared by the subcommands. */
    Services services() {
        return services;
    }

    /** No command given: say what there is, as a usage error. */
    @Override
    public Integer call() {
        spec.commandLine().getErr().println("samplex: missing command");
        spec.commandLine().usage(spec.commandLine().getErr());
        return EXIT_USAGE;
    }

    /** The command line with samplex's error handling; callers may redirect its out and err. */
    public static CommandLine commandLine(Services services) {
        CommandLine cl = new CommandLine(new Samplex(services));
        cl.setParameterExceptionHandler(new Errors.Usage());
        cl.setExecutionExceptionHandler(new Errors.Execution(Errors.Execution.debugEnvironment()));
        return cl;
    }

    public static void main(String[] args) {
        System.exit(commandLine(Services.discover()).execute(args));
    }

    /** The version of the org.samplex.cli module (set by the build), or "dev" when run from classes. */
    static String version() {
        return Versions.of(Samplex.class);
    }

    /** {@code --version}: samplex's version and the JVM it runs on. */
    static final class Version implements IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"samplex " + version(),
                    "JDK " + Runtime.version() + " (" + System.getProperty("java.vendor") + ")"};
        }
    }
}
