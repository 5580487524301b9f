package org.samplex.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Function;
import org.samplex.api.Services;
import org.samplex.experiment.Environment;
import org.samplex.experiment.Versions;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
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
                SweepCommand.class, RunsCommand.class, ReproduceCommand.class, ReportCommand.class,
                CompletionCommand.class,
                CommandLine.HelpCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:success (a censored or diverged run is a result, not an error)",
                "1:I/O problem (a file or folder that cannot be read or written), or internal error (a bug: "
                        + "rerun with SAMPLEX_DEBUG=1 and report the stack trace)",
                "2:usage error (unknown command, option or value)",
                "3:a backend asked for by name cannot run here", "4:a sweep cell failed",
                "5:sweep verify: a stored run was not reproduced bit for bit"})
public final class Samplex implements Callable<Integer> {

    /** A file or folder cannot be read or written; the same code as an internal error, without the bug hint. */
    public static final int EXIT_IO = 1;
    public static final int EXIT_USAGE = 2;
    public static final int EXIT_UNAVAILABLE = 3;

    /** Finds the providers once the command line (and with it {@code --plugins}) is known. */
    private final Function<PluginFolder, Services> discovery;
    private final Map<String, String> environment;
    private Services services;

    @Spec
    CommandSpec spec;

    @Option(names = "--plugins", paramLabel = "DIR", scope = ScopeType.LOCAL,
            description = {"Folder of plug-in jars (learners, tasks, backends), each loaded into a module layer of "
                    + "its own; default: $SAMPLEX_PLUGINS, else ~/.samplex/plugins (skipped when absent).",
                    "Give it before the command: samplex --plugins DIR list."})
    Path plugins;

    /** With fixed providers (tests): {@code --plugins} is accepted and ignored. */
    Samplex(Services services) {
        this(folder -> services, Map.of());
    }

    Samplex(Function<PluginFolder, Services> discovery, Map<String, String> environment) {
        this.discovery = discovery;
        this.environment = environment;
    }

    /**
     * The providers, found on first use: the module path's and those of the plug-in folder. Plug-ins that were
     * skipped and providers that failed to load are told on stderr, one line each; {@code list} and
     * {@code doctor}, which report them themselves, use {@link #servicesQuietly()}.
     *
     * @throws IllegalArgumentException when a plug-in folder that was asked for does not exist or is not a folder
     */
    Services services() {
        boolean first = services == null;
        Services s = servicesQuietly();
        if (first && !s.problems().isEmpty()) {
            PrintWriter err = spec.commandLine().getErr();
            s.problems().forEach(p -> err.println("samplex: warning: " + p));
            err.flush();
        }
        return s;
    }

    /** The plug-in folder the command line and the environment choose. */
    PluginFolder pluginFolder() {
        return PluginFolder.of(plugins, environment);
    }

    /** {@link #services()} without the warnings on stderr. */
    Services servicesQuietly() {
        if (services == null) {
            services = discovery.apply(pluginFolder());
            Environment.usePlugins(services.plugins());
        }
        return services;
    }

    /** No command given: say what there is, as a usage error. */
    @Override
    public Integer call() {
        spec.commandLine().getErr().println("samplex: missing command");
        spec.commandLine().usage(spec.commandLine().getErr());
        return EXIT_USAGE;
    }

    /** The command line with samplex's error handling and fixed providers; callers may redirect its out and err. */
    public static CommandLine commandLine(Services services) {
        return commandLine(new Samplex(services));
    }

    /**
     * The command line that finds the providers on the module path and in the plug-in folder ({@code --plugins},
     * else {@code environment}'s SAMPLEX_PLUGINS, else ~/.samplex/plugins) when a command first needs them.
     */
    public static CommandLine commandLine(Map<String, String> environment) {
        return commandLine(new Samplex(folder -> Services.discover(folder.load()), environment));
    }

    private static CommandLine commandLine(Samplex root) {
        CommandLine cl = new CommandLine(root);
        ProtocolOptions.addFlags(cl);
        cl.setParameterExceptionHandler(new Errors.Usage());
        cl.setExecutionExceptionHandler(new Errors.Execution(Errors.Execution.debugEnvironment()));
        return cl;
    }

    public static void main(String[] args) {
        System.exit(execute(commandLine(System.getenv()), args));
    }

    /**
     * Runs a command line; an OutOfMemoryError (an Error, which picocli passes through) ends in one line
     * ({@link Errors#outOfMemory}) instead of a stack trace.
     */
    static int execute(CommandLine cl, String... args) {
        try {
            return cl.execute(args);
        } catch (OutOfMemoryError e) {
            return Errors.outOfMemory(cl.getErr(), e);
        }
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
