package org.samplex.api;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.samplex.api.learn.LearnerProvider;
import org.samplex.api.learn.TaskProvider;

/**
 * Discovery of backends, learners and tasks with {@link ServiceLoader}, in the boot layer (module path or class
 * path), in any module layer, or in the boot layer plus the layers of {@link Plugins}. Discovery never loads
 * natives and never throws for a broken provider: the provider is skipped and the failure kept in
 * {@link #problems()}.
 *
 * <p>A plug-in is all or nothing: when one of its providers fails to load or takes a name that is already
 * provided (by a module on the module path or an earlier plug-in), none of its providers is used and the plug-in
 * is named in {@link #problems()} with the reason; so is a plug-in that provides nothing samplex uses.
 */
public final class Services {

    /**
     * A discovered provider with where it came from.
     *
     * @param provider the provider
     * @param name     its name ({@code name()})
     * @param module   its module's name, or "(class path)"
     * @param version  its module's version, or the package's implementation version, or "dev"
     * @param plugin   the plug-in jar that provided it, or null for a provider on samplex's own module or class
     *                 path
     */
    public record Found<T>(T provider, String name, String module, String version, Plugins.Plugin plugin) {

        /** A provider from samplex's own module or class path. */
        public Found(T provider, String name, String module, String version) {
            this(provider, name, module, version, null);
        }
    }

    private static final List<Class<?>> KINDS = List.of(BackendProvider.class, LearnerProvider.class,
            TaskProvider.class);

    /** Provider type -> name -> found, for each of the three kinds. */
    private final Map<Class<?>, Map<String, Found<?>>> found = new LinkedHashMap<>();
    private final List<Plugins.Plugin> plugins = new ArrayList<>();
    private final List<String> problems = new ArrayList<>();

    private Services(Function<Class<?>, ServiceLoader<?>> loader) {
        for (Class<?> kind : KINDS) {
            found.put(kind, new TreeMap<>());
            load(loader, kind);
        }
    }

    /** Providers visible to this module (the boot layer, or the class path when run there). */
    public static Services discover() {
        return new Services(ServiceLoader::load);
    }

    /** Providers in {@code layer} and its parents. */
    public static Services discover(ModuleLayer layer) {
        return new Services(c -> ServiceLoader.load(layer, c));
    }

    /**
     * Providers visible to this module ({@link #discover()}) and those of each plug-in, taken in order; the
     * plug-ins' own problems come first in {@link #problems()}.
     */
    public static Services discover(Plugins plugins) {
        Services s = discover();
        s.problems.addAll(0, plugins.problems());
        for (Plugins.Plugin p : plugins.loaded()) {
            s.addPlugin(p);
        }
        return s;
    }

    private void load(Function<Class<?>, ServiceLoader<?>> loader, Class<?> type) {
        ServiceLoader<?> sl = loader.apply(type);
        var it = sl.stream().iterator();
        while (true) {
            ServiceLoader.Provider<?> p;
            try {
                if (!it.hasNext()) {
                    break;
                }
                p = it.next();
            } catch (ServiceConfigurationError e) {
                problems.add(type.getSimpleName() + ": " + e.getMessage());
                continue;
            }
            try {
                Object provider = p.get();
                String name = nameOf(type, provider);
                Module m = p.type().getModule();
                String module = m.isNamed() ? m.getName() : "(class path)";
                String version = m.getDescriptor() != null && m.getDescriptor().rawVersion().isPresent()
                        ? m.getDescriptor().rawVersion().get()
                        : Optional.ofNullable(p.type().getPackage().getImplementationVersion()).orElse("dev");
                Found<?> f = new Found<>(provider, name, module, version);
                Found<?> prev = found.get(type).putIfAbsent(name, f);
                if (prev != null) {
                    problems.add(type.getSimpleName() + " '" + name + "' from " + module + " ignored: the name is "
                            + "already provided by " + prev.module());
                }
            } catch (ServiceConfigurationError | RuntimeException | LinkageError e) {
                problems.add(type.getSimpleName() + " " + p.type().getName() + " failed to load: " + e);
            }
        }
    }

    /**
     * Adds a plug-in's providers, all or none: only providers of modules in the plug-in's own layer count (the
     * loader also sees the parents', which are already here).
     */
    private void addPlugin(Plugins.Plugin plugin) {
        Map<Class<?>, List<Found<?>>> mine = new LinkedHashMap<>();
        try {
            int count = 0;
            for (Class<?> kind : KINDS) {
                List<Found<?>> list = new ArrayList<>();
                var it = ServiceLoader.load(plugin.layer(), kind).stream().iterator();
                // the layer's own providers come first, then the parents': stop at the first of those
                while (it.hasNext()) {
                    ServiceLoader.Provider<?> p = it.next();
                    if (p.type().getModule().getLayer() != plugin.layer()) {
                        break;
                    }
                    Object provider;
                    try {
                        provider = p.get();
                    } catch (ServiceConfigurationError | RuntimeException | LinkageError e) {
                        throw new IllegalStateException(kind.getSimpleName() + " " + p.type().getName()
                                + " failed to load: " + oneLine(e), e);
                    }
                    String name = nameOf(kind, provider);
                    Found<?> prev = found.get(kind).get(name);
                    if (prev != null) {
                        throw new IllegalStateException(kindWord(kind) + " '" + name + "' is already provided by "
                                + (prev.plugin() != null ? "plug-in " + prev.plugin().fileName() : prev.module()));
                    }
                    list.add(new Found<>(provider, name, plugin.module(), plugin.version(), plugin));
                    count++;
                }
                mine.put(kind, list);
            }
            if (count == 0) {
                throw new IllegalStateException("it provides no " + KINDS.stream().map(Class::getName)
                        .collect(Collectors.joining(", ")) + " (a module-info 'provides' or "
                        + "META-INF/services entry is missing)");
            }
        } catch (ServiceConfigurationError | RuntimeException | LinkageError e) {
            problems.add(Plugins.skipped(plugin.jar(), e instanceof IllegalStateException ? e.getMessage()
                    : oneLine(e)));
            return;
        }
        // names within one plug-in must differ too
        for (Map.Entry<Class<?>, List<Found<?>>> e : mine.entrySet()) {
            Set<String> names = new HashSet<>();
            for (Found<?> f : e.getValue()) {
                if (!names.add(f.name())) {
                    problems.add(Plugins.skipped(plugin.jar(), "it provides " + kindWord(e.getKey()) + " '"
                            + f.name() + "' twice"));
                    return;
                }
            }
        }
        mine.forEach((kind, list) -> list.forEach(f -> found.get(kind).put(f.name(), f)));
        plugins.add(plugin);
    }

    private static String nameOf(Class<?> kind, Object provider) {
        String name = switch (provider) {
            case BackendProvider b -> b.name();
            case LearnerProvider l -> l.name();
            case TaskProvider t -> t.name();
            default -> throw new IllegalStateException("not a provider: " + provider.getClass().getName());
        };
        if (name == null || name.isBlank()) {
            throw new IllegalStateException(kind.getSimpleName() + " " + provider.getClass().getName()
                    + " has no name");
        }
        return name;
    }

    private static String kindWord(Class<?> kind) {
        return kind == BackendProvider.class ? "backend" : kind == LearnerProvider.class ? "learner" : "task";
    }

    /** What went wrong in one line: the exception, or for a wrapped failure to instantiate, its root cause. */
    private static String oneLine(Throwable e) {
        Throwable t = e;
        while (t instanceof ServiceConfigurationError && t.getCause() != null) {
            t = t.getCause();
        }
        return t.toString().replaceAll("\\s*\\R\\s*", "; ").strip();
    }

    @SuppressWarnings("unchecked")
    private <T> List<Found<T>> all(Class<T> kind) {
        List<Found<T>> out = new ArrayList<>();
        found.get(kind).values().forEach(f -> out.add((Found<T>) f));
        return List.copyOf(out);
    }

    /** The backends found, by name. */
    public List<Found<BackendProvider>> backends() {
        return all(BackendProvider.class);
    }

    /** The learners found, by name. */
    public List<Found<LearnerProvider>> learners() {
        return all(LearnerProvider.class);
    }

    /** The tasks found, by name. */
    public List<Found<TaskProvider>> tasks() {
        return all(TaskProvider.class);
    }

    /** The plug-ins whose providers are used, in the order they were loaded. */
    public List<Plugins.Plugin> plugins() {
        return List.copyOf(plugins);
    }

    /** Providers that failed to load, one line each. */
    public List<String> problems() {
        return List.copyOf(problems);
    }

    /**
     * The backend called {@code name}.
     *
     * @throws IllegalArgumentException for an unknown name, listing the known ones
     */
    public BackendProvider backend(String name) {
        return pick(backends(), name, "backend").provider();
    }

    /**
     * The learner called {@code name}.
     *
     * @throws IllegalArgumentException for an unknown name, listing the known ones
     */
    public LearnerProvider learner(String name) {
        return pick(learners(), name, "learner").provider();
    }

    /**
     * The task called {@code name}.
     *
     * @throws IllegalArgumentException for an unknown name, listing the known ones
     */
    public TaskProvider task(String name) {
        return pick(tasks(), name, "task").provider();
    }

    private static <T> Found<T> pick(List<Found<T>> all, String name, String kind) {
        for (Found<T> f : all) {
            if (f.name().equals(name)) {
                return f;
            }
        }
        throw new IllegalArgumentException("unknown " + kind + " '" + name + "'; available: "
                + (all.isEmpty() ? "none" : all.stream().map(Found::name).collect(Collectors.joining(", "))));
    }

    /** The outcome of choosing a backend: the provider and a sentence saying why it was chosen. */
    public record BackendChoice(BackendProvider provider, Probe probe, String explanation) {
    }

    /**
     * Chooses a backend: by name (which must be available), or for "auto" the available one of highest rank,
     * explaining which higher-ranked backends were passed over and why.
     *
     * @throws IllegalArgumentException     for an unknown name, listing the known ones
     * @throws BackendUnavailableException when a named backend cannot run here, with its reason
     */
    public BackendChoice chooseBackend(String name) {
        if (!"auto".equals(name)) {
            BackendProvider p = backend(name);
            Probe probe = p.probe();
            if (!probe.available()) {
                throw new BackendUnavailableException(name, probe.reason());
            }
            return new BackendChoice(p, probe, "backend " + name + ": " + probe.reason());
        }
        List<Found<BackendProvider>> ranked = new ArrayList<>(backends());
        ranked.sort(Comparator.comparingInt((Found<BackendProvider> f) -> f.provider().rank()).reversed());
        List<String> passed = new ArrayList<>();
        for (Found<BackendProvider> f : ranked) {
            Probe probe = f.provider().probe();
            if (probe.available()) {
                String why = passed.isEmpty() ? "" : " (" + String.join("; ", passed) + ")";
                return new BackendChoice(f.provider(), probe, "backend auto -> " + f.name() + why);
            }
            passed.add(f.name() + " unavailable: " + probe.reason());
        }
        throw new BackendUnavailableException("auto", "no backend is available: " + String.join("; ", passed));
    }
}
