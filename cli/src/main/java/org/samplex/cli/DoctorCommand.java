package org.samplex.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import org.samplex.api.Backend;
import org.samplex.api.BackendOptions;
import org.samplex.api.BackendProvider;
import org.samplex.api.Plugins;
import org.samplex.api.Probe;
import org.samplex.api.Services;
import org.samplex.api.Services.Found;
import org.samplex.experiment.Environment;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code samplex doctor}: everything needed to tell why a backend, learner or task is missing or slow. */
@Command(name = "doctor", mixinStandardHelpOptions = true,
        description = {"Reports the JDK, OS, CPU, every backend's probe (libraries, driver, devices, "
                + "JavaCPP cache), the plug-in folder and its jars, and plug-ins or providers that failed to load.",
                "Exits 0 even when a backend is unavailable, unless --backend names it."})
final class DoctorCommand implements Callable<Integer> {

    @Option(names = "--backend", paramLabel = "NAME",
            description = "Also open and close this backend (or 'auto') to check that it really works; "
                    + "exits 3 when it cannot run here.")
    String backend;

    @ParentCommand
    Samplex root;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        Services services = root.servicesQuietly();
        PrintWriter out = spec.commandLine().getOut();
        out.println("samplex " + Samplex.version());
        out.println();
        out.println("Environment:");
        Environment.current().lines().forEach(l -> out.println("  " + l));
        out.println();
        out.println("Backends:");
        List<Found<BackendProvider>> backends = ListCommand.byRank(services);
        if (backends.isEmpty()) {
            out.println("  none found (no module provides org.samplex.api.BackendProvider)");
        }
        for (Found<BackendProvider> f : backends) {
            Probe p = f.provider().probe();
            out.println("  " + f.name() + " (rank " + f.provider().rank() + ", " + f.module() + " " + f.version()
                    + ListCommand.pluginSuffix(f) + "): " + (p.available() ? "available: " : "unavailable: ")
                    + p.reason());
            p.details().forEach(d -> out.println("    " + d));
        }
        out.println();
        out.println("Learners: " + names(services.learners()));
        out.println("Tasks: " + names(services.tasks()));
        out.println();
        printPlugins(services, out);
        out.println();
        if (services.problems().isEmpty()) {
            out.println("Problems: none");
        } else {
            out.println("Problems (plug-ins skipped, providers that failed to load):");
            services.problems().forEach(p -> out.println("  " + p));
        }
        out.flush();
        if (backend != null) {
            checkOpen(services, out);
        }
        return 0;
    }

    /** Opens the backend for real; an unknown or unavailable one throws and the error handler maps it. */
    private void checkOpen(Services services, PrintWriter out) {
        Services.BackendChoice choice = services.chooseBackend(backend);
        out.println();
        try (Backend b = choice.provider().open(BackendOptions.defaults())) {
            out.println("Opened " + b.name() + " (" + b.dtype() + ", " + b.threads()
                    + (b.threads() == 1 ? " thread" : " threads") + ") and closed it again; " + choice.explanation());
        }
        out.flush();
    }

    /** The folder, how it was chosen, and each plug-in loaded from it. */
    private void printPlugins(Services services, PrintWriter out) {
        PluginFolder folder = root.pluginFolder();
        String from = switch (folder.source()) {
            case "default" -> "the default";
            case "--plugins" -> "from --plugins";
            default -> "from $" + folder.source();
        };
        out.println("Plug-ins (" + folder.path() + ", " + from + "): "
                + (services.plugins().isEmpty() ? "none loaded" : services.plugins().size() + " loaded"));
        for (Plugins.Plugin p : services.plugins()) {
            out.println("  " + p.fileName() + ": " + p.module() + " " + p.version() + ", built against api "
                    + p.apiVersion() + " (this samplex: " + Plugins.hostApiVersion() + "), provides "
                    + String.join(", ", ListCommand.provided(services, p)));
            out.println("    sha256 " + p.sha256());
        }
    }

    private static <T> String names(List<Found<T>> found) {
        if (found.isEmpty()) {
            return "none found";
        }
        return String.join(", ", found.stream()
                .map(f -> f.name() + " (" + f.module() + ListCommand.pluginSuffix(f) + ")").toList());
    }
}
