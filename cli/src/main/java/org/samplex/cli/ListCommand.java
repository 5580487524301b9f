package org.samplex.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.samplex.api.BackendProvider;
import org.samplex.api.Plugins;
import org.samplex.api.Probe;
import org.samplex.api.Services;
import org.samplex.api.Services.Found;
import org.samplex.api.config.Hyperparameter;
import org.samplex.api.config.Schema;
import org.samplex.api.learn.LearnerProvider;
import org.samplex.api.learn.TaskProvider;
import org.samplex.experiment.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code samplex list [backends|learners|tasks]}: what was found on the module path and in the plug-in folder,
 * and whether it can run. Plug-ins that were skipped are told in the Problems section, with the reason.
 */
@Command(name = "list", mixinStandardHelpOptions = true,
        description = {"Lists the backends, learners and tasks found on the module path and in the plug-in folder "
                + "(samplex --plugins DIR list), and the plug-in jars with their version and SHA-256.",
                "Naming one kind also shows the hyperparameters of its learners or tasks."})
final class ListCommand implements Callable<Integer> {

    static final List<String> KINDS = List.of("backends", "learners", "tasks");

    /** Completion candidates for KIND. */
    static final class Kinds extends ArrayList<String> {
        Kinds() {
            super(KINDS);
        }
    }

    @Parameters(arity = "0..1", paramLabel = "KIND", completionCandidates = Kinds.class,
            description = "One of: ${COMPLETION-CANDIDATES} (default: all).")
    String kind;

    @Option(names = {"-v", "--verbose"}, description = "Show descriptions and hyperparameters for every kind.")
    boolean verbose;

    @Option(names = "--json", description = "Print JSON on stdout instead of text.")
    boolean json;

    @ParentCommand
    Samplex root;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        if (kind != null && !KINDS.contains(kind)) {
            throw new ParameterException(spec.commandLine(),
                    "unknown kind '" + kind + "'; choose one of " + String.join(", ", KINDS));
        }
        Services services = root.servicesQuietly();
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(Json.write(asJson(services)));
        } else {
            printText(services, out);
        }
        out.flush();
        return 0;
    }

    private boolean shows(String k) {
        return kind == null || kind.equals(k);
    }

    /** Backends in the order "auto" tries them: highest rank first. */
    static List<Found<BackendProvider>> byRank(Services services) {
        List<Found<BackendProvider>> b = new ArrayList<>(services.backends());
        b.sort(Comparator.comparingInt((Found<BackendProvider> f) -> f.provider().rank()).reversed()
                .thenComparing(Found::name));
        return b;
    }

    private void printText(Services services, PrintWriter out) {
        boolean details = verbose || kind != null;
        List<Runnable> sections = new ArrayList<>();
        if (shows("backends")) {
            sections.add(() -> printBackends(out, byRank(services), details));
        }
        if (shows("learners")) {
            sections.add(() -> {
                out.println("Learners:");
                printConfigurables(out, learners(services), "org.samplex.api.learn.LearnerProvider", details);
            });
        }
        if (shows("tasks")) {
            sections.add(() -> {
                out.println("Tasks:");
                printConfigurables(out, tasks(services), "org.samplex.api.learn.TaskProvider", details);
            });
        }
        if (kind == null && !services.plugins().isEmpty()) {
            sections.add(() -> printPlugins(out, services));
        }
        for (int i = 0; i < sections.size(); i++) {
            if (i > 0) {
                out.println();
            }
            sections.get(i).run();
        }
        if (!services.problems().isEmpty()) {
            out.println();
            out.println("Problems (plug-ins skipped, providers that failed to load):");
            services.problems().forEach(p -> out.println("  " + p));
        }
    }

    /** The plug-in jars whose providers are in use, with what each provides. */
    private static void printPlugins(PrintWriter out, Services services) {
        out.println("Plug-ins:");
        Table t = new Table().row("JAR", "MODULE", "VERSION", "API", "PROVIDES", "SHA-256");
        for (Plugins.Plugin p : services.plugins()) {
            t.row(p.fileName(), p.module(), p.version(), p.apiVersion(), String.join(", ", provided(services, p)),
                    p.sha256());
        }
        t.print(out, "  ");
    }

    /** What a plug-in provides: "learner NAME", "task NAME", "backend NAME". */
    static List<String> provided(Services services, Plugins.Plugin plugin) {
        List<String> out = new ArrayList<>();
        services.backends().stream().filter(f -> f.plugin() == plugin).forEach(f -> out.add("backend " + f.name()));
        services.learners().stream().filter(f -> f.plugin() == plugin).forEach(f -> out.add("learner " + f.name()));
        services.tasks().stream().filter(f -> f.plugin() == plugin).forEach(f -> out.add("task " + f.name()));
        return out;
    }

    /** ", plug-in JAR" for a provider from a plug-in, "" for one on the module path. */
    static String pluginSuffix(Found<?> f) {
        return f.plugin() == null ? "" : ", plug-in " + f.plugin().fileName();
    }

    private static void printBackends(PrintWriter out, List<Found<BackendProvider>> backends, boolean details) {
        out.println("Backends (--backend auto takes the first available one, top down):");
        if (backends.isEmpty()) {
            out.println("  none found (no module provides org.samplex.api.BackendProvider)");
            return;
        }
        Table t = new Table().row("NAME", "RANK", "STATUS", "MODULE", "VERSION", "SUMMARY");
        for (Found<BackendProvider> f : backends) {
            Probe p = f.provider().probe();
            t.row(f.name(), Integer.toString(f.provider().rank()), p.available() ? "available" : "unavailable",
                    f.module(), f.version(), p.reason());
        }
        t.print(out, "  ");
        if (details) {
            out.println();
            Table d = new Table();
            backends.forEach(f -> d.row(f.name(), f.provider().description()));
            d.print(out, "  ");
        }
    }

    /**
     * A learner or task: the parts {@code list} shows.
     *
     * @param plugin the plug-in jar's file name, or null for a provider on the module path
     */
    record Item(String name, String module, String version, String description, Schema schema, String plugin) {
    }

    static List<Item> learners(Services services) {
        return services.learners().stream().map(f -> {
            LearnerProvider p = f.provider();
            return new Item(f.name(), f.module(), f.version(), p.description(), p.schema(), jar(f));
        }).toList();
    }

    static List<Item> tasks(Services services) {
        return services.tasks().stream().map(f -> {
            TaskProvider p = f.provider();
            return new Item(f.name(), f.module(), f.version(), p.description(), p.schema(), jar(f));
        }).toList();
    }

    private static String jar(Found<?> f) {
        return f.plugin() == null ? null : f.plugin().fileName();
    }

    private static void printConfigurables(PrintWriter out, List<Item> items, String service, boolean details) {
        if (items.isEmpty()) {
            out.println("  none found (no module provides " + service + ")");
            return;
        }
        Table t = new Table().row("NAME", "MODULE", "VERSION", "DESCRIPTION");
        items.forEach(i -> t.row(i.name(), i.module(), i.version(), i.description()));
        t.print(out, "  ");
        if (!details) {
            return;
        }
        for (Item i : items) {
            out.println();
            List<Hyperparameter> params = i.schema().parameters();
            if (params.isEmpty()) {
                out.println("  " + i.name() + " has no hyperparameters");
                continue;
            }
            out.println("  " + i.name() + " hyperparameters:");
            Table h = new Table().row("NAME", "TYPE", "DEFAULT", "ACCEPTED", "DESCRIPTION");
            for (Hyperparameter p : params) {
                h.row(p.name(), typeName(p.type()), p.defaultValue() == null ? "-" : String.valueOf(p.defaultValue()),
                        p.accepted(), p.description());
            }
            h.print(out, "    ");
        }
    }

    static String typeName(Hyperparameter.Type type) {
        return switch (type) {
            case INT -> "int";
            case REAL -> "real";
            case BOOLEAN -> "bool";
            case CHOICE -> "choice";
        };
    }

    private Map<String, Object> asJson(Services services) {
        Map<String, Object> root = new LinkedHashMap<>();
        if (shows("backends")) {
            List<Object> list = new ArrayList<>();
            for (Found<BackendProvider> f : byRank(services)) {
                Probe p = f.provider().probe();
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("name", f.name());
                m.put("rank", f.provider().rank());
                m.put("available", p.available());
                m.put(p.available() ? "summary" : "reason", p.reason());
                m.put("description", f.provider().description());
                m.put("module", f.module());
                m.put("version", f.version());
                m.put("plugin", jar(f));
                m.put("details", p.details());
                list.add(m);
            }
            root.put("backends", list);
        }
        if (shows("learners")) {
            root.put("learners", learners(services).stream().map(ListCommand::itemJson).toList());
        }
        if (shows("tasks")) {
            root.put("tasks", tasks(services).stream().map(ListCommand::itemJson).toList());
        }
        if (kind == null) {
            List<Object> plugins = new ArrayList<>();
            for (Plugins.Plugin p : services.plugins()) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("jar", p.fileName());
                m.put("path", p.jar().toAbsolutePath().toString());
                m.put("module", p.module());
                m.put("version", p.version());
                m.put("api_version", p.apiVersion());
                m.put("sha256", p.sha256());
                m.put("provides", provided(services, p));
                plugins.add(m);
            }
            root.put("plugins", plugins);
        }
        root.put("problems", services.problems());
        return root;
    }

    private static Map<String, Object> itemJson(Item i) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", i.name());
        m.put("description", i.description());
        m.put("module", i.module());
        m.put("version", i.version());
        m.put("plugin", i.plugin());
        List<Object> params = new ArrayList<>();
        for (Hyperparameter p : i.schema().parameters()) {
            Map<String, Object> h = new LinkedHashMap<>();
            h.put("name", p.name());
            h.put("type", p.type().name().toLowerCase(Locale.ROOT));
            h.put("default", p.defaultValue());
            h.put("accepted", p.accepted());
            if (p.type() == Hyperparameter.Type.INT || p.type() == Hyperparameter.Type.REAL) {
                boolean integral = p.type() == Hyperparameter.Type.INT;
                h.put("min", integral ? (Object) (long) p.min() : p.min());
                h.put("max", integral ? (Object) (long) p.max() : p.max());
            }
            if (p.type() == Hyperparameter.Type.CHOICE) {
                h.put("choices", p.choices());
            }
            h.put("description", p.description());
            params.add(h);
        }
        m.put("hyperparameters", params);
        return m;
    }
}
